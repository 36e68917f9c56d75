package llm.data;

/**
 * Fixed validation windows: the same {@code T+1}-id windows every evaluation, so that validation losses are
 * comparable across steps. Windows have stride T; when the validation set holds more than {@code max} of them, the
 * {@code max} used are spread evenly over it (so a validation set of many documents is sampled throughout, not just
 * at its start).
 */
public final class EvalWindows {
    private final Tokens tokens;
    private final int seqLen;
    private final long available;
    private final int count;

    public EvalWindows(Tokens tokens, int seqLen, int max) {
        this.tokens = tokens;
        this.seqLen = seqLen;
        this.available = tokens.size() >= seqLen + 1L ? (tokens.size() - 1) / seqLen : 0;
        this.count = (int) Math.min(available, Math.max(0, max));
    }

    /** T: each window holds T+1 ids. */
    public int seqLen() {
        return seqLen;
    }

    /** Windows available (0 when the validation set is shorter than T+1). */
    public int count() {
        return count;
    }

    /** Window {@code i} ({@code 0 <= i < count()}) into {@code dst[off..off+T]}. */
    public void window(int i, int[] dst, int off) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("window " + i + " of " + count);
        }
        long k = count == available ? i : (long) ((double) i * available / count);
        tokens.read(k * seqLen, dst, off, seqLen + 1);
    }

    /** Windows {@code [from, from+batch)} row-major, shape (batch, T+1); fewer rows at the end. */
    public int[] batch(int from, int batch) {
        int rows = Math.max(0, Math.min(batch, count - from));
        int[] out = new int[rows * (seqLen + 1)];
        for (int r = 0; r < rows; r++) {
            window(from + r, out, r * (seqLen + 1));
        }
        return out;
    }
}
