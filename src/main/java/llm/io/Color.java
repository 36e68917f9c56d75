package llm.io;

import java.util.Map;

/**
 * The one rule for escape codes (README, "Colour and terminals"):
 * <ul>
 *   <li>colour (memorize-check's report) only when the stream is a terminal, {@code TERM} is set and not
 *       {@code dumb}, and {@code NO_COLOR} is absent or empty (no-color.org: "when present and not an empty
 *       string");</li>
 *   <li>cursor control (train's progress bar, which redraws its line) only on a terminal whose {@code TERM} is set
 *       and not {@code dumb}; {@code NO_COLOR} does not turn it off, as it is not colour.</li>
 * </ul>
 * A {@code dumb} terminal (Emacs shells, some CI logs) gets no escape code at all.
 */
public final class Color {
    private Color() {}

    /** Whether colour may be written to a stream that is ({@code terminal}) or is not a terminal, under {@code env}. */
    public static boolean allowed(boolean terminal, Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return controls(terminal, env) && (noColor == null || noColor.isEmpty());
    }

    /** Whether cursor control (carriage-return redraws, erase-line) may be written there. */
    public static boolean controls(boolean terminal, Map<String, String> env) {
        String term = env.get("TERM");
        return terminal && term != null && !term.isEmpty() && !term.equals("dumb");
    }

    /** {@link #allowed} for standard output in this process's environment. */
    public static boolean onStdout() {
        return allowed(Stdio.stdoutIsTerminal(), System.getenv());
    }

    /** {@link #controls} for standard error (a terminal as far as Java tells: stdin and stdout are one). */
    public static boolean controlsOnStderr() {
        return controls(System.console() != null, System.getenv());
    }
}
