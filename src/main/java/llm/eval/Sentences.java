package llm.eval;

/**
 * Where the first sentence of a text ends, for {@code --prefix-sentence}. The rule is deliberately simple: the first
 * '.', '!' or '?' (after at least one letter or digit) followed by whitespace or the end of the text, with closing quotes
 * and brackets that follow it. Abbreviations ("Mr. Smith") end a sentence too.
 */
public final class Sentences {
    private Sentences() {}

    /** The index just past the first sentence's end in {@code text}, or -1 when it has none. */
    public static int firstSentenceEnd(String text) {
        boolean content = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                content = true;
            } else if (content && (c == '.' || c == '!' || c == '?')) {
                int j = i + 1;
                while (j < text.length() && (text.charAt(j) == '.' || text.charAt(j) == '!' || text.charAt(j) == '?')) {
                    j++;
                }
                while (j < text.length() && "\"'\u201d\u2019)]".indexOf(text.charAt(j)) >= 0) {
                    j++;
                }
                if (j == text.length() || Character.isWhitespace(text.charAt(j))) {
                    return j;
                }
            }
        }
        return -1;
    }
}
