package llm.eval.fewshot;

import java.util.Locale;

/** Exact-match accuracy at a number of shots: {@code correct / total}. */
public record Accuracy(int shots, int correct, int total) {
    public double value() {
        return total == 0 ? 0 : (double) correct / total;
    }

    /** Exact match after stripping white space at both ends; case and inner spacing count. */
    public static boolean matches(String predicted, String expected) {
        return predicted.strip().equals(expected.strip());
    }

    /** One line for people: {@code accuracy 0.4500 (9/20) at 4 shots}. */
    public String line() {
        return String.format(Locale.ROOT, "accuracy %.4f (%d/%d) at %d shot%s", value(), correct, total, shots,
                shots == 1 ? "" : "s");
    }

    /** One JSON Lines record with stable field names. */
    public String json() {
        return String.format(Locale.ROOT, "{\"shots\":%d,\"correct\":%d,\"total\":%d,\"accuracy\":%.6f}",
                shots, correct, total, value());
    }
}
