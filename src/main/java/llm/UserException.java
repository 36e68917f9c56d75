package llm;

/**
 * An expected failure that a user can fix: bad input, a missing file, a flag out of range.
 * The CLI prints {@code llm: <message>} on one line and exits with {@link #exitCode()}; no stack trace.
 */
public class UserException extends RuntimeException {
    /** Exit code of a runtime failure (a file that cannot be read, a model that fails to load). */
    public static final int RUNTIME = 1;
    /** Exit code of a usage error (a flag out of range, an unknown device). */
    public static final int USAGE = 2;

    private final int exitCode;

    public UserException(int exitCode, String message) {
        super(oneLine(message));
        this.exitCode = exitCode;
    }

    public UserException(int exitCode, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.exitCode = exitCode;
    }

    /**
     * The message as one line: messages quote what the user gave (a flag value, a file's line, a tensor name), which
     * may hold line breaks; each becomes a visible escape (backslash n, backslash r, or backslash u and four hex
     * digits for the Unicode line separators), so the error stays the one line {@code llm: <message>} on stderr
     * (found by fuzzing, issue 22).
     */
    static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            String esc = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\u000B', '\u000C', '\u0085', '\u2028', '\u2029' -> String.format("\\u%04x", (int) c);
                default -> null;
            };
            if (esc != null && b == null) {
                b = new StringBuilder(message.length() + 8).append(message, 0, i);
            }
            if (esc != null) {
                b.append(esc);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? message : b.toString();
    }

    /** A usage error (exit 2): the message names the flag or argument and what is wrong with it. */
    public static UserException usage(String message) {
        return new UserException(USAGE, message);
    }

    /** A runtime failure (exit 1): the message names the file or resource and what went wrong. */
    public static UserException runtime(String message) {
        return new UserException(RUNTIME, message);
    }

    public static UserException runtime(String message, Throwable cause) {
        return new UserException(RUNTIME, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
