package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import llm.engine.FusedOps;

/**
 * The tensor functions both architectures are made of. Every result lives in the manager of the activation
 * ({@code x}), never in the weights' manager, so a per-step scope frees it.
 */
final class Layers {
    private Layers() {}

    /**
     * A constant for {@code x.mul(c)}-style arithmetic that lives in x's manager (the step scope). DJL's
     * {@code mul(Number)}/{@code pow(Number)} make a scalar tensor over a Java buffer and close it at once, but
     * autograd keeps that tensor for the backward pass: once the GC frees the buffer, gradients read garbage
     * (seen as random NaN/huge gradient norms in training). Keeping the scalar in the scope avoids it.
     */
    static NDArray scalar(NDArray x, float v) {
        return x.getManager().create(v);
    }

    /** Row lookup: ids (B, T) int -> (B, T, C). */
    static NDArray embed(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Token plus learned position embeddings (GPT-2, GPT-Neo): ids (B, T) at positions pos.. -> (B, T, C). */
    static NDArray embed(NDArray ids, NDArray wte, NDArray wpe, int pos) {
        long t = ids.getShape().get(1);
        NDArray positions = ids.getManager().arange(pos, pos + (int) t).reshape(1, t);
        return embed(ids, wte).add(embed(positions, wpe));
    }

    /** x @ W^T + b with W (out, in): one fused call. */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        NDList r = b == null ? Linear.linear(x, w) : Linear.linear(x, w, b);
        return r.singletonOrThrow();
    }

    /**
     * {@link #linear(NDArray, NDArray, NDArray)} in a forward through {@code cache} (null: none): a decode step of
     * the cache's B rows (x (B, 1, in)) takes W packed by MKL once per cache ({@link KvCache#packed}) where the cache
     * packs, instead of sgemm packing all of W again at every call. Why: at 32-64 rows of GPT-2 small, a quarter of
     * a decode step went to that packing (MKL's {@code sgemm_scopy}); packed, a step of 32 rows took 68-72 ms against
     * 90 (bench/RESULTS.md, issue 20).
     */
    static NDArray linear(KvCache cache, NDArray x, NDArray w, NDArray b) {
        NDArray packed = cache == null ? null : cache.packed(w, x);
        return packed == null ? linear(x, w, b) : FusedOps.packedLinear(x, packed, w, b, cache.batch());
    }

