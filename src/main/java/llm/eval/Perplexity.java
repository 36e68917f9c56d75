package llm.eval;

/**
 * Accumulates negative log-likelihood and turns it into the usual numbers:
 * perplexity = exp(NLL / tokens), bits per token = NLL / (ln 2 · tokens), bits per byte = NLL / (ln 2 · UTF-8 bytes).
 * NLL is in nats (natural log), summed over the scored tokens. Bits per byte compares models with different
 * tokenizers; perplexity does not.
 */
public final class Perplexity implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final double LN2 = Math.log(2);

    private double nll;
    private long tokens;
    private long bytes;

    /** Add one scored token with log-probability {@code logprob} (nats, &lt;= 0). */
    public void addToken(double logprob) {
        nll -= logprob;
        tokens++;
    }

    /** Add the UTF-8 size of the text whose tokens were scored. */
    public void addBytes(long n) {
        bytes += n;
    }

    /** Merge another accumulator (per-document into the total). */
    public void add(Perplexity other) {
        nll += other.nll;
        tokens += other.tokens;
        bytes += other.bytes;
    }

    public double nll() {
        return nll;
    }

    public long tokens() {
        return tokens;
    }

    public long bytes() {
        return bytes;
    }

    /** Mean NLL per token in nats; NaN without tokens. */
    public double meanNll() {
        return tokens == 0 ? Double.NaN : nll / tokens;
    }

    public double perplexity() {
        return Math.exp(meanNll());
    }

    public double bitsPerToken() {
        return meanNll() / LN2;
    }

    /** NaN when no bytes were counted. */
    public double bitsPerByte() {
        return bytes == 0 ? Double.NaN : nll / (LN2 * bytes);
    }

    /** log softmax(logits)[target], computed in double with the max subtracted. */
    public static double logProb(float[] logits, int target) {
        return logits[target] - logSumExp(logits);
    }

    /** log Σ exp(x_i), stable. */
    public static double logSumExp(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
