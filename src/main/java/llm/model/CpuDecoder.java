package llm.model;

import java.util.Arrays;

/**
 * Incremental decoding in plain Java on the CPU, for generation. A decode step of a small model is a few hundred
 * tiny tensor ops; through DJL each costs 5–10 µs of call overhead (JNI, allocation, scope), far more than its
 * arithmetic. Here a step is a handful of loops (as llama2.c's run.c): the matrices are read where they are stored
 * ({@link FloatMatrix}: a mapping of the weights file, F32/F16/BF16 as stored, or float32 copies where the Vector API
 * is missing), the KV cache is preallocated, and the attention loops are the vectorizable shapes of {@link Kernels}.
 * Products (split by outputs; large Wᵀ matrices by blocks of input rows) and attention heads of larger models run
 * on a persistent {@link Team} of threads; a step allocates nothing (after the first, which sizes the blocks' sums).
 * Same maths as {@link Gpt2} / {@link Llama} / {@link GptNeoX} / {@link GptNeo};
 * {@code CpuDecoderTest} checks it against the DJL forward, {@code HalfWeightsTest} the 16-bit weights and that
 * threads and batch rows never change a result, {@code ModelFamiliesTest} every family against a numpy reference.
 *
 * <p>Two block shapes: the GPT one (GPT-2, GPT-Neo, GPT-NeoX: LayerNorm with bias, q|k|v in one buffer — GPT-NeoX's
 * per-head rows read in that order, GPT-Neo's three projections written into it —, a GELU MLP) and the Llama one
 * (Llama, Qwen2, Mistral). What differs within a shape comes from {@link ModelConfig}: rotary dims, parallel
 * residual, q/k/v biases, head size, attention windows and scale.
 */
final class CpuDecoder {
    /** Work (multiply-adds) below which a loop runs on the calling thread alone. */
    private static final long PARALLEL_MIN = 1L << 16;
    /** Weights per chunk of a product (floats): a chunk's rows stay in the core's L2 cache across the batch rows. */
    private static final int CHUNK_FLOATS = 1 << 16;

    private final ModelConfig c;
    private final boolean gpt2; // the GPT block shape (GPT-2, GPT-Neo, GPT-NeoX)
    private final int batch;
    private final int capacity;
    private final Team team;
    private final TeamChoice useTeam;
    private final int[] pos; // per row: positions fed
    private final int[] act; // rows taking part in the current step
    private int nAct;
    private final float[] ropeFreq; // (rot/2) RoPE frequencies; null with learned positions
    private final float[][] ropeCos, ropeSin; // per row, (rot/2) for the current step
    private final float attnScale; // 1/√hd (GPT-Neo: 1)

    // weights: matrices W (out, in) as stored (see FloatMatrix), vectors as float arrays
    private final HostTensor embed; // (V, C)
    private final float[][] pe; // GPT-2 (ctx)(C)
    private final FloatMatrix head; // (V, C)
    private final float[] normW, normB; // (C)
    private final Layer[] layers;

    // state
    private final float[][][][] kc, vc; // [layer][b] (kvDim)(≤ capacity): one row per dimension, position fastest
    private final float[][] x, xb, xb2, ao, q, k, v, hb, hb2, logits; // per row; ao: attention out (H·hd)
    private final float[][] att, expTmp, qs; // per (row, head): (capacity), (max(capacity, F)), (hd)
    private final float[][] actTmp; // per row: (F) scratch of the activations

    private record Layer(float[] n1w, float[] n1b, FloatMatrix wqkv, float[] bqkv, // gpt2: fused q|k|v, (3C, C)
            FloatMatrix wq, FloatMatrix wk, FloatMatrix wv, float[] bq, float[] bk, float[] bv, // llama, gpt-neo
            FloatMatrix wo, float[] bo, float[] n2w, float[] n2b,
            FloatMatrix w1, float[] b1, FloatMatrix w3, FloatMatrix w2, float[] b2) {}

    /** Where the weights come from: each by its HF name (see {@link HostTensor} for the layouts). */
    interface Weights {
        HostTensor get(String name);
    }

    CpuDecoder(LanguageModel model, int batch, int capacity, int threads) {
        this(model.config(), new Weights() { // (not a lambda: see warmUpAsync)
            private final boolean heap = FloatMatrix.inHeap(model.config(), HostTensor.Dtype.F32);

            @Override
            public HostTensor get(String name) {
                ai.djl.ndarray.NDArray a = model.parameter(name).array();
                return HostTensor.of(a.toFloatArray(), heap, a.getShape().getShape()); // (out, in) in memory
            }
        }, batch, capacity, threads, false);
    }

