package llm.eval.fewshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import llm.tokenizer.Tokenizer;

/** Scores multiple-choice items with a {@link LogLikelihood} and counts acc / acc_norm ({@link ChoiceScores}). */
public final class ChoiceEval {
    /** Called after each item with its scores and predictions. */
    @FunctionalInterface
    public interface Listener {
        void scored(int index, ChoiceItem item, double[] logprobs, int pred, int predNorm);
    }

    private ChoiceEval() {}

    /**
     * Context and continuation token ids as lm-evaluation-harness makes them: trailing spaces of the context move to
     * the continuation; the continuation's ids are those of {@code encode(context + continuation)} after the first
     * {@code encode(context).length} ids (so merges across the boundary are scored as the model would see them).
     */
    public static int[][] split(Tokenizer tok, String context, String continuation) {
        int n = context.length() - context.stripTrailing().length();
        if (n > 0) {
            continuation = context.substring(context.length() - n) + continuation;
            context = context.substring(0, context.length() - n);
        }
        int[] ctx = tok.encode(context);
        int[] whole = tok.encode(context + continuation);
        if (whole.length <= ctx.length) {
            // the boundary merged away every continuation token: score the continuation on its own
            return new int[][] {ctx, tok.encode(continuation)};
        }
        return new int[][] {Arrays.copyOf(whole, ctx.length), Arrays.copyOfRange(whole, ctx.length, whole.length)};
    }

    public static ChoiceScores evaluate(List<ChoiceItem> items, Tokenizer tok, LogLikelihood model, Listener listener) {
        ChoiceScores scores = new ChoiceScores();
        for (int i = 0; i < items.size(); i++) {
            ChoiceItem item = items.get(i);
            // one context for all endings: the split of the first ending (they agree unless the context ends in a
            // token that merges with some endings, which " " + ending prevents for BPE and SentencePiece alike)
            int[] ctx = null;
            List<int[]> conts = new ArrayList<>(item.endings().size());
            List<int[]> ctxs = new ArrayList<>(item.endings().size());
            boolean same = true;
            for (int j = 0; j < item.endings().size(); j++) {
                int[][] s = split(tok, item.context(), item.continuation(j));
                ctxs.add(s[0]);
                conts.add(s[1]);
                if (ctx == null) {
                    ctx = s[0];
                } else if (!Arrays.equals(ctx, s[0])) {
                    same = false;
                }
            }
            double[] lp;
            if (same) {
                lp = model.score(ctx, conts);
            } else {
                lp = new double[conts.size()];
                for (int j = 0; j < conts.size(); j++) {
                    lp[j] = model.score(ctxs.get(j), List.of(conts.get(j)))[0];
                }
            }
            int[] pred = scores.add(item, lp);
            if (listener != null) {
                listener.scored(i, item, lp, pred[0], pred[1]);
            }
        }
        return scores;
    }
}
