package llm.tokenizer;

/**
 * GPT-2's pre-tokenization regex, hand-written for speed and exactness:
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} with Unicode {@code \s}
 * (White_Space), {@code \p{L}} (letters) and {@code \p{N}} (numbers), as HF {@code tokenizers}' ByteLevel
 * pre-tokenizer applies it. Java's {@code \s} is ASCII-only unless asked otherwise, and a scanner is several times
 * faster than {@code java.util.regex} here.
 */
public final class Gpt2PreTokenizer {
    /** Character classes: whitespace, letter, number, other. */
    static final byte WS = 0;
    static final byte L = 1;
    static final byte N = 2;
    static final byte O = 3;

    private static final byte[] ASCII = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII[c] = classify0(c);
        }
    }

    /** Receives pre-tokens as char ranges {@code [start, end)} of the text. */
    public interface Sink {
        void accept(int start, int end);
    }

    private Gpt2PreTokenizer() {}

    static boolean isWhiteSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    private static byte classify0(int c) {
        if (isWhiteSpace(c)) {
            return WS;
        }
        if (Character.isLetter(c)) {
            return L;
        }
        int t = Character.getType(c);
        if (t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER) {
            return N;
        }
        return O;
    }

    static byte classOf(int cp) {
        return cp < 128 ? ASCII[cp] : classify0(cp);
    }

    /**
     * True when the GPT-2 regex puts a pre-token boundary at {@code p} of {@code s} whatever surrounds the
     * characters looked at, and splitting the text there pre-tokenizes both parts as the whole: either
     * <ul>
     *   <li>{@code s[p-1]} is whitespace, {@code s[p]} a space and {@code s[p+1]} not whitespace — the whitespace run
     *       ending at {@code s[p]} gives all but its last char to {@code \s+(?!\S)} and the space joins the next
     *       word; or</li>
     *   <li>{@code s[p-1]} is a lone whitespace char other than a space (a newline between two non-space chars):
     *       {@code \s+} takes it alone.</li>
     * </ul>
     * Wikipedia-style text ({@code "...\n Next line"}) and ordinary prose (both at newlines) cut often.
     */
    public static boolean canCutAt(CharSequence s, int p) {
        if (p < 2 || p >= s.length()) {
            return false;
        }
        char before = s.charAt(p - 1);
        if (!isWhiteSpace(before)) {
            return false;
        }
        char at = s.charAt(p);
        if (at == ' ') {
            return p + 1 < s.length() && !isWhiteSpace(s.charAt(p + 1));
        }
        return before != ' ' && !isWhiteSpace(at) && !isWhiteSpace(s.charAt(p - 2));
    }

    /** Split {@code s[from, to)} into pre-tokens. */
    public static void split(CharSequence s, int from, int to, Sink sink) {
        int i = from;
        while (i < to) {
            int c = Character.codePointAt(s, i);
            int cl = classOf(c);
            int j;
            if (c == '\'' && (j = contraction(s, i, to)) > 0) {
                sink.accept(i, j);
                i = j;
                continue;
            }
            if (cl == WS) {
                // ' ' followed by a letter, number or other: part of the next token (` ?\p{L}+` etc.)
                if (c == ' ' && i + 1 < to) {
                    int c2 = Character.codePointAt(s, i + 1);
                    int cl2 = classOf(c2);
                    if (cl2 != WS) {
                        j = run(s, i + 1, to, cl2);
                        sink.accept(i, j);
                        i = j;
                        continue;
                    }
                }
                // whitespace run: \s+(?!\S) leaves the last char when a non-space follows; \s+ takes a lone one
                int end = run(s, i, to, WS);
                if (end < to && end - i > 1) {
                    // all whitespace chars are in the BMP: the last one is one char
                    end = end - 1;
                }
                sink.accept(i, end);
                i = end;
                continue;
            }
            j = run(s, i, to, cl);
            sink.accept(i, j);
            i = j;
        }
    }

    /** End of the maximal run of class {@code cl} starting at {@code i}. */
    private static int run(CharSequence s, int i, int to, int cl) {
        while (i < to) {
            char ch = s.charAt(i);
            if (ch < 128) {
                if (ASCII[ch] != cl) {
                    return i;
                }
                i++;
            } else {
                int cp = Character.codePointAt(s, i);
                if (classOf(cp) != cl) {
                    return i;
                }
                i += Character.charCount(cp);
            }
        }
        return i;
    }

    /** End of {@code 's|'t|'re|'ve|'m|'ll|'d} at {@code i}, or -1. */
    private static int contraction(CharSequence s, int i, int to) {
        if (i + 1 >= to) {
            return -1;
        }
        char a = s.charAt(i + 1);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') {
            return i + 2;
        }
        if (i + 2 < to) {
            char b = s.charAt(i + 2);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return i + 3;
            }
        }
        return -1;
    }
}