    CpuDecoder(ModelArrays arrays, int batch, int capacity, int threads) {
        this(arrays.config(), new Weights() {
            @Override
            public HostTensor get(String name) {
                return arrays.tensor(name);
            }
        }, batch, capacity, threads, false);
    }

    private CpuDecoder(ModelConfig config, Weights weights, int batch, int capacity, int threads, boolean warming) {
        this.c = config;
        this.gpt2 = !c.arch().llamaShape();
        this.batch = batch;
        this.capacity = capacity;
        this.team = new Team(threads);
        this.useTeam = new TeamChoice(team.size() > 1);
        int d = c.dModel(), kv = c.kvDim(), f = c.dFf(), ll = c.nLayer(), hd = c.headDim();
        Thread warmUp = warming ? null : warmUpAsync(c, threads); // meanwhile, copy the weights
        Weights model = weights;
        layers = new Layer[ll];
        embed = model.get(Init.embeddingName(c));
        pe = c.arch().rotary() ? null : rows(get(model, "transformer.wpe.weight"), c.ctx(), d);
        for (int l = 0; l < ll; l++) {
            layers[l] = switch (c.arch()) {
                case GPT2 -> gpt2Layer(model, "transformer.h." + l + ".");
                case GPT_NEO -> gptNeoLayer(model, "transformer.h." + l + ".");
                case GPT_NEOX -> gptNeoxLayer(model, "gpt_neox.layers." + l + ".", c);
                case LLAMA, QWEN2, MISTRAL -> llamaLayer(model, "model.layers." + l + ".", c.qkvBias());
            };
        }
        String finalNorm = switch (c.arch()) {
            case GPT2, GPT_NEO -> "transformer.ln_f.";
            case GPT_NEOX -> "gpt_neox.final_layer_norm.";
            case LLAMA, QWEN2, MISTRAL -> "model.norm.";
        };
        normW = get(model, finalNorm + "weight");
        normB = gpt2 ? get(model, finalNorm + "bias") : null;
        head = c.tiedEmbeddings() ? FloatMatrix.of(embed) : getT(model, Init.headName(c)); // (one copy when tied)
        kc = new float[ll][batch][kv][Math.min(capacity, CACHE_START)];
        vc = new float[ll][batch][kv][Math.min(capacity, CACHE_START)];
        x = new float[batch][d];
        xb = new float[batch][d];
        xb2 = new float[batch][d];
        ao = new float[batch][c.qDim()];
        q = new float[batch][gpt2 ? 3 * d : c.qDim()];
        k = new float[batch][kv];
        v = new float[batch][kv];
        hb = new float[batch][f];
        hb2 = new float[batch][f];
        actTmp = new float[batch][f];
        logits = new float[batch][c.vocabSize()];
        att = new float[batch * c.nHead()][capacity];
        expTmp = new float[batch * c.nHead()][Math.max(capacity, f)];
        qs = new float[batch * c.nHead()][hd];
        pos = new int[batch];
        act = new int[batch];
        ropeFreq = c.arch().rotary() ? c.ropeInverseFrequencies() : null; // in float, as llama2.c; scaling applied
        ropeCos = new float[batch][c.rotaryDims() / 2];
        ropeSin = new float[batch][c.rotaryDims() / 2];
        attnScale = c.scaledAttention() ? (float) (1.0 / Math.sqrt(hd)) : 1f;
        try {
            if (warmUp != null) {
                long t0 = System.nanoTime();
                warmUpDone = true;
                warmUp.join();
                llm.io.Log.debug("decoder: waited %.0f ms for the warm-up", (System.nanoTime() - t0) / 1e6);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread warmUpThread; // guarded by CpuDecoder.class
    /** Set when a real decoder is ready: the warm-up then stops after its minimum of steps. */
    private static volatile boolean warmUpDone;
    /** While no real decoder waits, the warm-up goes on up to this many times its minimum of steps. */
    private static final int MORE_STEPS = 4;

    /**
     * Starts the JIT warm-up on a daemon thread, once per JVM, so that generation starts on compiled code: the JIT
     * compiles the decoder while the caller does other start-up work (starting the engine, loading a model, copying
     * weights). With the model's shape known, the thread runs real decode steps ({@link #warmUpSteps}) on a stand-in
     * model of that shape: the very code generation runs, profiled with the loop lengths it will see (C2 shapes loops
     * by the trip counts it profiled: warmed up on 48-long loops, the 15M model's products ran 25% slower for good).
     * Without a shape, only the kernels, on loops of 256. Returns that thread (to join before generating, so that
     * the warm-up does not compete with it); null when the system property {@code llm.noWarmUp} is true.
     *
     * @param shape the model's config, or null when not known yet
     * @param threads the decoder's threads (the profile then sees the same branches)
     */
    static synchronized Thread warmUpAsync(ModelConfig shape, int threads) {
        if (warmUpThread == null && !Boolean.getBoolean("llm.noWarmUp")) {
            // (anonymous classes here and in Team, not lambdas: a lambda's class is generated at run time, by code
            // that the JIT would then be busy compiling just when the decoder's loops need it)
            warmUpThread = new Thread("llm-decoder-warm-up") {
                @Override
                public void run() {
                    try {
                        if (shape == null) {
                            Kernels.warmUp(256);
                        } else {
                            // first the kernels' rare branches (made-up weights never drive e^x out of range: a
                            // branch never seen in the profile is compiled as a trap that throws the code away)
                            Kernels.warmUpRareBranches();
                            warmUpSteps(shape, threads);
                        }
                    } catch (RuntimeException e) { // only ever a lost speed-up: never a message, never a failure
                        assert false : e;
                    }
                }
            };
            warmUpThread.setDaemon(true);
            warmUpThread.start();
        }
        return warmUpThread;
    }

    /** Multiply-adds of decode steps that {@link #warmUpSteps} runs at most (~0.1 s on one core once compiled). */
    private static final long WARM_UP_WORK = 300_000_000L;

    /**
     * Decode steps on a stand-in of the model's shape with made-up weights: up to 600 steps or {@link #WARM_UP_WORK}
     * multiply-adds, over positions 0..min(ctx, 512). A model above 4M parameters is stood in for by 2 of its layers
     * and at most 4,096 vocabulary rows (same widths, so the same loop lengths, apart from the classifier's).
     * While no real decoder waits ({@link #warmUpDone}), it goes on up to {@link #MORE_STEPS} times as many steps.
     *
     * @return the steps run
     */
    static int warmUpSteps(ModelConfig shape, int threads) {
        ModelConfig c = standIn(shape);
        long params = c.parameterCount();
        int capacity = Math.min(c.ctx(), 512);
        long perStep = params + (long) c.nLayer() * c.dModel() * capacity; // weights + attention at mid-context
        int steps = (int) Math.max(32, Math.min(600, WARM_UP_WORK / Math.max(1, perStep)));
        // constant made-up weights, where the real ones will lie (heap or not, FloatMatrix.inHeap): one buffer per
        // value and type, as large as the largest tensor holding that value, that all such tensors read from its
        // start (~13 MB for GPT-2-124M's stand-in, where a buffer per size was 34 MB: a process's resident memory
        // keeps it); filled by a bulk put, so no loop of the stand-in's own for the JIT to compile while the
        // decoder's loops wait in its queue. Stored as the weights the decoder will most likely read: GPT-2's Conv1D
        // matrices as Wᵀ (a release, read engine-free), in the type llm.weights forces.
        HostTensor.Dtype type = FloatMatrix.forcedType() == null ? HostTensor.Dtype.F32 : FloatMatrix.forcedType();
        java.util.Map<String, Init.Spec> specs = new java.util.HashMap<>();
        java.util.Map<String, Long> largest = new java.util.HashMap<>(); // value/type -> elements
        for (Init.Spec s : Init.specs(c)) {
            specs.put(s.name(), s);
            String key = madeUpValue(s) + "/" + (s.shape().length == 2 ? type : HostTensor.Dtype.F32);
            Long most = largest.get(key); // (not merge: no lambda, see warmUpAsync)
            largest.put(key, most == null ? s.size() : Math.max(most, s.size()));
        }
        java.util.Map<String, java.nio.ByteBuffer> filled = new java.util.HashMap<>();
        Weights madeUp = new Weights() {
            @Override
            public HostTensor get(String name) {
                Init.Spec s = specs.get(name);
                float value = madeUpValue(s);
                HostTensor.Dtype t = s.shape().length == 2 ? type : HostTensor.Dtype.F32;
                String key = value + "/" + t;
                java.nio.ByteBuffer b = filled.get(key);
                if (b == null) { // (not computeIfAbsent: no lambda, see warmUpAsync)
                    long size = largest.get(key);
                    float[] a = new float[(int) Math.min(size, 1 << 16)];
                    Arrays.fill(a, value);
                    // where the real weights will lie (FloatMatrix.inHeap), as F32 or as converted to t
                    java.nio.ByteBuffer d = HostTensor.allocate((int) (4 * size),
                            FloatMatrix.inHeap(shape, HostTensor.Dtype.F32));
                    java.nio.FloatBuffer f = d.asFloatBuffer();
                    while (f.hasRemaining()) {
                        f.put(a, 0, Math.min(a.length, f.remaining()));
                    }
                    b = t == HostTensor.Dtype.F32 ? d
                            : new HostTensor(d, HostTensor.Dtype.F32, new long[] {size}, false, null)
                                    .convert(t, FloatMatrix.inHeap(shape, t)).data();
                    filled.put(key, b);
                }
                long[] shape = s.conv1d() ? new long[] {s.shape()[1], s.shape()[0]} : s.shape();
                return new HostTensor(b, t, shape, s.conv1d(), null);
            }
        };
        long t0 = System.nanoTime();
        CpuDecoder d = new CpuDecoder(c, madeUp, 1, capacity, threads > 0 ? threads : 1, true);
        try {
            int[] tok = new int[1];
            int i = 0;
            for (; i < steps || (i < MORE_STEPS * steps && !warmUpDone); i++) {
                if (d.length(0) == capacity) {
                    d.reset();
                }
                tok[0] = (int) ((i * 7919L) % c.vocabSize());
                d.step(tok, null);
            }
            llm.io.Log.debug("decoder warm-up: %d steps of a %d-layer stand-in in %.0f ms", i, c.nLayer(),
                    (System.nanoTime() - t0) / 1e6);
            return i;
        } finally {
            d.close();
        }
    }

    /** The constant that {@link #warmUpSteps} fills a made-up tensor with. */
    private static float madeUpValue(Init.Spec s) {
        return s.kind() == Init.Kind.ONES ? 1f : s.kind() == Init.Kind.NORMAL ? 0.01f : 0f;
    }

    /** The model {@link #warmUpSteps} runs for {@code c}: c itself up to 4M parameters, else 2 layers, ≤ 4,096 rows. */
    static ModelConfig standIn(ModelConfig c) {
        if (c.parameterCount() <= 4_000_000L) {
            return c;
        }
        return c.shrunk(Math.min(c.nLayer(), 2), Math.min(c.vocabSize(), 4096));
    }

    private static Layer gpt2Layer(Weights m, String p) {
        return new Layer(get(m, p + "ln_1.weight"), get(m, p + "ln_1.bias"), getT(m, p + "attn.c_attn.weight"),
                get(m, p + "attn.c_attn.bias"), null, null, null, null, null, null, getT(m, p + "attn.c_proj.weight"),
                get(m, p + "attn.c_proj.bias"), get(m, p + "ln_2.weight"), get(m, p + "ln_2.bias"),
                getT(m, p + "mlp.c_fc.weight"), get(m, p + "mlp.c_fc.bias"), null, getT(m, p + "mlp.c_proj.weight"),
                get(m, p + "mlp.c_proj.bias"));
    }

    /** GPT-Neo: q, k, v (C, C) apart, no bias (their products are written into q|k|v, see gpt2Layer). */
    private static Layer gptNeoLayer(Weights m, String p) {
        String a = p + "attn.attention.";
        return new Layer(get(m, p + "ln_1.weight"), get(m, p + "ln_1.bias"), null, null, getT(m, a + "q_proj.weight"),
                getT(m, a + "k_proj.weight"), getT(m, a + "v_proj.weight"), null, null, null,
                getT(m, a + "out_proj.weight"), get(m, a + "out_proj.bias"), get(m, p + "ln_2.weight"),
                get(m, p + "ln_2.bias"), getT(m, p + "mlp.c_fc.weight"), get(m, p + "mlp.c_fc.bias"), null,
                getT(m, p + "mlp.c_proj.weight"), get(m, p + "mlp.c_proj.bias"));
    }

    /**
     * GPT-NeoX: query_key_value's rows are (H, 3, hd) — q, k, v of head 0, then of head 1, ...; read in GPT-2's
     * (3, H, hd) order q|k|v through the tensor's row order (no copy), its bias rearranged the same way.
     */
    private static Layer gptNeoxLayer(Weights m, String p, ModelConfig c) {
        int d = c.dModel(), nh = c.nHead(), hd = c.headDim();
        HostTensor w = m.get(p + "attention.query_key_value.weight");
        float[] b = get(m, p + "attention.query_key_value.bias"), br = new float[b.length];
        int[] order = new int[3 * d];
        for (int h = 0; h < nh; h++) {
            for (int part = 0; part < 3; part++) {
                for (int i = 0; i < hd; i++) {
                    int to = part * d + h * hd + i, from = (h * 3 + part) * hd + i;
                    order[to] = w.rowOrder() == null ? from : w.rowOrder()[from];
                    br[to] = b[from];
                }
            }
        }
        HostTensor qkv = new HostTensor(w.data(), w.dtype(), w.shape(), w.transposed(), order);
        return new Layer(get(m, p + "input_layernorm.weight"), get(m, p + "input_layernorm.bias"),
                FloatMatrix.of(qkv), br, null, null, null, null, null, null,
                getT(m, p + "attention.dense.weight"), get(m, p + "attention.dense.bias"),
                get(m, p + "post_attention_layernorm.weight"), get(m, p + "post_attention_layernorm.bias"),
                getT(m, p + "mlp.dense_h_to_4h.weight"), get(m, p + "mlp.dense_h_to_4h.bias"), null,
                getT(m, p + "mlp.dense_4h_to_h.weight"), get(m, p + "mlp.dense_4h_to_h.bias"));
    }

    private static Layer llamaLayer(Weights m, String p, boolean bias) {
        String a = p + "self_attn.";
        return new Layer(get(m, p + "input_layernorm.weight"), null, null, null, getT(m, a + "q_proj.weight"),
                getT(m, a + "k_proj.weight"), getT(m, a + "v_proj.weight"), bias ? get(m, a + "q_proj.bias") : null,
                bias ? get(m, a + "k_proj.bias") : null, bias ? get(m, a + "v_proj.bias") : null,
                getT(m, a + "o_proj.weight"), null, get(m, p + "post_attention_layernorm.weight"), null,
                getT(m, p + "mlp.gate_proj.weight"), null, getT(m, p + "mlp.up_proj.weight"),
                getT(m, p + "mlp.down_proj.weight"), null);
    }

    /** A vector, widened to float. */
    private static float[] get(Weights m, String name) {
        return m.get(name).toFloats();
    }

    /** A matrix (out, in). */
    private static FloatMatrix getT(Weights m, String name) {
        return FloatMatrix.of(m.get(name));
    }

    /** A row-major (n, m) matrix as n arrays of m. */
    private static float[][] rows(float[] flat, int n, int m) {
        float[][] r = new float[n][];
        for (int i = 0; i < n; i++) {
            r[i] = Arrays.copyOfRange(flat, i * m, (i + 1) * m);
        }
        return r;
    }

    /** Positions fed to row {@code b}. */
    int length(int b) {
        return pos[b];
    }

    void reset() {
        Arrays.fill(pos, 0);
    }

    void close() {
        team.close();
    }

    /** For tests: run every step's large loops on the team (normally {@link TeamChoice} decides). */
    void alwaysUseTeam() {
        useTeam.always();
    }

    /**
     * Feed one token to each active row ({@code active} null = all rows), each at its own next position; returns the
     * logits rows (reused buffers: copy to keep; rows not active are stale).
     */
    float[][] step(int[] tokens, boolean[] active) {
        return step(tokens, active, null);
    }

    /**
     * As {@link #step(int[], boolean[])}, but the logits (the final norm and the classifier, a third of a GPT-2-small
     * step) only for the active rows with {@code logits[b]} (null = all): a prompt's positions before its last need
     * none.
     */
    float[][] step(int[] tokens, boolean[] active, boolean[] wanted) {
        nAct = 0;
        for (int b = 0; b < batch; b++) {
            if (active == null || active[b]) {
                if (pos[b] >= capacity) {
                    throw new IllegalStateException("KV cache full: capacity " + capacity);
                }
                act[nAct++] = b;
            }
        }
        useTeam.begin();
        for (int j = 0; j < nAct; j++) {
            embed(act[j], tokens[act[j]]);
        }
        for (int l = 0; l < layers.length; l++) {
            if (gpt2) {
                gpt2Layer(l);
            } else {
                llamaLayer(l);
            }
        }
        for (int j = 0; j < nAct; j++) {
            pos[act[j]]++;
        }
        int all = nAct;
        if (wanted != null) { // the classifier for the wanted rows only (act is reset at the next step)
            nAct = 0;
            for (int j = 0; j < all; j++) {
                if (wanted[act[j]]) {
                    act[nAct++] = act[j];
                }
            }
        }
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            norm(xb[b], x[b], normW, normB);
        }
        if (nAct > 0) {
            product(logits, xb, head, null, false);
        }
        useTeam.end();
        return logits;
    }

    /** x[b] = the token's embedding (+ its position's, GPT-2); the RoPE angles of row b's position (Llama). */
    private void embed(int b, int tok) {
        int d = c.dModel();
        if (tok < 0 || tok >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + tok + " outside the vocabulary");
        }
        embed.row(tok, x[b]);
        if (pe != null) {
            float[] xr = x[b], p = pe[pos[b]];
            for (int i = 0; i < d; i++) {
                xr[i] += p[i];
            }
        } else if (ropeFreq != null) {
            for (int i = 0; i < ropeFreq.length; i++) {
                float angle = pos[b] * ropeFreq[i];
                ropeCos[b][i] = (float) Math.cos(angle);
                ropeSin[b][i] = (float) Math.sin(angle);
            }
        }
    }

    private void norm(float[] out, float[] in, float[] w, float[] bias) {
        if (gpt2) {
            Kernels.layerNorm(out, in, w, bias, c.normEps());
        } else {
            Kernels.rmsNorm(out, in, w, c.normEps());
        }
    }

    private void llamaLayer(int l) {
        Layer w = layers[l];
        int qd = c.qDim(), kvd = c.kvDim(), hd = c.headDim();
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            norm(xb[b], x[b], w.n1w, null);
        }
        product(q, xb, w.wq, w.bq, false);
        product(k, xb, w.wk, w.bk, false);
        product(v, xb, w.wv, w.bv, false);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            rope(q[b], 0, qd, hd, hd, ropeCos[b], ropeSin[b]);
            rope(k[b], 0, kvd, hd, hd, ropeCos[b], ropeSin[b]);
            store(l, b, k[b], 0, v[b], 0);
        }
        attention(l, q, 0, ao);
        product(x, ao, w.wo, null, true);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            norm(xb[b], x[b], w.n2w, null);
        }
        product(hb, xb, w.w1, null, false);
        product(hb2, xb, w.w3, null, false);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            Kernels.swiglu(hb[b], hb2[b], actTmp[b], expTmp[b]);
        }
        product(x, hb, w.w2, null, true);
    }

    /** A block of the GPT shape; GPT-NeoX's rotary dims and parallel residual where the config has them. */
    private void gpt2Layer(int l) {
        Layer w = layers[l];
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            norm(xb[b], x[b], w.n1w, w.n1b);
        }
        int d = c.dModel(), hd = c.headDim(), rot = c.rotaryDims();
        if (w.wqkv != null) {
            product(q, xb, w.wqkv, w.bqkv, false); // q | k | v
        } else { // GPT-Neo: three products into q | k | v
            product(q, xb, w.wq, null, false);
            product(k, xb, w.wk, null, false);
            product(v, xb, w.wv, null, false);
            for (int j = 0; j < nAct; j++) {
                int b = act[j];
                System.arraycopy(k[b], 0, q[b], d, d);
                System.arraycopy(v[b], 0, q[b], 2 * d, d);
            }
        }
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            if (rot > 0) {
                rope(q[b], 0, d, hd, rot, ropeCos[b], ropeSin[b]);
                rope(q[b], d, d, hd, rot, ropeCos[b], ropeSin[b]);
            }
            store(l, b, q[b], d, q[b], 2 * d);
        }
        attention(l, q, 0, ao);
        if (c.parallelResidual()) { // x + attn(ln1 x) + mlp(ln2 x): the MLP reads x before the attention's sum
            for (int j = 0; j < nAct; j++) {
                int b = act[j];
                norm(xb2[b], x[b], w.n2w, w.n2b);
            }
            product(x, ao, w.wo, w.bo, true);
        } else {
            product(x, ao, w.wo, w.bo, true);
            for (int j = 0; j < nAct; j++) {
                int b = act[j];
                norm(xb2[b], x[b], w.n2w, w.n2b);
            }
        }
        product(hb, xb2, w.w1, w.b1, false);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            if (c.activation() == Activation.GELU) {
                Kernels.geluErf(hb[b], actTmp[b], expTmp[b]);
            } else {
                Kernels.gelu(hb[b], actTmp[b], expTmp[b]);
            }
        }
        product(x, hb, w.w2, w.b2, true);
    }

    /** HF rotate-half RoPE on the first {@code rot} dims of each head of vec[off .. off + n) (GPT-NeoX: partial). */
    private static void rope(float[] vec, int off, int n, int hd, int rot, float[] cos, float[] sin) {
        int half = rot / 2;
        for (int h = off; h < off + n; h += hd) {
            for (int i = 0; i < half; i++) {
                float a = vec[h + i], b2 = vec[h + half + i];
                vec[h + i] = a * cos[i] - b2 * sin[i];
                vec[h + half + i] = b2 * cos[i] + a * sin[i];
            }
        }
    }

    /**
     * Positions a row's KV cache holds at first; it doubles as the row needs more, up to the capacity. A Java array
     * is zeroed, so resident, when it is made: GPT-2-124M's cache for its whole context (75 MB) was 15% of the
     * weights' size in the resident memory of a 32-token run (run.c's calloc'd cache is touched only as it is used).
     */
    static final int CACHE_START = 64;

    /** Put row b's key and value (kvDim each, from the given offsets) at its current position. */
    private void store(int l, int b, float[] kSrc, int kOff, float[] vSrc, int vOff) {
        int p = pos[b];
        float[][] keys = kc[l][b], vals = vc[l][b];
        if (p >= keys[0].length) { // (a few times per run: the rows double)
            int n = Math.min(capacity, Math.max(p + 1, 2 * keys[0].length));
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Arrays.copyOf(keys[i], n);
                vals[i] = Arrays.copyOf(vals[i], n);
            }
        }
        for (int i = 0; i < keys.length; i++) {
            keys[i][p] = kSrc[kOff + i];
            vals[i][p] = vSrc[vOff + i];
        }
    }

    /** Causal attention of each active row's queries (qv[b] at qOff, (C)) into out[b] (C), heads split over the team. */
    private void attention(int l, float[][] qv, int qOff, float[][] out) {
        int nh = c.nHead();
        long work = 0;
        for (int j = 0; j < nAct; j++) {
            work += 2L * c.dModel() * (pos[act[j]] + 1);
        }
        attentionTask.set(l, qv, qOff, out);
        long t0 = StepProfile.ON ? System.nanoTime() : 0;
        parallel(nAct * nh, work, attentionTask);
        if (StepProfile.ON) {
            StepProfile.add("attention", System.nanoTime() - t0, 0);
        }
    }

    private final AttentionTask attentionTask = new AttentionTask();

    /** The chunks of {@link #attention}: one per (row, head). One object reused (no allocation per step). */
    private final class AttentionTask implements Team.Body {
        private int l, qOff;
        private float[][] qv, out;

        void set(int l, float[][] qv, int qOff, float[][] out) {
            this.l = l;
            this.qv = qv;
            this.qOff = qOff;
            this.out = out;
        }

        @Override
        public void run(int ch) {
            int nh = c.nHead();
            int b = act[ch / nh];
            attendHead(l, b, ch % nh, qv[b], qOff, out[b], ch);
        }
    }

    /**
     * Head h of row b: softmax(q·K / √hd) over positions 0..pos, times V, into out[h·hd, (h+1)·hd). The cache keeps
     * one row per dimension over positions, so the scores are hd scaled key rows summed (vectorized) and each output
     * element one dot product over positions. {@code slot} picks this chunk's scratch buffers.
     */
    private void attendHead(int l, int b, int h, float[] qv, int qOff, float[] out, int slot) {
        int hd = c.headDim(), n = pos[b] + 1, window = c.window(l);
        int ko = (h / (c.nHead() / c.nKvHead())) * hd;
        float scale = attnScale;
        float[] qh = qs[slot], a = att[slot];
        for (int i = 0; i < hd; i++) {
            qh[i] = qv[qOff + h * hd + i] * scale;
        }
        Kernels.combine(a, kc[l][b], ko, qh, 0, hd, n); // scores (n)
        if (window > 0 && n > window) { // a local layer sees its last `window` positions only
            Arrays.fill(a, 0, n - window, Float.NEGATIVE_INFINITY);
        }
        float inv = 1f / Kernels.exp(a, n, 1f, Kernels.max(a, n), expTmp[slot]);
        float[][] vals = vc[l][b];
        int i = 0;
        for (; i + 3 < hd; i += 4) {
            Kernels.dot4(out, h * hd + i, inv, vals, ko + i, a, n);
        }
        for (; i < hd; i++) {
            out[h * hd + i] = Kernels.dot(vals[ko + i], a, n) * inv;
        }
    }

    /**
     * out[b] = W in[b] + bias (or out[b] += W in[b] + bias with {@code add}) for the active rows; bias may be null.
     * The outputs are split into chunks over the team; a chunk reads its part of the weights once for all active
     * rows.
     */
    private void product(float[][] out, float[][] in, FloatMatrix w, float[] bias, boolean add) {
        long t0 = StepProfile.ON ? System.nanoTime() : 0;
        if (w.rowBlocks() > 1) {
            productByRows(out, in, w, bias, add);
        } else {
            productByOutputs(out, in, w, bias, add);
        }
        if (StepProfile.ON) {
            StepProfile.product(w, w == head, System.nanoTime() - t0);
        }
    }

    /** {@link #product} split by outputs. */
    private void productByOutputs(float[][] out, float[][] in, FloatMatrix w, float[] bias, boolean add) {
        int rows = w.out;
        long work = (long) rows * w.in * nAct;
        // one row: long contiguous runs of each weight row; several: chunks whose weights stay in L2 across the rows
        int chunks = nAct == 1 ? 1 : Math.max(1, (int) ((long) rows * w.in / CHUNK_FLOATS));
        if (work >= PARALLEL_MIN && useTeam.now()) {
            // a chunk per thread, and up to eight times as many (slack for a thread the OS or the memory delays:
            // two threads streaming the same weights each vary 12-20 ms from pass to pass, here) where each chunk
            // keeps the length its kernel needs: the heap rows' sums of scaled rows ran 1.85x slower per multiply-add
            // over chunks of 80 outputs than over whole 288-long rows; 8 against 2 per thread: +2-3% at 15M and
            // 110M (bench/RESULTS.md, issue 20)
            int size = team.size();
            chunks = Math.max(chunks, Math.max(size, Math.min(8 * size, rows / w.chunkOutputs())));
        }
        int step = Math.min(rows, Math.max(64, (rows + chunks - 1) / chunks + 15) / 16 * 16);
        chunks = (rows + step - 1) / step;
        productTask.set(out, in, w, bias, add, step);
        parallel(chunks, work, productTask);
    }

    private final ProductTask productTask = new ProductTask();

    /** The chunks of {@link #product}: outputs [ch · step, (ch + 1) · step). One object reused. */
    private final class ProductTask implements Team.Body {
        private float[][] out, in;
        private FloatMatrix w;
        private float[] bias;
        private boolean add;
        private int step;

        void set(float[][] out, float[][] in, FloatMatrix w, float[] bias, boolean add, int step) {
            this.out = out;
            this.in = in;
            this.w = w;
            this.bias = bias;
            this.add = add;
            this.step = step;
        }

        @Override
        public void run(int ch) {
            w.product(in, out, act, nAct, bias, add, ch * step, Math.min(w.out, (ch + 1) * step));
        }
    }

    /** Per block of input rows but the first (k − 1), per row: that block's sums (see {@link #productByRows}). */
    private float[][][] partial = new float[0][][];

    /**
     * out[b] = W in[b] + bias (or +=) for a matrix split by blocks of input rows ({@link FloatMatrix#rowBlocks}): the
     * blocks run over the team, block 0 summing onto out[b]'s start (bias, or out[b] itself with {@code add}), the
     * others into their own sums from zero; then those are added to out[b] in block order. Each element is thus
     * computed by the same operations whichever thread runs which block.
     */
    private void productByRows(float[][] out, float[][] in, FloatMatrix w, float[] bias, boolean add) {
        int blocks = w.rowBlocks();
        if (partial.length < blocks - 1 || blocks > 1 && partial[0][0].length < w.out) { // the first steps only
            int width = Math.max(w.out, partial.length == 0 ? 0 : partial[0][0].length);
            partial = new float[Math.max(blocks - 1, partial.length)][batch][width];
        }
        rowsTask.set(out, in, w, bias, add, blocks);
        parallel(blocks, (long) w.out * w.in * nAct, rowsTask);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            float[] o = out[b];
            for (int k = 1; k < blocks; k++) {
                float[] p = partial[k - 1][b];
                for (int c = 0; c < w.out; c++) {
                    o[c] += p[c];
                }
            }
        }
    }

    private final RowsTask rowsTask = new RowsTask();

    /** The chunks of {@link #productByRows}: input rows [k · step, (k + 1) · step). One object reused. */
    private final class RowsTask implements Team.Body {
        private float[][] out, in;
        private FloatMatrix w;
        private float[] bias;
        private boolean add;
        private int step;

        void set(float[][] out, float[][] in, FloatMatrix w, float[] bias, boolean add, int blocks) {
            this.out = out;
            this.in = in;
            this.w = w;
            this.bias = bias;
            this.add = add;
            this.step = (w.in + blocks - 1) / blocks;
        }

        @Override
        public void run(int k) {
            float[][] acc = k == 0 ? out : partial[k - 1];
            for (int j = 0; j < nAct; j++) {
                int b = act[j];
                if (k == 0) {
                    Kernels.startSum(acc[b], bias, add, 0, w.out);
                } else {
                    Arrays.fill(acc[b], 0, w.out, 0f);
                }
            }
            w.productRows(in, acc, act, nAct, k * step, Math.min(w.in, (k + 1) * step));
        }
    }

    /** Runs the chunks on the team when the work is worth it (and the team pays, see {@link TeamChoice}). */
    private void parallel(int chunks, long work, Team.Body body) {
        if (work < PARALLEL_MIN || !useTeam.now()) {
            for (int ch = 0; ch < chunks; ch++) {
                body.run(ch);
            }
        } else {
            team.run(chunks, body);
        }
    }
}
