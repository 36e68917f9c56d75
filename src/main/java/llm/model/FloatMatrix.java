package llm.model;

import java.util.Locale;

/**
 * A weight matrix W (out, in) as the CPU decoder multiplies it: {@code y = W x} for ranges of outputs, so that a
 * product can be split by outputs over threads (each output element is computed by one thread, by the same operations
 * whatever the split: threads never change a result). Two kinds:
 * <ul>
 *   <li>{@link Stored}: the tensor's own bytes, F32/F16/BF16 kept as stored (16-bit weights are widened in the
 *   kernels, halving the bytes read per token) — a mapping of the file, or a byte[] in the heap for 16-bit
 *   matrices ({@link #inHeap}) — multiplied by {@link VectorKernels}; used whenever the JDK's Vector API module is
 *   present ({@code bin/llm} adds it on Java 17–18);</li>
 *   <li>{@link Rows}: float32 copies of Wᵀ's rows on the heap, multiplied by {@link Kernels}' plain loops (which C2
 *   vectorizes only over arrays) — the fallback without that module.</li>
 * </ul>
 * The system property {@code llm.weights} (or the environment variable {@code LLM_WEIGHTS}) forces the type the
 * decoder keeps: {@code f32}, {@code bf16} or {@code f16} (converted once at load; where the copy lies: {@link
 * #inHeap}); {@code auto} (default) keeps the file's. {@code -Dllm.kernels=java} forces the fallback.
 */
abstract class FloatMatrix {
    /**
     * Whether the Vector API kernels can run: the module is in the boot layer, not turned off, and its vectors still
     * load from a {@link java.nio.ByteBuffer} — JDK 16–18; JDK 19 replaced those methods with memory segments (JEP
     * 426), and calling them there failed with NoSuchMethodError at the first decode step.
     */
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"java".equals(System.getProperty("llm.kernels")) && loadsFromByteBuffers();

