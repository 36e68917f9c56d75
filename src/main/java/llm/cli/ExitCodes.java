package llm.cli;

/** Exit codes shared by every command; commands with their own codes list them in their {@code exitCodeList}. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int RUNTIME = llm.UserException.RUNTIME;
    public static final int USAGE = llm.UserException.USAGE;
    /** memorize-check: the measured regurgitation exceeds {@code --fail-above}. */
    public static final int THRESHOLD = 3;

    public static final String OK_LINE = "0:Success (also when stdout is closed early, e.g. by `head`).";
    public static final String RUNTIME_LINE = "1:Runtime failure: a file cannot be read, a model fails to load, ...";
    public static final String USAGE_LINE = "2:Usage error: an unknown flag, a value out of range, no GPU for --device gpu.";
    /** {@link #USAGE_LINE} for commands without {@code --device}. */
    public static final String USAGE_LINE_NO_DEVICE = "2:Usage error: an unknown flag, a value out of range.";

    private ExitCodes() {}
}
