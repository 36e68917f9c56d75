package llm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Log-probabilities of every token of a sequence under a model, with {@link SlidingWindow}s. Windows of equal length
 * are run together, up to {@code batch} per forward ({@link LogProbs}: the log-softmax and the pick of each target
 * happen on the device, so only (B, T) numbers come back, never (B, T, V) logits).
 */
public final class TokenScorer {
    private final LogProbs model;
    private final int ctx;
    private final int stride;
    private final int batch;
    private IntConsumer progress = n -> {};

    /**
     * @param ctx    window length (at most the model's context)
     * @param stride tokens between window starts
     * @param batch  windows per forward pass
     */
    public TokenScorer(LogProbs model, int ctx, int stride, int batch) {
        if (ctx > model.context()) {
            throw new IllegalArgumentException("window " + ctx + " exceeds the model's context " + model.context());
        }
        this.model = model;
        this.ctx = ctx;
        this.stride = stride;
        this.batch = batch;
    }

    /** Called with the number of targets scored after each forward pass (for progress reports). */
    public TokenScorer onProgress(IntConsumer p) {
        this.progress = p;
        return this;
    }

    /**
     * {@code logprobs[j - 1]} = log p(x[j] | the window's tokens before j), for j = 1 .. x.length-1 (x[0] is the start
     * token, never scored).
     */
    public double[] score(int[] x) {
        return score(x, (from, to, logprobs) -> {});
    }

    /** Receives the targets {@code j} in {@code [from, to)} once the forward pass that scored them is done. */
    public interface Scored {
        /** {@code logprobs[j - 1]} is final for {@code from <= j < to}; calls come in order, without gaps. */
        void accept(int from, int to, double[] logprobs);
    }

    /** {@link #score(int[])}, telling {@code sink} after each forward pass which targets are done (for streaming). */
    public double[] score(int[] x, Scored sink) {
        double[] out = new double[Math.max(0, x.length - 1)];
        List<SlidingWindow> windows = SlidingWindow.plan(x.length, ctx, stride);
        List<SlidingWindow> group = new ArrayList<>();
        for (SlidingWindow w : windows) {
            int len = w.end() - w.begin();
            if (!group.isEmpty() && (group.size() == batch || group.get(0).end() - group.get(0).begin() != len)) {
                run(x, group, out, sink);
                group.clear();
            }
            group.add(w);
        }
        if (!group.isEmpty()) {
            run(x, group, out, sink);
        }
        return out;
    }

    private void run(int[] x, List<SlidingWindow> group, double[] out, Scored sink) {
        int b = group.size();
        int t = group.get(0).end() - group.get(0).begin();
        int[] ids = new int[b * t];
        int[] targets = new int[b * t];
        for (int i = 0; i < b; i++) {
            SlidingWindow w = group.get(i);
            System.arraycopy(x, w.begin(), ids, i * t, t);
            for (int k = 0; k < t; k++) {
                int j = w.begin() + k + 1; // what position k predicts
                targets[i * t + k] = j < x.length ? x[j] : 0;
            }
        }
        float[] lp = model.ofTargets(ids, targets, b, t); // (B, T)
        int scored = 0;
        for (int i = 0; i < b; i++) {
            SlidingWindow w = group.get(i);
            for (int j = w.firstTarget(); j < w.end(); j++) {
                out[j - 1] = lp[i * t + (j - 1 - w.begin())];
            }
            scored += w.targets();
        }
        progress.accept(scored);
        // (the windows of a group follow each other, and each scores the targets after the previous one's)
        sink.accept(group.get(0).firstTarget(), group.get(b - 1).end(), out);
    }
}