    /** LayerNorm over the last axis (C). */
    static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        long c = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(c), gamma, beta, eps).singletonOrThrow();
    }

    /** RMSNorm over the last axis: x / sqrt(mean(x²) + eps) · g. */
    static NDArray rmsNorm(NDArray x, NDArray gain, float eps) {
        NDArray inv = x.square().mean(new int[] {x.getShape().dimension() - 1}, true).add(eps)
                .pow(scalar(x, -0.5f));
        return x.mul(inv).mul(gain);
    }

    /**
     * GPT-2's GELU, tanh approximation ("gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). libtorch's own
     * kernel ({@link FusedOps#geluTanh}: one pass forward, one backward) when it is available; else computed as the
     * identical x·σ(x·(a + b·x²)) with a = 2√(2/π), b = 0.044715·a (since 0.5·(1 + tanh(u)) = σ(2u)): 6 tensor ops
     * and a fused sigmoid backward instead of 9 ops, which matters on the CPU where each elementwise op over the
     * (B, T, 4C) activations is a full pass through memory.
     */
    static NDArray geluTanh(NDArray x) {
        return FusedOps.available(x) ? FusedOps.geluTanh(x) : geluTanhUnfused(x);
    }

    /** {@link #geluTanh} from DJL ops, for engines without the fused kernel ({@code -Dllm.fused=false}). */
    static NDArray geluTanhUnfused(NDArray x) {
        NDArray z = x.square().mul(scalar(x, GELU_B)).add(scalar(x, GELU_A)).mul(x);
        return x.mul(Activation.sigmoid(z));
    }

    private static final float GELU_A = (float) (2 * Math.sqrt(2 / Math.PI));
    private static final float GELU_B = (float) (0.044715 * 2 * Math.sqrt(2 / Math.PI));

    /** SiLU: x·σ(x). */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /**
     * Causal scaled dot-product attention with grouped-query heads. Where the engine has them ({@link FusedOps}):
     * when queries and keys cover the same positions (T = S, so pos = 0: training, scoring, a prefill without cache),
     * libtorch's scaled_dot_product_attention (flash kernels, no mask in memory; on the CPU not where MKL runs its
     * generic kernels, {@link FusedOps#flashOnCpu}); otherwise, with a mask, scores from one baddbmm that folds in
     * the scale and the mask. Both agree with the DJL ops to 1e-5.
     *
     * @param q (B, H, T, hd) queries for positions pos .. pos+T-1
     * @param k (B, Hkv, S, hd) keys for positions 0 .. S-1 (S = pos + T)
     * @param v (B, Hkv, S, hd)
     * @param mask (T, S) from {@link #causalMask}, made once per forward; null when T = 1
     * @return (B, T, H·hd)
     */
    static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        return attention(q, k, v, mask, false, (float) (1.0 / Math.sqrt(q.getShape().get(3))));
    }

    /**
     * {@link #attention} with any mask (a local window: {@code windowed}, the mask then also given when T = 1) and
     * the scores multiplied by {@code scale} (1/√hd; GPT-Neo: 1).
     */
    static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, boolean windowed, float scale) {
        boolean plain = !windowed && scale == (float) (1.0 / Math.sqrt(q.getShape().get(3)));
        if (!plain) {
            if (mask != null && FusedOps.available(q)) {
                return FusedOps.maskedAttention(q, k, v, mask, scale);
            }
            return attentionUnfused(q, k, v, mask, scale);
        }
        if (mask != null && FusedOps.available(q)) {
            if (q.getShape().get(2) == k.getShape().get(2) && (q.getDevice().isGpu() || FusedOps.flashOnCpu())) {
                return FusedOps.causalAttention(q, k, v);
            }
            return FusedOps.maskedAttention(q, k, v, mask);
        }
        return attentionUnfused(q, k, v, mask);
    }

    /** {@link #attention} from DJL ops: scores, mask, softmax, two batched products. */
    static NDArray attentionUnfused(NDArray q, NDArray k, NDArray v, NDArray mask) {
        return attentionUnfused(q, k, v, mask, (float) (1.0 / Math.sqrt(q.getShape().get(3))));
    }

    private static NDArray attentionUnfused(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
        Shape qs = q.getShape();
        long b = qs.get(0), h = qs.get(1), t = qs.get(2), hd = qs.get(3);
        long hkv = k.getShape().get(1), s = k.getShape().get(2);
        long rep = h / hkv;
        // query head i uses kv head i / rep: group the rep query heads of one kv head along the time axis
        NDArray qg = q.mul(scalar(q, scale)).reshape(b, hkv, rep * t, hd);
        NDArray att = qg.matMul(k.transpose(0, 1, 3, 2)); // (B, Hkv, rep·T, S)
        if (mask != null) {
            att = att.reshape(b, hkv, rep, t, s).addi(mask); // in place: matMul keeps its inputs, not its output
        }
        att = att.softmax(-1).reshape(b, hkv, rep * t, s);
        NDArray y = att.matMul(v); // (B, Hkv, rep·T, hd)
        return y.reshape(b, h, t, hd).transpose(0, 2, 1, 3).reshape(b, t, h * hd);
    }

    /** (T, S) additive mask: 0 where key j may be seen by query i (j <= pos + i), -inf elsewhere. */
    static NDArray causalMask(NDManager m, int t, int s, int pos) {
        float[] mask = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = pos + i + 1; j < s; j++) {
                mask[i * s + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return m.create(mask, new Shape(t, s));
    }

    /**
     * The (T, S) additive mask of a layer that sees {@code window} positions (its own included; 0: all earlier ones):
     * 0 where key j may be seen by query i (pos + i − window &lt; j ≤ pos + i), −∞ elsewhere; null when nothing is
     * masked (one query, all keys within the window).
     */
    static NDArray windowMask(NDManager m, int t, int s, int pos, int window) {
        if (window == 0) {
            return t > 1 ? causalMask(m, t, s, pos) : null;
        }
        if (t == 1 && s <= window) {
            return null;
        }
        float[] mask = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < s; j++) {
                if (j > pos + i || j <= pos + i - window) {
                    mask[i * s + j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return m.create(mask, new Shape(t, s));
    }

    /** GELU with the error function (GPT-NeoX's {@code gelu}): x·Φ(x), libtorch's exact kernel. */
    static NDArray geluErf(NDArray x) {
        return Activation.gelu(x);
    }

    /**
     * RoPE on the first {@code rotary} dims of each head of x (B, heads, T, hd) (GPT-NeoX's partial rotary); the
     * rest pass unchanged. Tables as {@link #ropeTables} for rotary dims.
     */
    static NDArray ropePartial(NDArray x, NDArray cos, NDArray sin, int rotary) {
        int last = x.getShape().dimension() - 1;
        long hd = x.getShape().get(last);
        if (rotary == hd) {
            return rope(x, cos, sin);
        }
        NDList parts = x.split(new long[] {rotary}, last);
        return rope(parts.get(0), cos, sin).concat(parts.get(1), last);
    }

    /**
     * RoPE tables for positions pos .. pos+T-1 in HF's rotate-half layout: cos and sin of (T, hd), each row the
     * hd/2 angles twice. Angles in float as llama2.c computes them (angle = p · θ_i), from the inverse frequencies
     * θ (hd/2) of {@link ModelConfig#ropeInverseFrequencies()}.
     */
    static NDArray[] ropeTables(NDManager m, int pos, int t, float[] invFreq) {
        int half = invFreq.length, hd = 2 * half;
        float[] cos = new float[t * hd];
        float[] sin = new float[t * hd];
        for (int i = 0; i < half; i++) {
            for (int p = 0; p < t; p++) {
                float angle = (pos + p) * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * hd + i] = c;
                cos[p * hd + half + i] = c;
                sin[p * hd + i] = s;
                sin[p * hd + half + i] = s;
            }
        }
        return new NDArray[] {m.create(cos, new Shape(t, hd)), m.create(sin, new Shape(t, hd))};
    }

    /** Rotate x (B, heads, T, hd) by the tables: x·cos + rotate_half(x)·sin, rotate_half = (-x2, x1). */
    static NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        int last = x.getShape().dimension() - 1;
        NDList halves = x.split(2, last);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), last);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
