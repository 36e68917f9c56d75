package llm.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * GPT-2's byte-to-unicode alphabet: every byte maps to a printable character so that byte-level BPE vocabularies are
 * strings. Printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves, the other 68 bytes
 * to U+0100 onwards, in byte order ({@code ' '} → {@code 'Ġ'}, {@code '\n'} → {@code 'Ċ'}).
 */
public final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character of the alphabet stands for, or -1. */
    public static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Map raw bytes to their alphabet string. */
    public static String encode(byte[] bytes, int from, int to) {
        char[] cs = new char[to - from];
        for (int i = from; i < to; i++) {
            cs[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(cs);
    }

    /** Map an alphabet string back to raw bytes; characters outside the alphabet are kept as their UTF-8. */
    public static byte[] decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int b = byteOf(c);
            if (b >= 0) {
                out.write(b);
            } else {
                int cp = s.codePointAt(i);
                if (Character.charCount(cp) == 2) {
                    i++;
                }
                out.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
