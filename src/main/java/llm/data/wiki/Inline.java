package llm.data.wiki;

/** The inline leftovers of one line for {@link Lines}: quotes, magic words, entities, protected text, spacing. */
final class Inline {
    private Inline() {}

    /** Punctuation that takes no space before it. */
    private static final String CLOSERS = ",.;:!?)]，。；：！？、）」』";
    /** Separators that a removed template can leave at the edge of a parenthesis: "(; ; 14 March". */
    private static final String SEPARATORS = " ,;:，；：";

    /** One line's text: quotes, magic words, entities and protected characters resolved, spaces collapsed. */
    static String clean(String line) {
        String s = quotesAndMagic(line);
        s = Entities.decode(s);
        char[] out = new char[s.length()]; // not a StringBuilder: see tidy
        int len = 0;
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Protect.isProtected(c)) {
                c = Protect.restore(c);
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\u00a0' || c == '\u2002' || c == '\u2003'
                    || c == '\u2009' || c == '\u202f') {
                space = len > 0;
                continue;
            }
            if (space) {
                out[len++] = ' ';
                space = false;
            }
            out[len++] = c;
        }
        return tidy(new String(out, 0, len));
    }

    /**
     * Spacing left by removed markup, in one pass: "word ." → "word.", "( x" → "(x", "(; ; 14 March" → "(14 March",
     * "x ;)" → "x)", empty "( ; )" dropped with the space before it (not a call's "f()").
     */
    static String tidy(String s) {
        // into a char array, not a StringBuilder: this runs on every line and paragraph, and per-char appends
        // with their bounds and coder checks were the cleaner's largest cost
        char[] out = new char[s.length()];
        int len = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isPlain(c)) {
                out[len++] = c; // the common case: a letter or digit, which tidies nothing
                continue;
            }
            char last = len == 0 ? 0 : out[len - 1];
            if ((last == '(' || last == '\uff08') && SEPARATORS.indexOf(c) >= 0
                    || (last == '[' || last == '\u300c' || last == '\u300e') && c == ' ') {
                continue;
            }
            if (CLOSERS.indexOf(c) >= 0) {
                boolean paren = c == ')' || c == '\uff09';
                int end = len;
                while (end > 0 && (paren ? SEPARATORS : " ").indexOf(out[end - 1]) >= 0) {
                    end--;
                }
                len = end;
                char open = c == ')' ? '(' : '\uff08';
                if (paren && end > 0 && out[end - 1] == open && !(c == ')' && end > 1 && isCallee(out[end - 2]))) {
                    len = end > 1 && out[end - 2] == ' ' ? end - 2 : end - 1;
                    continue;
                }
            }
            out[len++] = c;
        }
        return new String(out, 0, len).strip();
    }

    /**
     * Whether an empty "()" right after {@code c} is a call, {@code f()}, kept: after an ASCII letter, digit or
     * underscore. A removed template leaves its parentheses after a space ("Ulm ()"), or in Chinese text after a
     * Han character, and those go.
     */
    private static boolean isCallee(char c) {
        return isPlain(c) || c == '_';
    }

    /** Whether {@code c} is an ASCII letter or digit: neither a closer, a separator nor a bracket. */
    private static boolean isPlain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /**
     * Removes {@code ''}, {@code '''} and {@code '''''} runs (a run of 4 is an apostrophe then bold, longer runs keep
     * their extra apostrophes, as in MediaWiki) and {@code __MAGIC__} words ({@code __TOC__}, {@code __目录__}).
     */
    private static String quotesAndMagic(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'') {
                int j = i;
                while (j < s.length() && s.charAt(j) == '\'') {
                    j++;
                }
                int run = j - i;
                int keep = run == 1 ? 1 : run == 4 ? 1 : run > 5 ? run - 5 : 0;
                sb.append("'".repeat(keep));
                i = j;
            } else if (c == '_' && s.startsWith("__", i)) {
                int end = magicWordEnd(s, i);
                if (end > 0) {
                    i = end;
                } else {
                    sb.append(c);
                    i++;
                }
            } else {
                int j = i + 1; // a span without quotes or underscores, appended at once
                while (j < s.length() && (c = s.charAt(j)) != '\'' && c != '_') {
                    j++;
                }
                sb.append(s, i, j);
                i = j;
            }
        }
        return sb.toString();
    }

    /**
     * The end of {@code __WORD__} at {@code i}, or -1. A word is capital or caseless letters (not {@code __init__}),
     * at most 40 of them.
     */
    private static int magicWordEnd(String s, int i) {
        int j = i + 2;
        while (j < s.length() && j - i < 42 && Character.isLetter(s.charAt(j)) && !Character.isLowerCase(s.charAt(j))) {
            j++;
        }
        return j > i + 2 && s.startsWith("__", j) ? j + 2 : -1;
    }
}
