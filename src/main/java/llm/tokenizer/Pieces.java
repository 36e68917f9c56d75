package llm.tokenizer;

/** Readable renderings of token bytes for {@code --pieces} and {@code --json}. */
public final class Pieces {
    private Pieces() {}

    /**
     * The bytes as text. Valid UTF-8 characters are kept; bytes of a partial or invalid sequence are shown as
     * {@code \xNN}. With {@code escapeControls}, control characters become {@code \n}, {@code \t}, {@code \r} or
     * {@code \xNN} and a backslash becomes {@code \\}, so the result is one printable line.
     */
    public static String display(byte[] b, boolean escapeControls) {
        StringBuilder sb = new StringBuilder(b.length + 4);
        int i = 0;
        while (i < b.length) {
            int x = b[i] & 0xFF;
            int n = x < 0x80 ? 1 : x >= 0xC2 && x <= 0xDF ? 2 : x >= 0xE0 && x <= 0xEF ? 3 : x >= 0xF0 && x <= 0xF4 ? 4 : 0;
            if (n == 1) {
                char c = (char) x;
                if (escapeControls && (c < 0x20 || c == 0x7F || c == '\\')) {
                    sb.append(switch (c) {
                        case '\n' -> "\\n";
                        case '\t' -> "\\t";
                        case '\r' -> "\\r";
                        case '\\' -> "\\\\";
                        default -> String.format("\\x%02X", x);
                    });
                } else {
                    sb.append(c);
                }
                i++;
                continue;
            }
            if (n > 1 && i + n <= b.length && validSequence(b, i, n)) {
                String s = new String(b, i, n, java.nio.charset.StandardCharsets.UTF_8);
                int cp = s.codePointAt(0);
                if (escapeControls && Character.getType(cp) == Character.CONTROL) {
                    sb.append(String.format("\\u%04X", cp));
                } else {
                    sb.append(s);
                }
                i += n;
                continue;
            }
            sb.append(String.format("\\x%02X", x));
            i++;
        }
        return sb.toString();
    }

    private static boolean validSequence(byte[] b, int i, int n) {
        int x = b[i] & 0xFF;
        int lo = 0x80;
        int hi = 0xBF;
        if (x == 0xE0) {
            lo = 0xA0;
        } else if (x == 0xED) {
            hi = 0x9F;
        } else if (x == 0xF0) {
            lo = 0x90;
        } else if (x == 0xF4) {
            hi = 0x8F;
        }
        int y = b[i + 1] & 0xFF;
        if (y < lo || y > hi) {
            return false;
        }
        for (int k = 2; k < n; k++) {
            int z = b[i + k] & 0xFF;
            if (z < 0x80 || z > 0xBF) {
                return false;
            }
        }
        return true;
    }
}
