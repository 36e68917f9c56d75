package llm.eval.fewshot;

import java.util.List;

/** Where generated text ends: at the earliest of some stop strings. */
public final class Stops {
    private Stops() {}

    /** Index of the earliest occurrence in {@code text} of any non-empty stop, or -1. */
    public static int firstIndex(CharSequence text, List<String> stops) {
        String s = text.toString();
        int best = -1;
        for (String stop : stops) {
            if (stop.isEmpty()) {
                continue;
            }
            int i = s.indexOf(stop);
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

    /**
     * How many characters at the end of {@code text} could be the start of a stop that is not complete yet: a
     * streaming printer holds those back until the next token decides.
     */
    public static int pendingSuffix(CharSequence text, List<String> stops) {
        int held = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, text.length()); n > held; n--) {
                if (text.subSequence(text.length() - n, text.length()).toString().equals(stop.substring(0, n))) {
                    held = n;
                    break;
                }
            }
        }
        return held;
    }
}
