package llm.run;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import llm.eval.fewshot.ChoiceEval;
import llm.eval.fewshot.ChoiceItem;
import llm.eval.fewshot.ChoiceScores;
import llm.eval.fewshot.LogLikelihood;
import llm.io.Log;
import llm.tokenizer.Tokenizer;

/** {@code llm fewshot --choices}: multiple choice by likelihood, accuracy printed once at the end. */
public final class FewshotChoices {
    /** What is printed: the first item's prompt on stderr ({@code --show-prompt}), JSON or a line ({@code --json}). */
    public record Settings(boolean showPrompt, boolean json) {}

    private FewshotChoices() {}

    public static void run(Settings s, List<ChoiceItem> items, Tokenizer tok, LogLikelihood scorer, PrintWriter out) {
        if (s.showPrompt()) {
            ChoiceItem first = items.get(0);
            Log.err().println(first.context() + first.continuation(first.gold()));
            Log.err().println("----");
        }
        long t0 = System.nanoTime();
        int every = Math.max(1, items.size() / 10);
        ChoiceScores scores = ChoiceEval.evaluate(items, tok, scorer, (i, item, lp, pred, norm) -> {
            Log.debug("item %d: gold %d, acc pick %d, acc_norm pick %d, logprobs %s", i, item.gold(), pred, norm,
                    Arrays.toString(lp));
            if ((i + 1) % every == 0 && i + 1 < items.size()) {
                Log.info("%d/%d items  [%.1f s]", i + 1, items.size(), (System.nanoTime() - t0) / 1e9);
            }
        });
        Log.info("%d items in %.1f s", scores.items(), (System.nanoTime() - t0) / 1e9);
        out.println(s.json() ? scores.json() : scores.line());
        out.flush();
    }
}
