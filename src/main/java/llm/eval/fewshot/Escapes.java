package llm.eval.fewshot;

import llm.UserException;

/**
 * Backslash escapes in option values, so that a shell user can write {@code --delimiter '\n\n'}:
 * {@code \n} newline, {@code \t} tab, {@code \r} carriage return, {@code \\} backslash. Anything else is an error.
 * One rule for every text-valued flag ({@code sample --prefix/--stop}, {@code fewshot --query/--template/--delimiter/
 * --instruction/--stop/--human-label/--assistant-label}, {@code train --sample-prompt}), as llama.cpp's {@code -p -e}.
 */
public final class Escapes {
    /** What the help of each text flag says (a compile-time constant, for picocli's annotations). */
    public static final String HELP = "\\n \\t \\r \\\\ are escapes (as in every text flag)";

    private Escapes() {}

    /** Decode the escapes of {@code value}, given to option {@code flag} (named in the error message). */
    public static String decode(String flag, String value) {
        if (value == null || value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i + 1 == value.length()) {
                throw UserException.usage(flag + ": a lone backslash at the end; write \\\\ for a backslash");
            }
            char n = value.charAt(++i);
            switch (n) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append('\\');
                default -> throw UserException.usage(flag + ": unknown escape \\" + n + " (known: \\n \\t \\r \\\\)");
            }
        }
        return sb.toString();
    }

    /** The inverse, for showing a value on one line: newline as {@code \n} and so on. */
    public static String encode(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }
}
