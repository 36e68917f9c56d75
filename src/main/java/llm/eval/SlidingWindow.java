package llm.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * One window of {@code llm score}'s sliding-window evaluation, over a token sequence x[0..L) whose x[0] is a start
 * token (BOS, or end-of-text) that is never scored itself.
 *
 * <p>The model reads x[begin..end) (at most {@code ctx} tokens) and its logits at position i predict x[i+1]; the window
 * scores the targets x[firstTarget..end), the ones no earlier window scored. Windows start every {@code stride}
 * tokens, so every target after the first window sees at least ctx - stride tokens of context. This is HuggingFace's
 * "Perplexity of fixed-length models" strided evaluation; stride = ctx gives (nearly) disjoint windows, cheapest and
 * with the least context (a window cannot predict its own first token, so each starts on the previous one's last
 * token: no token goes unscored, unlike HuggingFace's loop), stride = 1 gives every token a full window (most
 * expensive). llama.cpp's {@code perplexity} uses
 * disjoint chunks and scores only their second half, close to stride = ctx/2.
 */
public record SlidingWindow(int begin, int end, int firstTarget) {
    /** The targets this window scores. */
    public int targets() {
        return end - firstTarget;
    }

    /** Windows covering targets 1..length-1 of a sequence of {@code length} tokens (including the start token). */
    public static List<SlidingWindow> plan(int length, int ctx, int stride) {
        if (ctx < 2) {
            throw new IllegalArgumentException("context must be at least 2 tokens, not " + ctx);
        }
        if (stride < 1 || stride > ctx) {
            throw new IllegalArgumentException("stride must be within [1, " + ctx + "], not " + stride);
        }
        List<SlidingWindow> out = new ArrayList<>();
        int scored = 1; // x[0] is the start token: nothing predicts it
        int begin = 0;
        while (scored < length) {
            int end = Math.min(begin + ctx, length);
            out.add(new SlidingWindow(begin, end, scored));
            scored = end;
            // a window cannot score its own first token: the next one starts at the latest at the last scored token
            begin = Math.min(begin + stride, scored - 1);
        }
        return out;
    }
}
