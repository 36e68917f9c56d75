package llm.model;

import java.util.concurrent.ForkJoinPool;

/**
 * Incremental decoding in plain Java on the CPU, for generation. A decode step of a small model is a few hundred
 * tiny tensor ops; through DJL each costs 5–10 µs of call overhead (JNI, allocation, scope), far more than its
 * arithmetic. Here a step is a handful of loops over float arrays (as llama2.c's run.c), the weights are copied
 * once out of the model's NDArrays, the KV cache is preallocated, and the matrix-vector products of larger models
 * are split by rows over a fork-join pool. Same maths as {@link Gpt2} / {@link Llama}; {@code CpuDecoderTest} checks
 * it against the DJL forward.
 */
final class CpuDecoder {
    /** Work (multiply-adds) below which a product runs on the calling thread. */
    private static final long PARALLEL_MIN = 1L << 17;

    private final ModelConfig c;
    private final int batch;
    private final int capacity;
    private final ForkJoinPool pool;
    private final int[] pos; // per row: positions fed
    private final int[] act; // rows taking part in the current step
    private int nAct;
    private final float[][] ropeCos, ropeSin; // per row, (hd/2) for the current step
    private final float[] invFreq; // (hd/2) RoPE inverse frequencies, scaling applied

    // weights; matrices transposed to (in, out) row-major, so a product is a sum of contiguous axpy rows
    private final float[] embed; // (V, C)
    private final float[] pe; // GPT-2 (ctx, C)
    private final float[] head; // (C, V): transposed
    private final float[] normW, normB; // (C)
    private final Layer[] layers;

    // state
    private final float[][][] kc, vc; // [layer][b] (kvDim, capacity): transposed, position fastest
    private final float[][] x, xb, q, k, v, att, hb, hb2, logits;

    private record Layer(float[] n1w, float[] n1b, float[] wqkv, float[] bqkv, // gpt2: fused (3C, C)
            float[] wq, float[] wk, float[] wv, // llama
            float[] wo, float[] bo, float[] n2w, float[] n2b,
            float[] w1, float[] b1, float[] w3, float[] w2, float[] b2) {}

