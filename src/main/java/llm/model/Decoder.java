package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Incremental decoding of B sequences that advance together (one generation, or a batch of memorize-check
 * documents with prompts of equal length): owns the KV cache, returns logits as {@code float[]} rows.
 *
 * <p>Two implementations of the same maths: on the CPU, plain Java loops ({@link CpuDecoder}: no per-op call
 * overhead, which dominates small models); elsewhere (GPU), the DJL forward with a {@link KvCache}, one scope per
 * call. {@link Impl#AUTO} picks by the device of the model's weights; the system property
 * {@code llm.decoder=djl|java} overrides it (for benchmarks).
 */
public final class Decoder implements AutoCloseable {
    /** Which implementation runs the steps. */
    public enum Impl { AUTO, DJL, JAVA }

    private final LanguageModel model; // null when built from ModelArrays
    private final ModelConfig config;
    private final NDManager manager;
    private final KvCache cache;
    private final CpuDecoder cpu;
    private final int batch;
    private int capacityJava;
    /**
     * Rows from which the DJL implementation on the CPU multiplies by weights packed once ({@link KvCache#pack}; a
     * second copy of the matrices while the decoder lives): memorize-check's batches (measured at 32-128 rows).
     */
    static final int PACK_MIN_ROWS = 8;

    /**
     * Optional: lets the JIT start compiling the CPU decoder now, on a background thread, e.g. before a model is
     * loaded, so that generation starts on compiled code (otherwise the first constructor does this while it copies
     * the weights). With the model's shape ({@link Models#peekConfig}) it runs decode steps of that shape; costs
     * about 0.1–0.3 s of CPU on another core; does nothing after the first call.
     *
     * @param shape the config of the model about to be loaded, or null if not known
     * @param threads the threads the decoder will be given (0 = its default)
     */
    public static void warmUp(ModelConfig shape, int threads) {
        CpuDecoder.warmUpAsync(shape, threads > 0 ? threads : autoThreads());
    }

    /** @param capacity positions to hold (at most the model's context) */
    public Decoder(LanguageModel model, NDManager parent, int batch, int capacity) {
        this(model, parent, batch, capacity, Impl.AUTO, 0);
    }

    /**
     * The Java implementation over weights read without the engine ({@link Models#loadArrays}): what {@code llm
     * sample} uses on a CPU-only machine, where starting libtorch (~0.5 s) would be the larger part of a short run.
     *
     * @param threads CPU threads (0 = {@link #autoThreads})
     */
    public Decoder(ModelArrays weights, int batch, int capacity, int threads) {
        this.model = null;
        this.config = weights.config();
        this.batch = batch;
        this.capacityJava = Math.min(capacity, config.ctx());
        this.manager = null;
        this.cache = null;
        this.cpu = new CpuDecoder(weights, batch, capacityJava, threads > 0 ? threads : autoThreads());
    }

    /** @param threads CPU threads for the Java implementation (0 = {@link #autoThreads}) */
    public Decoder(LanguageModel model, NDManager parent, int batch, int capacity, Impl impl, int threads) {
        this.model = model;
        this.config = model.config();
        this.batch = batch;
        int cap = Math.min(capacity, model.config().ctx());
        impl = resolve(model, impl);
        if (impl == Impl.JAVA) {
            this.manager = null;
            this.cache = null;
            this.capacityJava = cap;
            this.cpu = new CpuDecoder(model, batch, cap, threads > 0 ? threads : autoThreads());
        } else {
            this.manager = parent.newSubManager();
            this.cache = model.newCache(manager, batch, cap);
            this.cpu = null;
            if (batch >= PACK_MIN_ROWS && !onGpu(model)
                    && packFits(4 * model.parameterCount(), physicalMemory())) {
                cache.pack();
            }
        }
    }

    /**
     * The implementation a decoder of {@code model} made with {@code impl} uses: AUTO is the system property
     * {@code llm.decoder} (java, djl) if set, else DJL for a model on a GPU and Java on the CPU.
     */
    public static Impl resolve(LanguageModel model, Impl impl) {
        if (impl != Impl.AUTO) {
            return impl;
        }
        String prop = System.getProperty("llm.decoder", "auto");
        return prop.equals("djl") ? Impl.DJL : prop.equals("java") ? Impl.JAVA : onGpu(model) ? Impl.DJL : Impl.JAVA;
    }

    private static boolean onGpu(LanguageModel model) {
        return model.parameters().get(0).array().getDevice().isGpu();
    }

    /** For tests: the Java implementation runs every step's large loops on all its threads. */
    void alwaysUseAllThreads() {
        if (cpu != null) {
            cpu.alwaysUseTeam();
        }
    }

    /**
     * Threads of the Java implementation when not given: all cores. (One thread on machines of two cores or fewer was
     * measured faster once, with heap float32 weights whose one-core product already used up the bandwidth — issue
     * 4; over mapped weights with the Vector API kernels, two threads are faster on this 2-core machine —
     * bench/RESULTS.md, issue 20. {@link TeamChoice} still times both ways and keeps the faster.)
     */
    static int autoThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Whether a packed second copy of {@code weightBytes} of float32 weights is welcome: at most a quarter of the
     * machine's memory (a 124M model's 0.5 GB on a 24 GB machine, not an 8B model's 32 GB); unknown memory: no.
     */
    static boolean packFits(long weightBytes, long physical) {
        return physical > 0 && weightBytes <= physical / 4;
    }

    /** The machine's memory in bytes, or 0 where the JVM cannot tell. */
    private static long physicalMemory() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : 0;
    }

    /** The implementation in use. */
    public Impl impl() {
        return cpu != null ? Impl.JAVA : Impl.DJL;
    }

    /** The model's shape. */
    public ModelConfig config() {
        return config;
    }

    /** Positions fed so far (to row 0; all rows when they advance together). */
    public int position() {
        return position(0);
    }

    /** Positions fed so far to row {@code b}. */
    public int position(int b) {
        return cpu != null ? cpu.length(b) : cache.length();
    }

    public int capacity() {
        return cpu != null ? capacityJava : cache.capacity();
    }

    /** Start over (same batch size). */
    public void reset() {
        if (cpu != null) {
            cpu.reset();
        } else {
            cache.reset();
        }
    }

    /**
     * Feed {@code ids[b]} (at least one token per row) after what each row has seen; returns the logits after each
     * row's last token. Rows may differ in length with the Java implementation (each row keeps its own position, as
     * memorize-check needs for prompts of different lengths); the DJL implementation needs equal lengths.
     */
    public float[][] feed(int[][] ids) {
        if (ids.length != batch) {
            throw new IllegalArgumentException("batch of " + ids.length + " rows for a decoder of " + batch);
        }
        int t = 0;
        for (int[] row : ids) {
            if (row.length == 0) {
                throw new IllegalArgumentException("nothing to feed to a row");
            }
            t = Math.max(t, row.length);
        }
        if (cpu != null) {
            float[][] out = new float[batch][];
            int[] col = new int[batch];
            boolean[] active = new boolean[batch];
            boolean[] last = new boolean[batch]; // only a row's last token needs logits
            for (int i = 0; i < t; i++) {
                for (int b = 0; b < batch; b++) {
                    active[b] = i < ids[b].length;
                    last[b] = i == ids[b].length - 1;
                    col[b] = active[b] ? ids[b][i] : 0;
                }
                float[][] logits = cpu.step(col, active, last);
                for (int b = 0; b < batch; b++) {
                    if (i == ids[b].length - 1) {
                        out[b] = logits[b].clone();
                    }
                }
            }
            return out;
        }
        try (NDManager step = manager.newSubManager()) {
            float[] logits = forward(ids, t, step).toFloatArray();
            int v = config.vocabSize();
            float[][] out = new float[batch][];
            for (int b = 0; b < batch; b++) {
                out[b] = java.util.Arrays.copyOfRange(logits, b * v, (b + 1) * v);
            }
            return out;
        }
    }

    /** The DJL forward of rows of one length t: logits (B, 1, V) after each row's last token, in {@code step}. */
    private NDArray forward(int[][] ids, int t, NDManager step) {
        int[] flat = new int[batch * t];
        for (int b = 0; b < batch; b++) {
            if (ids[b].length != t) {
                throw new IllegalArgumentException("rows of different lengths need the Java (CPU) decoder");
            }
            System.arraycopy(ids[b], 0, flat, b * t, t);
        }
        return model.forward(step.create(flat, new Shape(batch, t)), cache, true);
    }

    /**
     * The DJL implementation's {@link #feed}, then each row's greedy choice: the arg max of its logits over the ids
     * below {@code limit} (ties: the lowest id), taken by the engine, so that (B) ids come back instead of (B, V)
     * floats — at 128 rows of GPT-2's vocabulary 26 MB a step read into Java, copied per row and scanned there. (The
     * Java implementation's logits are in Java already: {@link #feed}.)
     */
    public int[] feedGreedy(int[][] ids, int limit) {
        if (cpu != null) {
            throw new IllegalStateException("feedGreedy is for the DJL implementation; the Java one has feed");
        }
        int t = ids[0].length;
        try (NDManager step = manager.newSubManager()) {
            NDArray logits = forward(ids, t, step); // (B, 1, V)
            if (limit < config.vocabSize()) {
                logits = logits.get(new NDIndex(":, :, :{}", limit));
            }
            long[] best = logits.argMax(-1).toLongArray(); // (the first of equal maxima: the lowest id)
            int[] out = new int[batch];
            for (int b = 0; b < batch; b++) {
                out[b] = (int) best[b];
            }
            return out;
        }
    }

    /** {@link #feedGreedy} of one token per row. */
    public int[] nextGreedy(int[] ids, int limit) {
        int[][] rows = new int[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            rows[b] = new int[] {ids[b]};
        }
        return feedGreedy(rows, limit);
    }

    /**
     * Feed one token to a one-row decoder; returns its logits in a buffer that the Java implementation reuses
     * (valid until the next call). A generation loop that samples at once needs no copy per token (a 128 KB copy
     * and garbage per token for a 32,000-token vocabulary, which made the GC copy the weights mid-run).
     */
    public float[] nextShared(int id) {
        if (batch != 1) {
            throw new IllegalStateException("nextShared needs a one-row decoder, not " + batch);
        }
        if (cpu != null) {
            return cpu.step(new int[] {id}, null)[0];
        }
        return next(new int[] {id})[0];
    }

    /** Feed one token per row. */
    public float[][] next(int[] ids) {
        int[][] rows = new int[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            rows[b] = new int[] {ids[b]};
        }
        return feed(rows);
    }

    @Override
    public void close() {
        if (cpu != null) {
            cpu.close();
        } else {
            manager.close();
        }
    }
}
