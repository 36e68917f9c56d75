package llm.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A weight tensor in host memory as the file stores it: a little-endian {@link ByteBuffer} (a read-only mapping of
 * the file's bytes, or a direct buffer) of F32, F16 or BF16 values, without conversion — the CPU decoder reads
 * matrices in place ({@link FloatMatrix}); only the engine path ({@link ModelArrays#get}) widens them to a
 * {@code float[]}. A vector or a matrix; a matrix (rows, cols) row-major as stored:
 * <ul>
 *   <li>{@code transposed} false: the stored rows are the rows of W (out, in) — HF {@code nn.Linear}, llama2.c;</li>
 *   <li>{@code transposed} true: the stored rows are the rows of Wᵀ (in, out) — GPT-2's Conv1D.</li>
 * </ul>
 * {@code rowOrder}, when not null, maps W's row o to the stored row {@code rowOrder[o]} (llama2.c's q/k projections,
 * whose RoPE pairs are interleaved, are read in HF's rotate-half order this way, without a copy).
 *
 * @param data little-endian bytes, position 0, exactly {@code size() · dtype.bytes} long
 * @param dtype element type
 * @param shape the shape as stored (1 or 2 dimensions for what the decoder reads)
 * @param transposed a matrix stored as Wᵀ
 * @param rowOrder W's rows in stored order (untransposed matrices only), or null
 */
public record HostTensor(ByteBuffer data, Dtype dtype, long[] shape, boolean transposed, int[] rowOrder) {
    /** Element types the decoder reads. */
    public enum Dtype {
        F32(4), F16(2), BF16(2);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        /** The safetensors name's type, or null. */
        static Dtype of(String safetensorsName) {
            return switch (safetensorsName) {
                case "F32" -> F32;
                case "F16" -> F16;
                case "BF16" -> BF16;
                default -> null;
            };
        }
    }

    public HostTensor {
        // a direct buffer read-only whatever its source (a mapping is; an off-heap converted copy or the JIT
        // warm-up's made-up weights would not be): the Vector API kernels then only ever see one buffer class, so
        // the code the warm-up compiled is the code the real weights run (another class there made C2 throw it away
        // at the first real step). A heap buffer stays as it is: the kernels read its array (FloatMatrix.Stored).
        data = data.isDirect() ? data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN)
                : data.order(ByteOrder.LITTLE_ENDIAN);
        long n = 1;
        for (long d : shape) { // (the fields are not set yet: size() cannot be called here)
            n *= d;
        }
        if ((long) data.capacity() < n * dtype.bytes) {
            throw new IllegalArgumentException("tensor of " + n + " " + dtype + " values in " + data.capacity()
                    + " bytes");
        }
    }

    /** A float32 tensor over a copy of {@code values} (off-heap), stored untransposed. */
    public static HostTensor of(float[] values, long... shape) {
        return of(values, false, shape);
    }

    /** A float32 tensor over a copy of {@code values}, in the heap or off it, stored untransposed. */
    static HostTensor of(float[] values, boolean heap, long... shape) {
        ByteBuffer b = allocate(4 * values.length, heap);
        b.asFloatBuffer().put(values);
        return new HostTensor(b, Dtype.F32, shape, false, null);
    }

    /** A little-endian buffer of {@code bytes}: over a byte[] in the heap, or off-heap. */
    static ByteBuffer allocate(int bytes, boolean heap) {
        return (heap ? ByteBuffer.allocate(bytes) : ByteBuffer.allocateDirect(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * {@code bytes} bytes of a file from {@code pos}: read into a byte[] in the heap, or mapped read-only (pages
     * read on first use and shared with the page cache). Which one: see {@link FloatMatrix#inHeap}.
     */
    static ByteBuffer load(java.nio.channels.FileChannel ch, long pos, int bytes, boolean heap)
            throws java.io.IOException {
        if (!heap) {
            return ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, pos, bytes);
        }
        byte[] a = new byte[bytes];
        // positional reads of at most 1 MB: the JDK copies each read through a temporary direct buffer of its size
        for (int off = 0; off < bytes; ) {
            int n = ch.read(ByteBuffer.wrap(a, off, Math.min(1 << 20, bytes - off)), pos + off);
            if (n < 0) {
                throw new java.io.EOFException("end of file at byte " + (pos + off) + ", " + (bytes - off)
                        + " bytes short");
            }
            off += n;
        }
        return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The byte[] the data lies in from index 0 (a heap tensor), or null (off-heap). */
    byte[] array() {
        return data.hasArray() && data.arrayOffset() == 0 ? data.array() : null;
    }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Stored rows (a vector is one row). */
    int storedRows() {
        return shape.length < 2 ? 1 : (int) shape[0];
    }

    /** Stored columns. */
    int storedCols() {
        return (int) shape[shape.length - 1];
    }

    /** Element i of the stored order, widened. */
    float get(long i) {
        return switch (dtype) {
            case F32 -> data.getFloat((int) (4 * i));
            case BF16 -> Float.intBitsToFloat((data.getShort((int) (2 * i)) & 0xffff) << 16);
            case F16 -> Safetensors.halfToFloat(data.getShort((int) (2 * i)));
        };
    }

    /** W's row {@code r} (untransposed matrices: stored row rowOrder[r]) widened into dst[0, cols). */
    void row(int r, float[] dst) {
        int cols = storedCols();
        long base = (long) (rowOrder == null ? r : rowOrder[r]) * cols;
        if (dtype == Dtype.F32) {
            for (int i = 0; i < cols; i++) { // (not a FloatBuffer view: no allocation per token)
                dst[i] = data.getFloat((int) (4 * (base + i)));
            }
        } else {
            for (int i = 0; i < cols; i++) {
                dst[i] = get(base + i);
            }
        }
    }

    /** All values widened to float, in the in-memory layout: a matrix as W (out, in), rowOrder applied. */
    float[] toFloats() {
        long n = size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor of " + n + " values does not fit an array");
        }
        float[] out = new float[(int) n];
        if (shape.length < 2) {
            for (int i = 0; i < out.length; i++) {
                out[i] = get(i);
            }
            return out;
        }
        int rows = storedRows(), cols = storedCols();
        if (transposed) { // stored (in, out) -> (out, in)
            for (int i = 0; i < rows; i++) {
                for (int o = 0; o < cols; o++) {
                    out[o * rows + i] = get((long) i * cols + o);
                }
            }
        } else {
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                row(r, row);
                System.arraycopy(row, 0, out, r * cols, cols);
            }
        }
        return out;
    }

    /**
     * The same values as {@code to} (rounded to nearest even when narrowing), in a new buffer: a byte[] in the heap
     * with {@code heap}, else off it; this one where {@code to} is its type.
     */
    HostTensor convert(Dtype to, boolean heap) {
        if (to == dtype) {
            return this;
        }
        long n = size();
        if (n * to.bytes > Integer.MAX_VALUE - 8) {
            throw llm.UserException.runtime("a tensor of " + n + " values does not fit 2 GB as " + to
                    + "; keep the file's type (LLM_WEIGHTS=auto)");
        }
        ByteBuffer b = allocate((int) (n * to.bytes), heap);
        for (long i = 0; i < n; i++) {
            float v = get(i);
            switch (to) {
                case F32 -> b.putFloat((int) (4 * i), v);
                case BF16 -> b.putShort((int) (2 * i), floatToBf16(v));
                case F16 -> b.putShort((int) (2 * i), floatToHalf(v));
            }
        }
        return new HostTensor(b, to, shape, transposed, rowOrder);
    }

    /** float to bfloat16 bits, round to nearest even (NaN kept a NaN). */
    static short floatToBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** float to IEEE half bits, round to nearest even; overflow to ±∞, underflow through the subnormals to ±0. */
    static short floatToHalf(float v) {
        int bits = Float.floatToRawIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        float a = Math.abs(v);
        if (Float.isNaN(v)) {
            return (short) (sign | 0x7e00);
        }
        if (a >= 65520f) { // rounds to above the largest half (65504)
            return (short) (sign | 0x7c00);
        }
        if (a < 0x1p-14f) { // subnormal half: a multiple of 2^-24, rounded to nearest even by the float add
            return (short) (sign | Math.round(Math.rint(a * 0x1p24f)));
        }
        int e = ((Float.floatToRawIntBits(a) >>> 23) & 0xff) - 127 + 15;
        int m = Float.floatToRawIntBits(a) & 0x7fffff;
        int h = (e << 10) | (m >>> 13);
        int rest = m & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
            h++; // may carry into the exponent: still the right value
        }
        return (short) (sign | h);
    }
}
