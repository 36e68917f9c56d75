package llm.spark;

import java.io.PrintWriter;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import llm.UserException;
import llm.data.Titles;
import llm.cli.SparkBridge;
import llm.data.wiki.MultistreamDump;
import llm.eval.memorize.Document;
import llm.io.Log;
import llm.model.ModelConfig;
import llm.run.ModelRef;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The driver of one llm-spark run: checks the flags as the command does, reads the documents (the single-machine
 * inputs here, Parquet through Spark), runs {@link PartitionTask} on every partition, and prints the records in
 * input order (or writes them to {@code --output DIR}) and the merged summary through the command's own code.
 */
final class SparkJob {
    private final Object command;
    private final SparkOptions spark;
    private final String master;
    private final String[] args;
    private final PrintWriter out;

    SparkJob(Object command, SparkOptions spark, String master, String[] args, PrintWriter out) {
        this.command = command;
        this.spark = spark;
        this.master = master;
        this.args = args;
        this.out = out;
    }

    int run() {
        SparkBridge.check(command, null);
        if (spark.partitions != null && spark.partitions < 1) {
            throw UserException.usage("--partitions must be at least 1, not " + spark.partitions);
        }
        String format = spark.outputFormat.toLowerCase(Locale.ROOT);
        if (!List.of("jsonl", "parquet").contains(format)) {
            throw UserException.usage("--output-format must be jsonl or parquet, not '" + spark.outputFormat + "'");
        }
        if (spark.output != null && !spark.output.contains("://") && Files.exists(Path.of(spark.output))) {
            throw UserException.usage(spark.output + ": already exists (--output wants a new directory)");
        }
        List<String> inputs = SparkBridge.documents(command).inputs();
        boolean parquet = parquet(inputs);
        ModelRef ref = SparkBridge.modelRef(command);
        ModelConfig config = ref.peekConfig();
        SparkBridge.check(command, config); // against the model's context, before any executor loads it
        long seed = SparkBridge.seed(command);
        // the paths as given: a relative one resolves in each executor's working directory, where spark-submit's
        // --archives and --files unpack (in local mode that is the driver's)
        PartitionTask.Plan plan = new PartitionTask.Plan(List.of(args), ref.path().toString(),
                ref.tokenizer() == null ? null : ref.tokenizer().toString(), seed,
                spark.output != null, spark.injectFailure);

        boolean existed = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        long t0 = System.nanoTime();
        SparkSession session = session();
        Log.info("llm-spark: Spark session (%s) in %.1f s", session.sparkContext().master(), (System.nanoTime() - t0) / 1e9);
        try {
            long started = System.nanoTime();
            JavaRDD<Document> docs = parquet ? readParquet(session, inputs) : readInputs(session, inputs);
            JavaRDD<SparkBridge.Part> parts = docs.mapPartitionsWithIndex(new PartitionTask(plan), true);
            Serializable summary = SparkBridge.emptySummary(command);
            if (spark.output == null) {
                String header = SparkBridge.header(command);
                if (header != null) {
                    out.println(header);
                }
                for (SparkBridge.Part p : parts.collect()) { // in partition order: the input's order
                    out.print(p.text());
                    SparkBridge.merge(summary, p.summary());
                }
            } else {
                parts.persist(StorageLevel.MEMORY_AND_DISK()); // written, then summed: computed once
                write(session, parts, format);
                for (Serializable s : parts.map(SparkBridge.Part::summary).collect()) {
                    SparkBridge.merge(summary, s);
                }
                parts.unpersist(false);
                Log.info("llm-spark: records in %s (%s)", spark.output, format);
            }
            out.flush();
            return SparkBridge.finish(command, summary, inputs, started, config, out);
        } catch (Exception e) { // Spark's SparkException, thrown from Scala code that does not declare it
            if (e instanceof org.apache.spark.SparkException failed) {
                throw TaskFailures.explain(failed);
            }
            throw e;
        } finally {
            if (!existed) {
                session.stop();
            }
        }
    }

    /** The session: spark-submit's configuration, else --master (default local[*]); no web UI unless asked. */
    private SparkSession session() {
        SparkSession.Builder b = SparkSession.builder().appName("llm-spark " + Arrays.toString(args));
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        if (System.getProperty("spark.ui.enabled") == null) {
            b.config("spark.ui.enabled", "false");
        }
        b.config("spark.ui.showConsoleProgress", "false");
        return b.getOrCreate();
    }

