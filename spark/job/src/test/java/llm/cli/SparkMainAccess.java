package llm.cli;

/** Test access to llm.spark's package-private counters. */
final class SparkMainAccess {
    private SparkMainAccess() {}

    static int loads() {
        return llm.spark.SessionsProbe.loads();
    }
}
