package llm.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from a {@code float[]} of logits: plain Java, no tensors. One sampler per generation
 * stream; its random generator is seeded, so the same seed gives the same tokens.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom rng;
    private double[] weights = new double[0]; // scratch of sample(): one sampler is used by one thread

    public Sampler(SamplingParams params, long seed) {
        this.params = params;
        this.rng = new SplittableRandom(seed);
    }

    public SamplingParams params() {
        return params;
    }

    /** The index of the largest value; ties go to the lowest index. NaN never wins. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best] || Float.isNaN(logits[best]) && !Float.isNaN(logits[i])) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The next token.
     *
     * @param logits the model's logits for the next position (not modified)
     * @param history the tokens so far (prompt and generated), for the repetition penalty; may be null
     * @param historyLength how many entries of {@code history} count
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        float[] l = logits;
        if (params.repetitionPenalty() != 1 && history != null) {
            l = logits.clone();
            boolean[] seen = new boolean[l.length];
            float pen = (float) params.repetitionPenalty();
            for (int i = 0; i < historyLength; i++) {
                int id = history[i];
                if (id >= 0 && id < l.length && !seen[id]) {
                    seen[id] = true;
                    l[id] = l[id] > 0 ? l[id] / pen : l[id] * pen;
                }
            }
        }
        if (params.greedy()) {
            return argmax(l);
        }
        int n = l.length;
        double invT = 1.0 / params.temperature();
        double max = Double.NEGATIVE_INFINITY;
        for (float x : l) {
            max = Math.max(max, x * invT);
        }
        if (weights.length != n) {
            weights = new double[n];
        }
        double[] p = weights; // reused: no garbage per token (a vocabulary of 32,000 is 256 KB)
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(l[i] * invT - max); // unnormalised; the top token has 1
        }
        boolean truncate = (params.topK() > 0 && params.topK() < n) || params.topP() < 1;
        int[] order = null; // candidates, most likely first
        int kept = n;
        if (truncate) {
            order = byDescendingLogit(l);
            if (params.topK() > 0 && params.topK() < n) {
                kept = params.topK();
            }
            if (params.topP() < 1) {
                double total = 0;
                for (int i = 0; i < kept; i++) {
                    total += p[order[i]];
                }
                double cum = 0;
                int keep = kept;
                for (int i = 0; i < kept; i++) {
                    cum += p[order[i]];
                    if (cum >= params.topP() * total) {
                        keep = i + 1;
                        break;
                    }
                }
                kept = keep;
            }
        }
        double floor = params.minP() > 0 ? params.minP() : 0; // relative to the top token's weight, which is 1
        double total = 0;
        for (int i = 0; i < kept; i++) {
            int id = order == null ? i : order[i];
            if (p[id] >= floor) {
                total += p[id];
            }
        }
        double r = rng.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < kept; i++) {
            int id = order == null ? i : order[i];
            if (p[id] < floor || p[id] == 0) {
                continue;
            }
            last = id;
            r -= p[id];
            if (r < 0) {
                return id;
            }
        }
        return last >= 0 ? last : argmax(l);
    }

    /** Token ids sorted by logit, largest first, ties by lower id. */
    static int[] byDescendingLogit(float[] l) {
        long[] keys = new long[l.length];
        for (int i = 0; i < l.length; i++) {
            int bits = Float.floatToIntBits(Float.isNaN(l[i]) ? Float.NEGATIVE_INFINITY : l[i]);
            // order-preserving int for floats, inverted so ascending sort = descending logit
            int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff;
            keys[i] = ((long) ~ordered << 32) | i;
        }
        Arrays.sort(keys);
        int[] out = new int[l.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }
}
