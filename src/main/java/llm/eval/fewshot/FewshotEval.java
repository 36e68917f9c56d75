package llm.eval.fewshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Exact-match evaluation of held-out pairs, at one number of shots or a sweep of them (the in-context learning curve). */
public final class FewshotEval {
    /** One evaluated item: what the model answered and whether it matched. */
    public record Prediction(int shots, Example item, String answer, boolean correct) {}

    /** Called after each item, e.g. to log it. */
    @FunctionalInterface
    public interface Listener {
        void predicted(Prediction p);
    }

    private FewshotEval() {}

    /** Accuracy of {@code prompt} (with its shots) on {@code items}. */
    public static Accuracy evaluate(Completer model, FewshotPrompt prompt, List<Example> items, int maxTokens,
                                    Listener listener) {
        int correct = 0;
        for (Example item : items) {
            String answer = prompt.ask(model, item.input(), maxTokens);
            boolean ok = Accuracy.matches(answer, item.output());
            if (ok) {
                correct++;
            }
            if (listener != null) {
                listener.predicted(new Prediction(prompt.shots().size(), item, answer, ok));
            }
        }
        return new Accuracy(prompt.shots().size(), correct, items.size());
    }

    /** Accuracy at each count in {@code ks}, the shots being the first k of {@code order} (see {@link Shots#order}). */
    public static List<Accuracy> sweep(Completer model, FewshotPrompt prompt, List<Example> order, int[] ks,
                                       List<Example> items, int maxTokens, Listener listener) {
        List<Accuracy> rows = new ArrayList<>(ks.length);
        for (int k : ks) {
            Shots.check(k, order.size());
            rows.add(evaluate(model, prompt.withShots(order.subList(0, k)), items, maxTokens, listener));
        }
        return rows;
    }

    /** How many of {@code items} have an input that is also among {@code examples} (not held out). */
    public static int overlap(List<Example> examples, List<Example> items) {
        Set<String> inputs = new HashSet<>();
        for (Example e : examples) {
            inputs.add(e.input().strip());
        }
        int n = 0;
        for (Example i : items) {
            if (inputs.contains(i.input().strip())) {
                n++;
            }
        }
        return n;
    }

    /** The sweep as an aligned table for people. */
    public static String table(List<Accuracy> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "%5s  %8s  %7s  %5s%n", "shots", "accuracy", "correct", "total"));
        for (Accuracy a : rows) {
            sb.append(String.format(java.util.Locale.ROOT, "%5d  %8.4f  %7d  %5d%n", a.shots(), a.value(), a.correct(), a.total()));
        }
        return sb.toString();
    }
}
