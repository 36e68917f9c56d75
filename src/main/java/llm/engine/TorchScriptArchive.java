package llm.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes, in memory, the zip that {@code torch::jit::load} reads: a TorchScript module with no parameters, whose
 * class is given as TorchScript source. No Python is involved; the layout is the one {@code torch.jit.save} writes:
 *
 * <pre>
 * NAME/version              "10\n": the file format version (10 = aten::gelu with approximate=; libtorch 2.7
 *                           reads 1..10, and applies operator upgraders only below the version written)
 * NAME/data.pkl             pickle (protocol 2) of the module object: __torch__.CLASS, state {"training": True}
 * NAME/constants.pkl        pickle of the empty tuple (the constant-tensor table)
 * NAME/code/__torch__.py    the class source: "class CLASS(Module):", __parameters__, __buffers__, training, methods
 * </pre>
 *
 * Entries are STORED (uncompressed), as libtorch's own writer does.
 */
public final class TorchScriptArchive {
    /** The highest file format version libtorch 2.7 reads (caffe2/serialize/versions.h). */
    static final int FILE_FORMAT_VERSION = 10;

    private TorchScriptArchive() {}

    /**
     * The archive of one parameterless module.
     *
     * @param className the class name in module {@code __torch__} (a Python identifier)
     * @param methods TorchScript method definitions, indented by 2 spaces as class members, each with
     *     {@code self: __torch__.CLASS} as first parameter
     */
    public static byte[] module(String className, String methods) {
        if (!className.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not an identifier: " + className);
        }
        String source = "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + methods;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String dir = "archive/";
            // the reader takes the archive name from the first entry's folder
            stored(zip, dir + "data.pkl", moduleObjectPickle(className));
            stored(zip, dir + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, dir + "constants.pkl", emptyTuplePickle());
            stored(zip, dir + "version", (FILE_FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    // pickle opcodes (Python's pickle protocol 2)
    private static final int PROTO = 0x80, GLOBAL = 'c', EMPTY_TUPLE = ')', NEWOBJ = 0x81, EMPTY_DICT = '}',
            BINUNICODE = 'X', NEWTRUE = 0x88, SETITEM = 's', BUILD = 'b', STOP = '.';

    /** {@code __torch__.CLASS.__new__(CLASS)} then BUILD with the state dict {"training": True}. */
    static byte[] moduleObjectPickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(PROTO);
        p.write(2);
        p.write(GLOBAL);
        p.writeBytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(EMPTY_TUPLE);
        p.write(NEWOBJ);
        p.write(EMPTY_DICT);
        binUnicode(p, "training");
        p.write(NEWTRUE);
        p.write(SETITEM);
        p.write(BUILD);
        p.write(STOP);
        return p.toByteArray();
    }

    static byte[] emptyTuplePickle() {
        return new byte[] {(byte) PROTO, 2, EMPTY_TUPLE, STOP};
    }

    private static void binUnicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(BINUNICODE);
        p.write(b.length);
        p.write(b.length >>> 8);
        p.write(b.length >>> 16);
        p.write(b.length >>> 24);
        p.writeBytes(b);
    }
}
