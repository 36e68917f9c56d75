package llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import llm.UserException;
import llm.io.AtomicFile;

/**
 * A minimal safetensors file for checkpoints: 8-byte little-endian header length, a JSON header
 * ({@code name -> {dtype, shape, data_offsets}} plus string {@code __metadata__}), then the raw little-endian data.
 * Written atomically (temp file + rename), so a crash mid-write leaves the previous file intact.
 */
public final class TensorFile {
    /** What {@link #read} returns: tensors by name (in file order) and the string metadata. */
    public record Contents(Map<String, NDArray> tensors, Map<String, String> metadata) {}

    private static final Gson GSON = new Gson();

    private TensorFile() {}

    /** Write {@code tensors} (F32, F16, I32 or I64) and {@code metadata} to {@code path}, atomically. */
    public static void write(Path path, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            long bytes = a.size() * a.getDataType().getNumOfBytes();
            JsonObject t = new JsonObject();
            t.addProperty("dtype", dtypeName(a.getDataType(), e.getKey()));
            JsonArray shape = new JsonArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
            offset += bytes;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to 8 bytes
        try (AtomicFile f = new AtomicFile(path)) {
            OutputStream out = new java.io.BufferedOutputStream(f.stream(), 1 << 20);
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            byte[] chunk = new byte[1 << 20];
            for (NDArray a : tensors.values()) {
                ByteBuffer data = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                    throw new IOException("big-endian hosts are not supported");
                }
                while (data.hasRemaining()) {
                    int n = Math.min(chunk.length, data.remaining());
                    data.get(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
            out.flush();
            f.commit();
        }
    }

    /** Read every tensor of {@code path} into {@code manager}. Truncated or malformed files are runtime errors. */
    public static Contents read(Path path, NDManager manager) {
        String where = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw UserException.runtime(where + ": truncated (no header)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > Math.min(size - 8, 100_000_000L)) {
                throw UserException.runtime(where + ": not a complete safetensors file (its header claims "
                        + headerLen + " bytes of " + size + "): truncated or damaged");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonObject header = GSON.fromJson(new String(hb.array(), StandardCharsets.UTF_8).trim(), JsonObject.class);
            long base = 8 + headerLen;
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().getAsJsonObject().entrySet().forEach(m -> meta.put(m.getKey(), m.getValue().getAsString()));
                    continue;
                }
                JsonObject t = e.getValue().getAsJsonObject();
                DataType dt = dtype(t.get("dtype").getAsString(), where);
                JsonArray sh = t.getAsJsonArray("shape");
                long[] dims = new long[sh.size()];
                long count = 1;
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = sh.get(i).getAsLong();
                    count *= dims[i];
                }
                JsonArray off = t.getAsJsonArray("data_offsets");
                long begin = off.get(0).getAsLong();
                long end = off.get(1).getAsLong();
                if (end - begin != count * dt.getNumOfBytes() || begin < 0 || base + end > size) {
                    throw UserException.runtime(where + ": tensor " + e.getKey() + " has bad offsets (truncated file?)");
                }
                ByteBuffer data = ByteBuffer.allocateDirect((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, base + begin);
                data.rewind();
                tensors.put(e.getKey(), manager.create(data, new Shape(dims), dt));
            }
            return new Contents(tensors, meta);
        } catch (IOException e) {
            throw UserException.runtime(where + ": cannot read: " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw UserException.runtime(where + ": malformed header (" + (e instanceof JsonParseException
                    ? llm.io.JsonProblem.describe(e) : "not the tensors of a checkpoint") + "): damaged file?", e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    private static String dtypeName(DataType t, String name) {
        return switch (t) {
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case INT32 -> "I32";
            case INT64 -> "I64";
            default -> throw new IllegalArgumentException(name + ": unsupported dtype " + t);
        };
    }

    private static DataType dtype(String name, String where) {
        return switch (name) {
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "I32" -> DataType.INT32;
            case "I64" -> DataType.INT64;
            default -> throw UserException.runtime(where + ": unsupported dtype " + name);
        };
    }
}
