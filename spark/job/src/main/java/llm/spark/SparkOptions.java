package llm.spark;

import picocli.CommandLine.Option;

/** The flags llm-spark adds to memorize-check and score: where Spark runs, how the work is cut, where records go. */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N] (N worker threads in this JVM), spark://HOST:PORT, yarn, k8s://URL. "
                    + "Default: the master spark-submit sets, else local[*].")
    String master;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Parts the documents are cut into (tasks). Default: for text and JSON Lines inputs, twice "
                    + "Spark's default parallelism; for Parquet, as Spark splits the files.")
    Integer partitions;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Write the per-document records to DIR (a new directory: one part file per task) instead "
                    + "of stdout; the summary still goes to stderr, or stdout with --json.")
    String output;

    @Option(names = "--output-format", paramLabel = "jsonl|parquet", defaultValue = "jsonl",
            description = "Records in --output DIR: JSON Lines (the --format jsonl records) or Parquet (the same "
                    + "fields as columns). Default: ${DEFAULT-VALUE}.")
    String outputFormat;

    /** Tests: the first attempt of this partition fails after computing its records (Spark retries it). */
    @Option(names = "--inject-failure", paramLabel = "PARTITION", hidden = true)
    Integer injectFailure;
}
