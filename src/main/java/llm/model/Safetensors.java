package llm.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import llm.UserException;
import llm.io.AtomicFile;

/**
 * The safetensors format, read defensively: an 8-byte little-endian header length, a JSON header
 * ({@code name: {dtype, shape, data_offsets}}), then raw little-endian data. Header length, dtypes, shapes and offsets
 * are checked against the file size before anything is allocated or mapped. {@link Reader#map} maps a tensor as
 * stored (the CPU decoder reads F16/BF16 in place); {@link Reader#readFloats} converts to float.
 */
public final class Safetensors {
    /** Largest header accepted (HF's own limit is 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    /** One tensor's entry in the header. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** A tensor to write: float32 data produced on demand (so a large model is written one tensor at a time). */
    public record Tensor(String name, long[] shape, Supplier<float[]> data) {}

    private Safetensors() {}

    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    /** An open safetensors file. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final long dataStart;
        private final Map<String, Entry> entries;
        private final Map<String, String> metadata;
        private ByteBuffer scratch; // read buffer of readFloats (a reader is used by one thread)
        private long fileSize;

        public Reader(Path file) {
            this.file = file;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                throw UserException.runtime(file + ": cannot open: " + e.getMessage(), e);
            }
            try {
                long size = channel.size();
                fileSize = size;
                if (size < 8) {
                    throw bad("truncated: " + size + " bytes, shorter than the 8-byte header length");
                }
                ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                readFully(0, lenBuf);
                long headerLen = lenBuf.flip().getLong();
                if (headerLen < 2 || headerLen > MAX_HEADER) {
                    throw bad("header length " + Long.toUnsignedString(headerLen) + " is out of range (2 .. "
                            + MAX_HEADER + " bytes); not a safetensors file?");
                }
                if (8 + headerLen > size) {
                    throw bad("truncated: the header says " + headerLen + " bytes but the file has " + size);
                }
                ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
                readFully(8, hb);
                String json = new String(hb.array(), StandardCharsets.UTF_8);
                dataStart = 8 + headerLen;
                Map<String, Entry> es = new LinkedHashMap<>();
                Map<String, String> meta = new LinkedHashMap<>();
                JsonObject root;
                try {
                    JsonElement parsed = JsonParser.parseString(json);
                    if (!parsed.isJsonObject()) {
                        throw bad("header is not a JSON object");
                    }
                    root = parsed.getAsJsonObject();
                } catch (RuntimeException e) {
                    if (e instanceof UserException u) {
                        throw u;
                    }
                    throw bad("header is not valid JSON");
                }
                long dataSize = size - dataStart;
                for (Map.Entry<String, JsonElement> kv : root.entrySet()) {
                    if (kv.getKey().equals("__metadata__")) {
                        if (kv.getValue().isJsonObject()) {
                            for (Map.Entry<String, JsonElement> m : kv.getValue().getAsJsonObject().entrySet()) {
                                meta.put(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString()
                                        : m.getValue().toString());
                            }
                        }
                        continue;
                    }
                    es.put(kv.getKey(), parseEntry(kv.getKey(), kv.getValue(), dataSize));
                }
                entries = Collections.unmodifiableMap(es);
                metadata = Collections.unmodifiableMap(meta);
            } catch (IOException e) {
                closeQuietly();
                throw UserException.runtime(file + ": cannot read: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                closeQuietly();
                throw e;
            }
        }

        private Entry parseEntry(String name, JsonElement e, long dataSize) {
            try {
                JsonObject o = e.getAsJsonObject();
                String dtype = o.get("dtype").getAsString();
                int es = elementSize(dtype);
                if (es < 0) {
                    throw bad("tensor " + name + " has unknown dtype " + dtype);
                }
                JsonArray sh = o.getAsJsonArray("shape");
                long[] shape = new long[sh.size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = sh.get(i).getAsLong();
                    if (shape[i] < 0) {
                        throw bad("tensor " + name + " has a negative dimension");
                    }
                    n = Math.multiplyExact(n, shape[i]);
                }
                JsonArray off = o.getAsJsonArray("data_offsets");
                if (off == null || off.size() != 2) {
                    throw bad("tensor " + name + " has no data_offsets [begin, end]");
                }
                long begin = off.get(0).getAsLong();
                long end = off.get(1).getAsLong();
                if (begin < 0 || end < begin || end > dataSize) {
                    throw bad("tensor " + name + ": data_offsets [" + begin + ", " + end + "] lie outside the "
                            + dataSize + " data bytes (truncated file?)");
                }
                if (Math.multiplyExact(n, (long) es) != end - begin) {
                    throw bad("tensor " + name + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                            + n * es + " bytes but data_offsets span " + (end - begin));
                }
                return new Entry(name, dtype, shape, begin, end);
            } catch (ArithmeticException ex) {
                throw bad("tensor " + name + ": shape is too large");
            } catch (UserException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                throw bad("tensor " + name + ": malformed header entry");
            }
        }

        private UserException bad(String why) {
            return UserException.runtime(file + ": " + why);
        }

        private void readFully(long pos, ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                int r = channel.read(buf, pos);
                if (r < 0) {
                    throw new IOException("unexpected end of file");
                }
                pos += r;
            }
        }

        public Path file() {
            return file;
        }

        /** Tensor entries in header order. */
        public Map<String, Entry> entries() {
            return entries;
        }

