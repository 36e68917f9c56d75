package llm.cli;

import java.io.IOException;
import java.nio.file.Path;

/** Test access to SparkJobTest's helpers from llm.spark's tests. */
public final class SparkJobTestAccess {
    private SparkJobTestAccess() {}

    public static Path multistream() throws IOException {
        return SparkJobTest.multistream();
    }
}