    private static boolean loadsFromByteBuffers() {
        try {
            Class<?> species = Class.forName("jdk.incubator.vector.VectorSpecies");
            for (String vector : new String[] {"FloatVector", "ShortVector"}) {
                Class.forName("jdk.incubator.vector." + vector).getMethod("fromByteBuffer", species,
                        java.nio.ByteBuffer.class, int.class, java.nio.ByteOrder.class);
            }
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    final int out, in;

    /**
     * Outputs per chunk below which sums of scaled rows lose speed (one core, heap rows, in cache: 0.055 ns per
     * multiply-add over whole 288-long rows, 0.074 over halves, 0.10 over quarters of 80; 0.057 over halves of 2,048,
     * 0.070 over quarters of 512; bench/RESULTS.md, issue 20).
     */
    static final int AXPY_CHUNK = 512;

    /** Elements of Wᵀ per block of input rows ({@link #rowBlocks}): 512 KB of F32. */
    static final long ROW_BLOCK = 1 << 17;

    FloatMatrix(int out, int in) {
        this.out = out;
        this.in = in;
    }

    /**
     * For outputs [lo, hi) and each active row b ({@code act[0, nAct)}): y[b] = W x[b] + bias, or y[b] += W x[b] +
     * bias with {@code add}; bias may be null. Where W's rows lie in another order in the file (a row order), the
     * range is one of stored rows, and the outputs are those rows give ({@link #outputOf}): the ranges of a split
     * still cover every output once.
     */
    abstract void product(float[][] x, float[][] y, int[] act, int nAct, float[] bias, boolean add, int lo, int hi);

    /**
     * Blocks of input rows a product is split into ({@link #productRows}), or 1: split by outputs ({@link #product}).
     * Wᵀ matrices (GPT-2's Conv1D weights) split by outputs are read as every thread's share of every row — runs of
     * 1.5–2 KB 3–12 KB apart, which streamed at 14–17 GB/s on two threads where the dot products of (out, in)
     * matrices stream at 25–28 (GPT-2-124M; bench/RESULTS.md, issue 20). Fixed by the shape alone (not the type, the
     * threads or the batch), so a product's sums, and so its result, do not change with them: a block per 128 Ki
     * elements, at most 16; matrices under 256 Ki elements (the default model's, all of them) stay split by
     * outputs, as before.
     */
    int rowBlocks() {
        return 1;
    }

    /**
     * Rows [r0, r1) of a matrix split by input rows: acc[b][0, out) += Σ_{i ∈ [r0, r1)} W[·][i] x[b][i], in the
     * order of i, for each active row b.
     */
    void productRows(float[][] x, float[][] acc, int[] act, int nAct, int r0, int r1) {
        throw new UnsupportedOperationException("split by outputs");
    }

    /** The output (W's row) that position r of a product's range gives: see {@link #product}. */
    abstract int outputOf(int r);

    /** The element type the multiplications read. */
    abstract HostTensor.Dtype dtype();

    /**
     * Outputs a range needs for the kernel to run at its full rate, when a product is split over threads: kernels
     * that sum scaled rows of Wᵀ run their inner loop over the range (shorter ranges cost more per multiply-add);
     * a dot product per output does not care.
     */
    abstract int chunkOutputs();

    /** The matrix of a stored tensor, in the type {@link #forcedType} asks for (else as stored). */
    static FloatMatrix of(HostTensor t) {
        if (t.shape().length != 2) {
            throw new IllegalArgumentException("a matrix needs 2 dimensions, not " + t.shape().length);
        }
        if (!VECTOR) {
            return Rows.of(t);
        }
        HostTensor.Dtype want = forcedType();
        return new Stored(want == null ? t : t.convert(want, inHeap(null, want)));
    }

    /**
     * Whether the decoder keeps a matrix of type {@code t} of a model of this shape in byte arrays in the heap rather
     * than in a mapping of the file (or an off-heap copy): on Java 17 the Vector API loads from a byte[] at 1.2–1.5×
     * the rate it loads from a buffer, which shows where the kernels, not the memory, set the pace — 16-bit weights,
     * widened in the kernels: a 110M model's BF16 copy decodes 1.2× faster from the heap (bench/RESULTS.md, issue
     * 20). F32 weights stay mapped: a memory-bound F32 product gained nothing measurable, and reading a file into
     * the heap costs load time (a 497 MB release: 0.8 against 0.4 s). So: 16-bit matrices, with the Vector API
     * kernels, where they take at most a quarter of the heap's maximum (the rest stays for what shares the JVM: a
     * Spark executor's own memory, the engine's copies); the system property {@code llm.weights.memory} (or the
     * environment variable {@code LLM_WEIGHTS_MEMORY}) {@code heap} or {@code map} forces either way.
     *
     * @param c the model's shape, or null: no size check (a copy converted at load, which takes that room anyway)
     */
    static boolean inHeap(ModelConfig c, HostTensor.Dtype t) {
        String how = System.getProperty("llm.weights.memory", System.getenv("LLM_WEIGHTS_MEMORY"));
        how = how == null || how.isEmpty() ? "auto" : how.toLowerCase(Locale.ROOT);
        if (!how.equals("auto") && !how.equals("heap") && !how.equals("map")) {
            throw llm.UserException.usage("llm.weights.memory / LLM_WEIGHTS_MEMORY: '" + how
                    + "' is not one of auto, heap, map");
        }
        if (how.equals("map") || !VECTOR) {
            return false;
        }
        return how.equals("heap") || t != HostTensor.Dtype.F32
                && (c == null || (long) t.bytes * c.parameterCount() <= Runtime.getRuntime().maxMemory() / 4);
    }

    /** The type that {@code llm.weights} / {@code LLM_WEIGHTS} forces, or null (keep the file's). */
    static HostTensor.Dtype forcedType() {
        String v = System.getProperty("llm.weights", System.getenv("LLM_WEIGHTS"));
        if (v == null || v.isEmpty() || v.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return HostTensor.Dtype.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw llm.UserException.usage("llm.weights / LLM_WEIGHTS: '" + v
                    + "' is not one of auto, f32, bf16, f16");
        }
    }

    /** W over the tensor's own bytes; Vector API kernels. */
    static final class Stored extends FloatMatrix {
        private final HostTensor t;
        private final byte[] array; // t's bytes where they lie in the heap, else null (the kernels read the buffer)
        /**
         * W's row of each stored row (untransposed tensors): the inverse of the tensor's row order, or the identity
         * (never null: a branch between the two in the kernel, not taken by the JIT warm-up's made-up weights, made
         * C2 throw the compiled kernel away at the first real step, and the Vector API runs in the interpreter until
         * it is compiled again). A product's range of outputs is a range of stored rows.
         */
        private final int[] outputOf;

        Stored(HostTensor t) {
            super(t.transposed() ? t.storedCols() : t.storedRows(), t.transposed() ? t.storedRows() : t.storedCols());
            this.t = t;
            this.array = t.array();
            int[] order = t.rowOrder();
            int[] o = null;
            if (!t.transposed()) {
                o = new int[out];
                for (int i = 0; i < out; i++) {
                    o[order == null ? i : order[i]] = i;
                }
            }
            this.outputOf = o;
        }

        @Override
        void product(float[][] x, float[][] y, int[] act, int nAct, float[] bias, boolean add, int lo, int hi) {
            if (t.transposed()) {
                VectorKernels.axpyRows(t.data(), array, t.dtype(), in, out, x, y, act, nAct, bias, add, lo, hi);
            } else {
                VectorKernels.dotRows(t.data(), array, t.dtype(), in, outputOf, x, y, act, nAct, bias, add, lo, hi);
            }
        }

        @Override
        int outputOf(int r) {
            return t.transposed() ? r : outputOf[r];
        }

        @Override
        int rowBlocks() {
            long elements = (long) out * in;
            return !t.transposed() || elements < 2 * ROW_BLOCK ? 1 : (int) Math.min(16, elements / ROW_BLOCK);
        }

        @Override
        void productRows(float[][] x, float[][] acc, int[] act, int nAct, int r0, int r1) {
            VectorKernels.axpyBlock(t.data(), array, t.dtype(), out, x, acc, act, nAct, r0, r1);
        }

        @Override
        HostTensor.Dtype dtype() {
            return t.dtype();
        }

        @Override
        int chunkOutputs() {
            return t.transposed() ? AXPY_CHUNK : 64;
        }
    }

    /** W as float32 rows of its transpose on the heap, wt (in)(out); plain-Java kernels. */
    static final class Rows extends FloatMatrix {
        private final float[][] wt;

        Rows(float[][] wt) {
            super(wt[0].length, wt.length);
            this.wt = wt;
        }

        static Rows of(HostTensor t) {
            int rows = t.storedRows(), cols = t.storedCols();
            if (t.transposed()) { // stored rows are Wᵀ's already
                float[][] wt = new float[rows][cols];
                for (int i = 0; i < rows; i++) {
                    t.row(i, wt[i]);
                }
                return new Rows(wt);
            }
            float[][] wt = new float[cols][rows]; // straight into rows: no transposed flat copy (less garbage)
            float[] row = new float[cols];
            for (int o = 0; o < rows; o++) {
                t.row(o, row);
                for (int i = 0; i < cols; i++) {
                    wt[i][o] = row[i];
                }
            }
            return new Rows(wt);
        }

        @Override
        void product(float[][] x, float[][] y, int[] act, int nAct, float[] bias, boolean add, int lo, int hi) {
            for (int j = 0; j < nAct; j++) {
                int b = act[j];
                float[] o = y[b];
                Kernels.startSum(o, bias, add, lo, hi);
                Kernels.matvecAdd(o, wt, x[b], lo, hi);
            }
        }

        @Override
        int outputOf(int r) {
            return r; // (the copy is in W's order)
        }

        @Override
        HostTensor.Dtype dtype() {
            return HostTensor.Dtype.F32;
        }

        @Override
        int chunkOutputs() {
            return AXPY_CHUNK;
        }
    }
}