    CpuDecoder(LanguageModel model, int batch, int capacity, int threads) {
        this.c = model.config();
        this.batch = batch;
        this.capacity = capacity;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null; // plus the calling thread
        boolean gpt2 = c.arch() == Architecture.GPT2;
        int d = c.dModel(), kv = c.kvDim(), f = c.dFf(), ll = c.nLayer();
        layers = new Layer[ll];
        if (gpt2) {
            embed = get(model, "transformer.wte.weight");
            pe = get(model, "transformer.wpe.weight");
            normW = get(model, "transformer.ln_f.weight");
            normB = get(model, "transformer.ln_f.bias");
            for (int l = 0; l < ll; l++) {
                String p = "transformer.h." + l + ".";
                layers[l] = new Layer(get(model, p + "ln_1.weight"), get(model, p + "ln_1.bias"),
                        getT(model, p + "attn.c_attn.weight"), get(model, p + "attn.c_attn.bias"), null, null, null,
                        getT(model, p + "attn.c_proj.weight"), get(model, p + "attn.c_proj.bias"),
                        get(model, p + "ln_2.weight"), get(model, p + "ln_2.bias"), getT(model, p + "mlp.c_fc.weight"),
                        get(model, p + "mlp.c_fc.bias"), null, getT(model, p + "mlp.c_proj.weight"),
                        get(model, p + "mlp.c_proj.bias"));
            }
        } else {
            embed = get(model, "model.embed_tokens.weight");
            pe = null;
            normW = get(model, "model.norm.weight");
            normB = null;
            for (int l = 0; l < ll; l++) {
                String p = "model.layers." + l + ".";
                layers[l] = new Layer(get(model, p + "input_layernorm.weight"), null, null, null,
                        getT(model, p + "self_attn.q_proj.weight"), getT(model, p + "self_attn.k_proj.weight"),
                        getT(model, p + "self_attn.v_proj.weight"), getT(model, p + "self_attn.o_proj.weight"), null,
                        get(model, p + "post_attention_layernorm.weight"), null, getT(model, p + "mlp.gate_proj.weight"),
                        null, getT(model, p + "mlp.up_proj.weight"), getT(model, p + "mlp.down_proj.weight"), null);
            }
        }
        head = getT(model, c.tiedEmbeddings() ? (gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight")
                : "lm_head.weight");
        kc = new float[ll][batch][capacity * kv];
        vc = new float[ll][batch][capacity * kv];
        x = new float[batch][d];
        xb = new float[batch][d];
        q = new float[batch][gpt2 ? 3 * d : d];
        k = new float[batch][kv];
        v = new float[batch][kv];
        att = new float[batch][capacity];
        hb = new float[batch][f];
        hb2 = new float[batch][f];
        logits = new float[batch][c.vocabSize()];
        pos = new int[batch];
        act = new int[batch];
        invFreq = c.ropeInverseFrequencies();
        ropeCos = new float[batch][c.headDim() / 2];
        ropeSin = new float[batch][c.headDim() / 2];
    }

    private static float[] get(LanguageModel m, String name) {
        return m.parameter(name).array().toFloatArray();
    }

    /** A matrix (out, in) as its transpose (in, out). */
    private static float[] getT(LanguageModel m, String name) {
        long[] shape = m.parameter(name).array().getShape().getShape();
        return Release.transpose(get(m, name), (int) shape[0], (int) shape[1]);
    }

    /** Positions fed to row {@code b}. */
    int length(int b) {
        return pos[b];
    }

    void reset() {
        java.util.Arrays.fill(pos, 0);
    }

    void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /**
     * Feed one token to each active row ({@code active} null = all rows), each at its own next position; returns the
     * logits rows (reused buffers: copy to keep; rows not active are stale).
     */
    float[][] step(int[] tokens, boolean[] active) {
        nAct = 0;
        for (int b = 0; b < batch; b++) {
            if (active == null || active[b]) {
                if (pos[b] >= capacity) {
                    throw new IllegalStateException("KV cache full: capacity " + capacity);
                }
                act[nAct++] = b;
            }
        }
        int d = c.dModel();
        int half = c.headDim() / 2;
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            int tok = tokens[b];
            if (tok < 0 || tok >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tok + " outside the vocabulary");
            }
            System.arraycopy(embed, tok * d, x[b], 0, d);
            if (pe != null) {
                for (int i = 0; i < d; i++) {
                    x[b][i] += pe[pos[b] * d + i];
                }
            } else {
                for (int i = 0; i < half; i++) { // RoPE angles in float, as llama2.c
                    float angle = pos[b] * invFreq[i];
                    ropeCos[b][i] = (float) Math.cos(angle);
                    ropeSin[b][i] = (float) Math.sin(angle);
                }
            }
        }
        for (int l = 0; l < layers.length; l++) {
            if (c.arch() == Architecture.GPT2) {
                gpt2Layer(l);
            } else {
                llamaLayer(l);
            }
        }
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            norm(xb[b], x[b], normW, normB);
        }
        matmul(logits, xb, head, null, c.vocabSize(), d);
        for (int j = 0; j < nAct; j++) {
            pos[act[j]]++;
        }
        return logits;
    }

    private void norm(float[] out, float[] in, float[] w, float[] bias) {
        int n = in.length;
        float eps = c.normEps();
        if (c.arch() == Architecture.GPT2) {
            float mean = 0;
            for (float a : in) {
                mean += a;
            }
            mean /= n;
            float var = 0;
            for (float a : in) {
                var += (a - mean) * (a - mean);
            }
            var /= n;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            for (int i = 0; i < n; i++) {
                out[i] = (in[i] - mean) * inv * w[i] + bias[i];
            }
        } else {
            float ss = 0;
            for (float a : in) {
                ss += a * a;
            }
            ss = ss / n + eps;
            ss = (float) (1.0 / Math.sqrt(ss));
            for (int i = 0; i < n; i++) {
                out[i] = w[i] * (ss * in[i]);
            }
        }
    }

    private void llamaLayer(int l) {
        Layer w = layers[l];
        int d = c.dModel(), kvd = c.kvDim(), hd = c.headDim(), f = c.dFf();
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            norm(xb[b], x[b], w.n1w, null);
        }
        matmul(q, xb, w.wq, null, d, d);
        matmul(k, xb, w.wk, null, kvd, d);
        matmul(v, xb, w.wv, null, kvd, d);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            rope(q[b], d, hd, ropeCos[b], ropeSin[b]);
            rope(k[b], kvd, hd, ropeCos[b], ropeSin[b]);
            store(l, b, k[b], 0, v[b], 0);
            attend(l, b, pos[b], q[b], 0, xb[b]);
        }
        matmulAdd(x, xb, w.wo, d, d);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            norm(xb[b], x[b], w.n2w, null);
        }
        matmul(hb, xb, w.w1, null, f, d);
        matmul(hb2, xb, w.w3, null, f, d);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            float[] h1 = hb[b], h3 = hb2[b];
            for (int i = 0; i < f; i++) {
                float a = h1[i];
                h1[i] = a / (1f + (float) Math.exp(-a)) * h3[i];
            }
        }
        matmulAdd(x, hb, w.w2, d, f);
    }

    private void gpt2Layer(int l) {
        Layer w = layers[l];
        int d = c.dModel(), f = c.dFf();
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            norm(xb[b], x[b], w.n1w, w.n1b);
        }
        matmul(q, xb, w.wqkv, w.bqkv, 3 * d, d); // q | k | v
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            store(l, b, q[b], d, q[b], 2 * d);
            attend(l, b, pos[b], q[b], 0, xb[b]);
        }
        matmul(hb2, xb, w.wo, w.bo, d, d); // hb2 as scratch (C <= F)
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            for (int i = 0; i < d; i++) {
                x[b][i] += hb2[b][i];
            }
            norm(xb[b], x[b], w.n2w, w.n2b);
        }
        matmul(hb, xb, w.w1, w.b1, f, d);
        float s = (float) Math.sqrt(2.0 / Math.PI);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            float[] h = hb[b];
            for (int i = 0; i < f; i++) {
                float a = h[i];
                h[i] = 0.5f * a * (1f + (float) Math.tanh(s * (a + 0.044715f * a * a * a)));
            }
        }
        matmul(hb2, hb, w.w2, w.b2, d, f);
        for (int j = 0; j < nAct; j++) {
            int b = act[j];
            for (int i = 0; i < d; i++) {
                x[b][i] += hb2[b][i];
            }
        }
    }

    /** HF rotate-half RoPE on each head of vec[0 .. n). */
    private static void rope(float[] vec, int n, int hd, float[] cos, float[] sin) {
        int half = hd / 2;
        for (int h = 0; h < n; h += hd) {
            for (int i = 0; i < half; i++) {
                float a = vec[h + i], b2 = vec[h + half + i];
                vec[h + i] = a * cos[i] - b2 * sin[i];
                vec[h + half + i] = b2 * cos[i] + a * sin[i];
            }
        }
    }

    /** Put row b's key and value (kvDim each, from the given offsets) at its current position. */
    private void store(int l, int b, float[] kSrc, int kOff, float[] vSrc, int vOff) {
        int kvd = c.kvDim(), p = pos[b];
        float[] keys = kc[l][b], vals = vc[l][b];
        for (int i = 0; i < kvd; i++) {
            keys[i * capacity + p] = kSrc[kOff + i];
            vals[i * capacity + p] = vSrc[vOff + i];
        }
    }

    /**
     * Causal attention of row b's queries (at qOff) over positions 0..pos; writes (C) into out. The cache is stored
     * position-fastest, so the scores are a sum of hd axpy rows over positions and each output element one dot
     * product over positions: long contiguous loops instead of hd-long ones.
     */
    private void attend(int l, int b, int pos, float[] qv, int qOff, float[] out) {
        int hd = c.headDim(), rep = c.nHead() / c.nKvHead();
        int n = pos + 1;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] keys = kc[l][b], vals = vc[l][b], a = att[b];
        for (int h = 0; h < c.nHead(); h++) {
            int qo = qOff + h * hd;
            int ko = (h / rep) * hd;
            java.util.Arrays.fill(a, 0, n, 0f);
            for (int i = 0; i < hd; i++) {
                axpy(a, keys, (ko + i) * capacity, qv[qo + i] * scale, 0, n);
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < n; t++) {
                max = Math.max(max, a[t]);
            }
            float sum = 0;
            for (int t = 0; t < n; t++) {
                a[t] = (float) Math.exp(a[t] - max);
                sum += a[t];
            }
            float inv = 1f / sum;
            for (int i = 0; i < hd; i++) {
                out[h * hd + i] = dot(vals, (ko + i) * capacity, a, n) * inv;
            }
        }
    }

    /** out[b] = W in[b] (+ bias), with W given transposed: wt (cols, rows). */
    private void matmul(float[][] out, float[][] in, float[] wt, float[] bias, int rows, int cols) {
        product(out, in, wt, bias, rows, cols, false);
    }

    /** out[b] += W in[b], W given transposed. */
    private void matmulAdd(float[][] out, float[][] in, float[] wt, int rows, int cols) {
        product(out, in, wt, null, rows, cols, true);
    }

    /**
     * y = Σ_i x[i] · Wt[i, :]: each term is an axpy over a contiguous row of Wt, which the JIT turns into SIMD
     * (a dot product's float reduction it does not). Output columns [lo, hi) are split over the pool; each row of Wt
     * is read once for all active batch rows.
     */
    private void product(float[][] out, float[][] in, float[] wt, float[] bias, int rows, int cols, boolean add) {
        run(rows, cols, (lo, hi) -> {
            for (int j = 0; j < nAct; j++) {
                float[] o = out[act[j]];
                if (!add) {
                    if (bias == null) {
                        java.util.Arrays.fill(o, lo, hi, 0f);
                    } else {
                        System.arraycopy(bias, lo, o, lo, hi - lo);
                    }
                }
            }
            for (int i = 0; i < cols; i++) {
                int base = i * rows;
                for (int j = 0; j < nAct; j++) {
                    int b = act[j];
                    axpy(out[b], wt, base, in[b][i], lo, hi);
                }
            }
        });
    }

    private static void axpy(float[] o, float[] w, int base, float s, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            o[r] += w[base + r] * s;
        }
    }

    private static float dot(float[] w, int off, float[] x, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += w[off + i] * x[i];
            s1 += w[off + i + 1] * x[i + 1];
            s2 += w[off + i + 2] * x[i + 2];
            s3 += w[off + i + 3] * x[i + 3];
        }
        for (; i < n; i++) {
            s0 += w[off + i] * x[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private interface Rows {
        void run(int lo, int hi);
    }

    private void run(int rows, int cols, Rows body) {
        long work = (long) rows * cols * nAct;
        if (pool == null || work < PARALLEL_MIN) {
            body.run(0, rows);
            return;
        }
        // the calling thread takes the first share itself; the pool's workers take the rest
        int parts = pool.getParallelism() + 1;
        java.util.concurrent.ForkJoinTask<?>[] others = new java.util.concurrent.ForkJoinTask<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int lo = (int) ((long) rows * p / parts), hi = (int) ((long) rows * (p + 1) / parts);
            others[p - 1] = pool.submit(() -> body.run(lo, hi));
        }
        body.run(0, (int) ((long) rows / parts));
        for (java.util.concurrent.ForkJoinTask<?> t : others) {
            t.join();
        }
    }
}
