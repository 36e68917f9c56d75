package llm.compute;

import llm.model.ModelConfig;

/**
 * Training FLOPs of a decoder-only transformer.
 *
 * <p>Per token, a forward pass costs about 2 FLOPs per parameter that takes part in a matmul (one multiply, one add)
 * and the backward pass twice that, hence 6·N (Kaplan et al. 2020, "Scaling Laws for Neural Language Models",
 * section 2.1 and Table 1: C_forward ≈ 2N + 2·n_layer·n_ctx·d_attn, training ≈ 3 × forward). The attention scores
 * (Q·Kᵀ) and the weighted sum of values (A·V) are matmuls with no parameters: each costs 2·T·d_attn FLOPs per token
 * and layer forward, so 4·L·T·d forward and 12·L·T·d for training. This is the formula of the PaLM paper's appendix B
 * (Chowdhery et al. 2022, "Model FLOPs Utilization": 6N + 12·L·H·Q·T per token, H·Q = d_attn, T = sequence length),
 * which nanoGPT's {@code estimate_mfu} and llm.c use; Kaplan's table counts only the Q·Kᵀ half (6·L·T·d). Like PaLM
 * we do not halve the attention term for the causal mask, and we leave out softmax, norms and the optimizer
 * (a few percent for these shapes).
 *
 * <p>The whole run: C = D · (6N + 12·L·T·d). For Llama 3 405B on 15.6T tokens 6·N·D alone is 3.8e25 FLOPs
 * (Meta reports 3.8e25); the "405B on 15T ≈ 3.6e25" is 6·N·D with D = 15T.
 */
public final class Flops {
    private Flops() {}

    /** 6·N: the training FLOPs per token of the parameter matmuls. */
    public static double paramFlopsPerToken(double n) {
        return 6 * n;
    }

    /** 12·L·T·d_attn: the training FLOPs per token of attention's Q·Kᵀ and A·V at context {@code seqLen}. */
    public static double attentionFlopsPerToken(int nLayer, int seqLen, int attnDim) {
        return 12.0 * nLayer * seqLen * attnDim;
    }

    /** 6N + 12·L·T·d: training FLOPs per token (forward + backward) of a model of this shape at its context. */
    public static double perToken(ModelConfig s) {
        return paramFlopsPerToken(s.matmulParams()) + attentionFlopsPerToken(s.nLayer(), s.ctx(), s.attnDim());
    }

    /** Training FLOPs per token with an explicit N (e.g. {@code --params}) and an optional shape (null: 6N only). */
    public static double perToken(double n, ModelConfig shape) {
        return paramFlopsPerToken(n)
                + (shape == null ? 0 : attentionFlopsPerToken(shape.nLayer(), shape.ctx(), shape.attnDim()));
    }

    /** Forward-only FLOPs per token (inference, scoring): a third of the training figure. */
    public static double forwardPerToken(ModelConfig s) {
        return perToken(s) / 3;
    }

    /**
     * Model FLOPs utilization: the FLOP/s the model's arithmetic needs at the measured throughput over the peak of
     * the devices used (PaLM appendix B). {@code peakPerDevice} in FLOP/s.
     */
    public static double mfu(double tokensPerSecond, double flopsPerToken, double peakPerDevice, int devices) {
        if (peakPerDevice <= 0 || devices <= 0) {
            return Double.NaN;
        }
        return tokensPerSecond * flopsPerToken / (peakPerDevice * devices);
    }
}
