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
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Protect.isProtected(c)) {
                c = Protect.restore(c);
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\u00a0' || c == '\u2002' || c == '\u2003'
                    || c == '\u2009' || c == '\u202f') {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c);
        }
        return tidy(sb.toString());
    }

    /**
     * Spacing left by removed markup, in one pass: "word ." → "word.", "( x" → "(x", "(; ; 14 March" → "(14 March",
     * "x ;)" → "x)", empty "( ; )" dropped with the space before it.
     */
    static String tidy(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char last = sb.length() == 0 ? 0 : sb.charAt(sb.length() - 1);
            if ((last == '(' || last == '\uff08') && SEPARATORS.indexOf(c) >= 0
                    || (last == '[' || last == '\u300c' || last == '\u300e') && c == ' ') {
                continue;
            }
            if (CLOSERS.indexOf(c) >= 0) {
                boolean paren = c == ')' || c == '\uff09';
                int end = sb.length();
                while (end > 0 && (paren ? SEPARATORS : " ").indexOf(sb.charAt(end - 1)) >= 0) {
                    end--;
                }
                sb.setLength(end);
                char open = c == ')' ? '(' : '\uff08';
                if (paren && end > 0 && sb.charAt(end - 1) == open) {
                    sb.setLength(end > 1 && sb.charAt(end - 2) == ' ' ? end - 2 : end - 1);
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString().strip();
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
                sb.append(c);
                i++;
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
