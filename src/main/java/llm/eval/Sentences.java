package llm.eval;

import java.text.BreakIterator;
import java.util.Locale;
import java.util.Set;

/**
 * Where the first sentence of a text ends, for {@code --prefix-sentence}, in English and Chinese (and other
 * languages the JDK's Unicode sentence rules cover). The JDK's {@link BreakIterator} (UAX #29 sentence boundaries)
 * finds the candidates: '.', '!', '?', '。', '！', '？' and the like, with the closing quotes and brackets after them
 * ({@code ” ’ " ' ) ] 」 』 ）】}), with or without a space after (Chinese puts none). On top of it:
 * <ul>
 *   <li>an end needs a letter or digit before it, and punctuation: a line break alone ends no sentence;</li>
 *   <li>a '.' after an abbreviation ({@link #ABBREVIATIONS}: "Mr", "Dr", "c" for circa, "e.g", …), after a single
 *       letter (initials: "J. R. R. Tolkien"; "c ." in WikiText's spaced punctuation) or after a word with an inner
 *       period ("U.S.") ends no sentence — erring towards a longer prefix, never a cut one;</li>
 *   <li>the full stops '．' (full width) and '｡' (half width) end a sentence even with a CJK character right after,
 *       and so does a full stop followed by a space and a number or a lower-case word ("War . 20 boats were
 *       built", "nine. and more" in lower-cased text) unless an abbreviation comes before it: UAX #29 sees none of
 *       these as a boundary.</li>
 * </ul>
 * ICU4J would bring abbreviation suppression of its own, but its jar (icu4j-76.1: 14.6 MB) is 20 times ours
 * (llm.jar: 0.7 MB); this list is enough for the Wikipedia-style text the command reads.
 */
public final class Sentences {
    private Sentences() {}

    /** Words that end with a period without ending a sentence (compared in lower case, without the period). */
    static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "mt", "ft",
            "rev", "hon", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov", "sen", "rep", "pres", "fr",
            "ca", "cca", "circa", "fl", "approx", "vs", "etc", "cf", "al", "e.g", "i.e", "viz", "no", "nos", "vol",
            "vols", "pp", "ed", "eds", "trans", "fig", "figs", "ch", "sec", "inc", "ltd", "co", "corp", "bros",
            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "est", "op", "nr");

    /** The index just past the first sentence's end in {@code text} (its closing quotes included), or -1. */
    public static int firstSentenceEnd(String text) {
        int content = 0; // the first letter or digit: no sentence ends before it
        while (content < text.length() && !Character.isLetterOrDigit(text.charAt(content))) {
            content++;
        }
        int extra = extraEnd(text, content);
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        for (int boundary = it.next(); boundary != BreakIterator.DONE; boundary = it.next()) {
            if (extra >= 0 && boundary > extra) {
                return extra;
            }
            int end = boundary;
            while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            if (isEnd(text, end, content)) {
                return end;
            }
        }
        return extra;
    }

    /** Whether a sentence ends just before {@code end}: punctuation (then closers), content, no abbreviation. */
    private static boolean isEnd(String text, int end, int content) {
        int p = end;
        while (p > 0 && isCloser(text.charAt(p - 1))) {
            p--;
        }
        if (p == 0 || !isTerminal(text.charAt(p - 1))) {
            return false;
        }
        int punct = p;
        while (punct > 0 && isTerminal(text.charAt(punct - 1))) {
            punct--;
        }
        if (punct <= content) {
            return false;
        }
        return !(text.charAt(p - 1) == '.' && p - punct == 1 && isAbbreviation(text, punct));
    }

    /** Whether the word before the '.' at {@code dot} (one space between allowed: "c .") is an abbreviation. */
    private static boolean isAbbreviation(String text, int dot) {
        int end = dot;
        if (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        int start = end;
        while (start > 0 && (Character.isLetter(text.charAt(start - 1)) || text.charAt(start - 1) == '.')) {
            start--;
        }
        if (start == end) {
            return false;
        }
        String word = text.substring(start, end);
        int letters = word.codePointCount(0, word.length());
        boolean latin = Character.UnicodeScript.of(word.codePointAt(0)) == Character.UnicodeScript.LATIN;
        return latin && (letters == 1 || word.indexOf('.') > 0
                || ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT)));
    }

    /**
     * The first end that the JDK's rules miss: '．' or '｡' with a CJK character right after, and a full stop with
     * a space and a number or a lower-case word after it ("… the First World War . 20 boats were built", text in
     * lower case), which UAX #29 continues (it expects an abbreviation there; ours are filtered by
     * {@link #isAbbreviation}); -1 when none.
     */
    private static int extraEnd(String text, int content) {
        for (int i = content + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\uff0e' || c == '\uff61') {
                int j = i + 1;
                while (j < text.length() && (isTerminal(text.charAt(j)) || isCloser(text.charAt(j)))) {
                    j++;
                }
                return j;
            }
            if (c == '.' || c == '!' || c == '?') {
                int j = i + 1;
                while (j < text.length() && (isTerminal(text.charAt(j)) || isCloser(text.charAt(j)))) {
                    j++;
                }
                int k = j;
                while (k < text.length() && text.charAt(k) == ' ') {
                    k++;
                }
                if (k > j && k < text.length() && (Character.isDigit(text.charAt(k))
                        || Character.isLowerCase(text.charAt(k))) && isEnd(text, j, content)) {
                    return j;
                }
                i = j - 1;
            }
        }
        return -1;
    }

    private static boolean isTerminal(char c) {
        return ".!?。！？．｡…‼⁇⁈⁉".indexOf(c) >= 0;
    }

    private static boolean isCloser(char c) {
        return "\"')]}”’»›」』）】〕〗〙〛］｝〉》".indexOf(c) >= 0;
    }
}
