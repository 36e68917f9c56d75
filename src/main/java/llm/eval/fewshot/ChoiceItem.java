package llm.eval.fewshot;

import java.util.List;

/**
 * A multiple-choice item: a context, candidate endings, and the index of the right one. Each candidate is scored as
 * the continuation {@code " " + ending} of the context (lm-evaluation-harness's target delimiter, and llama.cpp's
 * {@code context + " " + ending}).
 */
public record ChoiceItem(String context, List<String> endings, int gold) {
    public ChoiceItem {
        endings = List.copyOf(endings);
        if (endings.size() < 2) {
            throw new IllegalArgumentException("a multiple-choice item needs at least two endings");
        }
        if (gold < 0 || gold >= endings.size()) {
            throw new IllegalArgumentException("gold index " + gold + " outside [0, " + endings.size() + ")");
        }
    }

    /** The continuation scored for ending {@code i}: the ending after one space. */
    public String continuation(int i) {
        String e = endings.get(i);
        return context.isEmpty() || context.endsWith(" ") || e.startsWith(" ") ? e : " " + e;
    }
}
