package llm.generate;

import java.util.List;

/**
 * One generated token with its log-probability under the model (log-softmax of the raw logits, before any penalty,
 * temperature or truncation) and the K most likely alternatives at that position.
 */
public record TokenLogprob(int id, double logprob, List<Alternative> top) {
    public record Alternative(int id, double logprob) {}

    /** The chosen token's logprob and the top {@code k} (most likely first, ties by lower id). */
    public static TokenLogprob of(float[] logits, int chosen, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp(x - max);
        }
        double lse = max + Math.log(sum);
        List<Alternative> top = new java.util.ArrayList<>();
        if (k > 0) {
            int[] order = Sampler.byDescendingLogit(logits);
            for (int i = 0; i < Math.min(k, order.length); i++) {
                top.add(new Alternative(order[i], logits[order[i]] - lse));
            }
        }
        return new TokenLogprob(chosen, logits[chosen] - lse, List.copyOf(top));
    }
}