    /** Whether the inputs are Parquet (all of them; a mix is a usage error). */
    private static boolean parquet(List<String> inputs) {
        long n = inputs.stream().filter(SparkJob::isParquet).count();
        if (n > 0 && n < inputs.size()) {
            throw UserException.usage("inputs mix Parquet and other files: give them in separate runs");
        }
        return n > 0;
    }

    private static boolean isParquet(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".parquet")
                || (!name.equals("-") && !name.contains("://") && Files.isDirectory(Path.of(name)));
    }

    /**
     * The single-machine inputs: multistream MediaWiki dumps as ranges of bzip2 streams read by the executors
     * ({@link DumpParts}); anything else read here in order and cut into contiguous partitions (order kept).
     */
    private JavaRDD<Document> readInputs(SparkSession session, List<String> inputs) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
        List<MultistreamDump.Range> ranges = DumpParts.plan(inputs, SparkBridge.limit(command),
                SparkBridge.textField(command), spark.partitions, 2 * jsc.defaultParallelism());
        if (ranges != null) {
            return DumpParts.documents(jsc, ranges, SparkBridge.documents(command).titles());
        }
        List<Document> docs = SparkBridge.readDocuments(command, inputs);
        int n = spark.partitions != null ? spark.partitions : 2 * jsc.defaultParallelism();
        return jsc.parallelize(docs, Math.max(1, Math.min(n, docs.size())));
    }

    /** Parquet read by Spark (split by row groups across executors): the text column and an id column. */
    private JavaRDD<Document> readParquet(SparkSession session, List<String> inputs) {
        Dataset<Row> df = session.read().parquet(inputs.toArray(new String[0]));
        List<String> columns = Arrays.asList(df.columns());
        String text = SparkBridge.textField(command) != null ? SparkBridge.textField(command) : "text";
        String where = inputs.size() == 1 ? inputs.get(0) : inputs.size() + " Parquet inputs";
        if (!columns.contains(text)) {
            throw UserException.usage(where + ": no column '" + text + "' (columns: " + String.join(", ", columns)
                    + "; give --text-field)");
        }
        if (!df.schema().apply(text).dataType().equals(DataTypes.StringType)) {
            throw UserException.usage(where + ": column '" + text + "' is not a string");
        }
        String id = SparkBridge.idField(command) != null ? SparkBridge.idField(command) : "id";
        if (!columns.contains(id)) {
            throw UserException.usage(where + ": no column '" + id + "' for document ids (give --id-field)");
        }
        Dataset<Row> rows = df.select(functions.col(id).cast(DataTypes.StringType), functions.col(text));
        Titles titles = SparkBridge.documents(command).titles();
        if (titles != null) { // each row with one of the titles (llm keeps the first of each: ids here are unique)
            java.util.Set<String> wanted = new java.util.HashSet<>(titles.titles());
            rows = rows.filter((org.apache.spark.api.java.function.FilterFunction<Row>) r -> !r.isNullAt(0)
                    && wanted.contains(Titles.normalize(r.getString(0))));
        }
        Long limit = SparkBridge.limit(command);
        if (limit != null) {
            rows = rows.limit((int) Math.min(Integer.MAX_VALUE, limit));
        }
        JavaRDD<Row> rdd = rows.toJavaRDD();
        if (spark.partitions != null) {
            rdd = rdd.repartition(spark.partitions);
        }
        String field = text;
        return rdd.map(r -> r.isNullAt(1) ? Document.skipped(r.isNullAt(0) ? "null" : r.getString(0),
                "no field '" + field + "'") : Document.of(r.isNullAt(0) ? "null" : r.getString(0),
                r.getString(1).strip()));
    }

    /** The records to --output DIR: JSON Lines part files, or Parquet (the JSON records' fields as columns). */
    private void write(SparkSession session, JavaRDD<SparkBridge.Part> parts, String format) {
        JavaRDD<String> lines = parts.flatMap(p -> p.text().lines().iterator());
        Dataset<String> records = session.createDataset(lines.rdd(), Encoders.STRING());
        String dir = spark.output;
        if (format.equals("jsonl")) {
            records.write().text(dir);
        } else {
            session.read().json(records).write().parquet(dir);
        }
    }
}
