package llm.eval.fewshot;

import java.util.List;

/** Where generated text ends: at the earliest of some stop strings. */
public final class Stops {
    private Stops() {}

    /**
     * Index of the earliest occurrence in {@code text} of any non-empty stop, or -1. The search starts after the
     * text's leading spaces and tabs: a continuation starts with the space before its first word ({@code " chat"}),
     * and a stop {@code " "} is meant to end the word, not to come before it.
     */
    public static int firstIndex(CharSequence text, List<String> stops) {
        String s = text.toString();
        int from = 0;
        while (from < s.length() && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        int best = -1;
        for (String stop : stops) {
            if (stop.isEmpty()) {
                continue;
            }
            int i = s.indexOf(stop, from);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** {@code text} up to (not including) the earliest stop; all of it when none occurs. */
    public static String cut(String text, List<String> stops) {
        int i = firstIndex(text, stops);
        return i < 0 ? text : text.substring(0, i);
    }
}
