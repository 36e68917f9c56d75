package llm.fuzz;

import llm.UserException;

/**
 * The contract every fuzz target enforces on a parser of untrusted input: it returns a result, or it throws a
 * {@link UserException} whose message the CLI can print as one line ({@code llm: <message>}). Anything else escapes
 * to Jazzer and is a finding: another exception, an {@link OutOfMemoryError} (an allocation sized from a header's
 * claim instead of the file's real size), a {@link StackOverflowError}, or a hang (libFuzzer's per-input timeout).
 */
final class Contract {
    /** What ends a line on a terminal or in an editor. */
    private static final String LINE_BREAKS = "\n\r\u000B\u000C\u0085\u2028\u2029";

    static {
        llm.io.Log.setLevel(llm.io.Log.Level.QUIET); // the parsers' warnings (invalid UTF-8, ...) are not findings
    }

    private Contract() {}

    /** A parse of one input; checked exceptions escape too (the commands' callers would show a stack trace). */
    interface Parse {
        void run() throws Exception;
    }

    static void holds(Parse parse) throws Exception {
        try {
            parse.run();
        } catch (UserException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank()) {
                throw new AssertionError("a UserException without a message", e);
            }
            if (m.chars().anyMatch(c -> LINE_BREAKS.indexOf(c) >= 0)) {
                throw new AssertionError("a UserException message of more than one line: " + m, e);
            }
        }
    }
}
