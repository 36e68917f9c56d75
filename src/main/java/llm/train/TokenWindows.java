package llm.train;

import java.util.SplittableRandom;
import llm.UserException;

/**
 * Batches of windows cut from one token stream. Random mode (training): row r of batch k starts at an offset drawn
 * from a generator seeded by (seed, k), so batch k is the same whatever happened before it and the state is just
 * k. Sequential mode (validation): non-overlapping windows from the start, wrapping around.
 */
public final class TokenWindows implements Batches {
    private final int[] tokens;
    private final int batch;
    private final int seqLen;
    private final long seed;
    private final boolean random;
    private long k; // batches handed out

    private TokenWindows(int[] tokens, int batch, int seqLen, long seed, boolean random) {
        if (tokens.length < seqLen + 1) {
            throw UserException.usage("the data has " + tokens.length + " tokens, fewer than --ctx + 1 = "
                    + (seqLen + 1) + "; use more data or a smaller --ctx");
        }
        this.tokens = tokens;
        this.batch = batch;
        this.seqLen = seqLen;
        this.seed = seed;
        this.random = random;
    }

    /** Random windows for training. */
    public static TokenWindows random(int[] tokens, int batch, int seqLen, long seed) {
        return new TokenWindows(tokens, batch, seqLen, seed, true);
    }

    /** Consecutive windows from the start, for evaluation. */
    public static TokenWindows sequential(int[] tokens, int batch, int seqLen) {
        return new TokenWindows(tokens, batch, seqLen, 0, false);
    }

    @Override
    public int batchSize() {
        return batch;
    }

    @Override
    public int seqLen() {
        return seqLen;
    }

    /** Number of distinct sequential windows. */
    public long windows() {
        return (tokens.length - 1) / seqLen;
    }

    @Override
    public int[] next() {
        int w = seqLen + 1;
        int[] out = new int[batch * w];
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k);
        long windows = windows();
        for (int r = 0; r < batch; r++) {
            int start = random
                    ? rng.nextInt(tokens.length - w + 1)
                    : (int) (((k * batch + r) % windows) * seqLen);
            System.arraycopy(tokens, start, out, r * w, w);
        }
        k++;
        return out;
    }

    @Override
    public String state() {
        return Long.toString(k);
    }

    @Override
    public void restore(String state) {
        try {
            k = Long.parseLong(state);
        } catch (NumberFormatException e) {
            throw UserException.runtime("checkpoint: bad data position '" + state + "'");
        }
    }

    /** Rewind to the first batch. */
    public void reset() {
        k = 0;
    }
}
