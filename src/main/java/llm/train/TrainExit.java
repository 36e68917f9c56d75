package llm.train;

/** Exit codes of {@code llm train} beyond the shared ones. */
public final class TrainExit {
    /** The loss or gradient became NaN/inf; the last good checkpoint is kept. */
    public static final int DIVERGED = 4;
    public static final String DIVERGED_LINE = "4:Training diverged (NaN or infinite loss); the last good checkpoint is kept.";
    /** Interrupted by SIGINT/SIGTERM after writing a checkpoint (the JVM's 128 + signal). */
    public static final String INTERRUPTED_LINE = "130/143:Interrupted by SIGINT/SIGTERM: once training has started, a checkpoint and the release are written"
            + " first (--resume continues); before that, what the run had written to --out is removed.";

    private TrainExit() {}
}
