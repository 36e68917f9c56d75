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
        super(message);
        this.exitCode = exitCode;
    }

    public UserException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
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