        public Map<String, String> metadata() {
            return metadata;
        }

        public boolean has(String name) {
            return entries.containsKey(name);
        }

        /** The tensor's values as float32 (F32, F16 and BF16 accepted). */
        public float[] readFloats(String name) {
            Entry e = entries.get(name);
            if (e == null) {
                throw bad("missing tensor " + name);
            }
            if (!e.dtype.equals("F32") && !e.dtype.equals("F16") && !e.dtype.equals("BF16")) {
                throw bad("tensor " + name + " has dtype " + e.dtype + "; only F32, F16 and BF16 are supported");
            }
            long n = e.size();
            if (n > Integer.MAX_VALUE - 8) {
                throw bad("tensor " + name + " is too large (" + n + " values)");
            }
            float[] out = new float[(int) n];
            int es = elementSize(e.dtype);
            long pos = dataStart + e.begin;
            if (scratch == null) { // one buffer for all tensors, outside the heap: a fresh 4 MB heap buffer per
                // tensor was most of the load time of a small model (zeroed, page-faulted, copied once more); 1 MB
                // at most, less for a file with less data (zeroing 1 MB for a tiny file set the pace of fuzzing it)
                long data = Math.max(8, fileSize - dataStart);
                scratch = ByteBuffer.allocateDirect((int) Math.min(1 << 20, (data + 7) & ~7L))
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
            ByteBuffer buf = scratch;
            int chunkElems = buf.capacity() / es;
            try {
                for (int i = 0; i < out.length; i += chunkElems) {
                    int m = Math.min(chunkElems, out.length - i);
                    buf.clear().limit(m * es);
                    readFully(pos + (long) i * es, buf);
                    buf.flip();
                    switch (e.dtype) {
                        case "F32" -> buf.asFloatBuffer().get(out, i, m);
                        case "F16" -> {
                            for (int j = 0; j < m; j++) {
                                out[i + j] = halfToFloat(buf.getShort(2 * j));
                            }
                        }
                        default -> {
                            for (int j = 0; j < m; j++) {
                                out[i + j] = Float.intBitsToFloat((buf.getShort(2 * j) & 0xffff) << 16);
                            }
                        }
                    }
                }
            } catch (IOException ex) {
                throw UserException.runtime(file + ": cannot read tensor " + name + ": " + ex.getMessage(), ex);
            }
            return out;
        }

        /**
         * The tensor's bytes mapped read-only (not copied: pages are read on first use and shared with the page
         * cache), F32, F16 or BF16 as stored. The mapping outlives the reader. Each tensor is mapped on its own, so
         * a file above 2 GB needs no single large mapping; one tensor above 2 GB is refused.
         *
         * @param transposed the tensor is a matrix stored as Wᵀ (see {@link HostTensor})
         * @param heap read the bytes into a byte[] in the heap instead of mapping them (see {@link
         *     FloatMatrix#inHeap}; the size was checked against the file's when the header was read)
         */
        public HostTensor map(String name, boolean transposed, boolean heap) {
            Entry e = entries.get(name);
            if (e == null) {
                throw bad("missing tensor " + name);
            }
            HostTensor.Dtype t = HostTensor.Dtype.of(e.dtype);
            if (t == null) {
                throw bad("tensor " + name + " has dtype " + e.dtype + "; only F32, F16 and BF16 are supported");
            }
            long bytes = e.end - e.begin;
            if (bytes > Integer.MAX_VALUE - 8) {
                throw bad("tensor " + name + " is too large (" + bytes + " bytes; at most 2 GB per tensor)");
            }
            try {
                ByteBuffer b = HostTensor.load(channel, dataStart + e.begin, (int) bytes, heap);
                return new HostTensor(b, t, e.shape.clone(), transposed, null);
            } catch (IOException ex) {
                throw UserException.runtime(file + ": cannot " + (heap ? "read" : "map") + " tensor " + name + ": "
                        + ex.getMessage(), ex);
            }
        }

        private void closeQuietly() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }

        @Override
        public void close() {
            closeQuietly();
        }
    }

    /** IEEE half (binary16) bits to float. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f / 16384f; // subnormal: mant · 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Write float32 tensors atomically, in the given order, with HF's 8-byte header alignment. */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            long n = 1;
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                n *= d;
                shape.add(d);
            }
            JsonObject e = new JsonObject();
            e.addProperty("dtype", "F32");
            e.add("shape", shape);
            JsonArray off = new JsonArray();
            off.add(offset);
            off.add(offset + 4 * n);
            e.add("data_offsets", off);
            header.add(t.name(), e);
            offset += 4 * n;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        try (AtomicFile af = new AtomicFile(file)) {
            OutputStream out = new BufferedOutputStream(af.stream(), 1 << 20);
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerBytes);
            for (Tensor t : tensors) {
                float[] data = t.data().get();
                ByteBuffer bb = ByteBuffer.allocate(4 * Math.min(data.length, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < data.length; i += 1 << 20) {
                    int m = Math.min(1 << 20, data.length - i);
                    bb.clear();
                    bb.asFloatBuffer().put(data, i, m);
                    out.write(bb.array(), 0, 4 * m);
                }
            }
            out.flush();
            af.commit();
        }
    }
}
