package llm.eval;

/**
 * A continuation aligned against its reference text: the common part, then where each goes once they differ.
 * {@code matchChars} counts code points of the common part.
 */
public record Alignment(String common, String expected, String strayed, int matchChars) {
    /** Align {@code continuation} against {@code reference}. */
    public static Alignment of(String reference, String continuation) {
        int chars = Memorization.commonPrefixChars(reference, continuation);
        int cut = reference.offsetByCodePoints(0, chars);
        return new Alignment(reference.substring(0, cut), reference.substring(cut), continuation.substring(cut), chars);
    }

    /** True when the continuation never strays from the reference. */
    public boolean identical() {
        return expected.isEmpty() && strayed.isEmpty();
    }
}
