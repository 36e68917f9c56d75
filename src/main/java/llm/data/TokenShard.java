package llm.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import llm.io.AtomicFile;

/**
 * llm.c's token shard format: a header of 256 little-endian int32 — {@code [0]} magic 20240520, {@code [1]} version
 * (1 = uint16 tokens, 2 = uint32 tokens), {@code [2]} token count — followed by the tokens, little-endian.
 * uint16 holds vocabularies up to 65,536 (GPT-2's 50,257); larger vocabularies need version 2.
 */
public final class TokenShard {
    public static final int MAGIC = 20240520;
    public static final int HEADER_INTS = 256;
    public static final int HEADER_BYTES = HEADER_INTS * 4;
    public static final int VERSION_U16 = 1;
    public static final int VERSION_U32 = 2;

    private TokenShard() {}

    /** The version to use for a vocabulary of {@code vocabSize} tokens. */
    public static int versionFor(int vocabSize) {
        return vocabSize <= 65536 ? VERSION_U16 : VERSION_U32;
    }

    public static byte[] header(int version, long count) {
        if (count > Integer.MAX_VALUE) {
            throw UserException.runtime("a shard holds at most " + Integer.MAX_VALUE + " tokens, not " + count);
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(version).putInt((int) count);
        return b.array();
    }

    /** Write one shard to {@code out} (stdout or a file stream). */
    public static void write(OutputStream out, int[] tokens, int version) throws IOException {
        OutputStream o = new BufferedOutputStream(out, 1 << 16);
        o.write(header(version, tokens.length));
        int width = version == VERSION_U16 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(Math.min(tokens.length, 1 << 15) * width + 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int t : tokens) {
            if (version == VERSION_U16) {
                if (t < 0 || t > 0xFFFF) {
                    throw UserException.runtime("token id " + t + " does not fit a uint16 shard (use a uint32 shard)");
                }
                b.putShort((short) t);
            } else {
                b.putInt(t);
            }
            if (b.remaining() < width) {
                o.write(b.array(), 0, b.position());
                b.clear();
            }
        }
        o.write(b.array(), 0, b.position());
        o.flush();
    }

    /** Write one shard to {@code path} atomically. */
    public static void write(Path path, int[] tokens, int version) throws IOException {
        try (AtomicFile f = new AtomicFile(path)) {
            write(f.stream(), tokens, version);
            f.commit();
        }
    }

    /** Read a whole shard. */
    public static int[] read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        }
    }

    /** Read a whole shard from a stream; {@code name} is used in error messages. */
    public static int[] read(InputStream in, String name) throws IOException {
        byte[] head = in.readNBytes(HEADER_BYTES);
        int[] h = parseHeader(head, name);
        int version = h[1];
        int count = h[2];
        int width = version == VERSION_U16 ? 2 : 4;
        long want = (long) count * width; // past 2^31 for a large count: read what is there, said truncated below
        byte[] body = in.readNBytes((int) Math.min(want, Integer.MAX_VALUE - 8));
        if (body.length != (long) count * width) {
            throw UserException.runtime(name + ": truncated token shard: header says " + count + " tokens, found "
                    + body.length / width);
        }
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = version == VERSION_U16 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        }
        return out;
    }

    /** Header fields {@code [magic, version, count]}, validated. */
    public static int[] parseHeader(byte[] head, String name) {
        if (head.length < HEADER_BYTES) {
            throw UserException.runtime(name + ": not a token shard (shorter than its 1024-byte header)");
        }
        IntBuffer ib = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        int magic = ib.get(0);
        int version = ib.get(1);
        int count = ib.get(2);
        if (magic != MAGIC) {
            throw UserException.runtime(name + ": not a token shard (magic " + magic + ", expected " + MAGIC + ")");
        }
        if (version != VERSION_U16 && version != VERSION_U32) {
            throw UserException.runtime(name + ": unsupported token shard version " + version);
        }
        if (count < 0) {
            throw UserException.runtime(name + ": corrupt token shard header (count " + count + ")");
        }
        return new int[] {magic, version, count};
    }

    /**
     * Is {@code path} a token shard, told by its content, never by its name: a regular file whose first bytes
     * (decompressed, for a .gz/.bz2/.xz/.zst file) are the shard magic. A file named {@code .bin} without the magic is
     * read as data like any other file (text, or "looks binary" with the magic it lacks).
     */
    public static boolean isShardFile(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (InputStream in = new java.io.BufferedInputStream(llm.io.Inputs.open(path.toString()), 64)) {
            return isShard(in);
        } catch (IOException | RuntimeException e) {
            return false; // reading it as data then says what is wrong
        }
    }

    /** True when the first bytes of {@code path} are a shard header. */
    public static boolean isShard(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return startsWithMagic(in.readNBytes(4));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code in} (a stream that supports mark, not consumed) starts with a token shard's magic. */
    public static boolean isShard(InputStream in) throws IOException {
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        return startsWithMagic(head);
    }

    /** The one shard sniff: the first four bytes are {@link #MAGIC}, little-endian. */
    public static boolean startsWithMagic(byte[] head) {
        return head.length >= 4 && firstInt(head) == MAGIC;
    }

    /** The first four bytes as a little-endian int32 (what a shard's magic would be); -1 when shorter. */
    public static int firstInt(byte[] head) {
        return head.length < 4 ? -1 : ByteBuffer.wrap(head, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
