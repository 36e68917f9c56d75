package llm.io;

import java.io.InputStream;

/**
 * The parallel bzip2 decoder with bounds of a test's choosing, for the fuzz target in another package (the
 * constructor that takes them is package-private): small bounds let tiny inputs reach the paths that real files reach
 * at megabytes (a piece cut at its size limit, an output too big to hold).
 */
public final class ParallelBzip2Bounds {
    private ParallelBzip2Bounds() {}

    /** {@code inFlight} pieces decoded ahead, {@code maxPiece} compressed and {@code maxOutput} output bytes each. */
    public static InputStream open(InputStream compressed, int inFlight, int maxPiece, int maxOutput) {
        return new ParallelBzip2InputStream(compressed, inFlight, maxPiece, maxOutput);
    }
}
