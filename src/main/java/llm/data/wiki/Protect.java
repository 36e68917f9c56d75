package llm.data.wiki;

/**
 * Literal text ({@code <nowiki>}, {@code <pre>}) through the markup passes: its markup characters are swapped for
 * private-use code points in pass 1 and swapped back at the very end, so no later pass sees them as markup.
 * Private-use characters of that small range already in the input are dropped (they are not text a reader sees).
 */
final class Protect {
    private Protect() {}

    /** The characters that are markup somewhere in a later pass. */
    private static final String MARKUP = "[]{}|'=*#:;_-!";
    private static final char BASE = '\uF700';

    static void append(StringBuilder out, String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            int k = MARKUP.indexOf(c);
            out.append(k < 0 ? c : (char) (BASE + k));
        }
    }

    static boolean isProtected(char c) {
        return c >= BASE && c < BASE + MARKUP.length();
    }

    static char restore(char c) {
        return MARKUP.charAt(c - BASE);
    }
}
