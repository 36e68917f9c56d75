package llm.spark;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import llm.UserException;
import llm.cli.SparkBridge;
import llm.engine.Engines;
import llm.io.ClosedPipeException;
import llm.io.Log;
import llm.io.Stdio;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code llm-spark}: llm's memorize-check and score as Spark applications (same flags, outputs and exit codes). */
@Command(name = "llm-spark", mixinStandardHelpOptions = true, version = "llm-spark 0.1.0",
        description = {
            "memorize-check and score over a corpus as an Apache Spark job: the documents are cut into partitions, "
                    + "each executor loads the model once and runs the single-machine command's code on its "
                    + "partitions; records and summary are those of `llm memorize-check` / `llm score`.",
            "Inputs: what llm reads (text with --split, JSON Lines, WikiText, MediaWiki dumps), read by the driver; "
                    + "multistream MediaWiki dumps (.xml.bz2), a range of bzip2 streams per task, read by the "
                    + "executors; or Parquet files or directories (*.parquet) with a text column (--text-field, "
                    + "default text; --id-field, default id), read by Spark across the executors."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  llm-spark --master 'local[2]' memorize-check --split wikitext --format jsonl \\",
            "      ../shared/data/wikitext-2-raw/wiki.test.raw",
            "  llm-spark score --split wikitext --json ../shared/data/wikitext-2-raw/wiki.test.raw",
            "  llm-spark memorize-check --output out/ --output-format parquet wikipedia/*.parquet"
        })
public final class SparkMain implements Runnable {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (also accepted after the command). Default: spark-submit's, else local[*].")
    String master;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed: memorize-check or score");
    }

    /** The command line: llm's own memorize-check and score, each with {@link SparkOptions}. */
    static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new SparkMain());
        for (Object c : SparkBridge.commands()) {
            CommandLine sub = new CommandLine(c);
            sub.addMixin("spark", new SparkOptions());
            cl.addSubcommand(sub);
        }
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** The command object that {@code args} set up (on an executor: the driver's flags again). */
    static Object parse(String[] args) {
        return newCommandLine().parseArgs(args).subcommand().commandSpec().userObject();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parse and run; the exit code (0, 1 runtime, 2 usage, 3 memorize-check's --fail-above). */
    public static int run(String... args) {
        return run(Stdio.textOut(), new PrintWriter(new java.io.OutputStreamWriter(System.err,
                StandardCharsets.UTF_8), true), args);
    }

    /** As {@link #run(String...)}, printing to {@code out} and {@code err} (tests). */
    public static int run(PrintWriter out, PrintWriter err, String... given) {
        String[] args = llm.cli.DocumentOptions.keepTitleFiles(given); // --titles @FILE, as llm takes it
        Engines.configureOffline();
        Log.setLevel(Log.Level.NORMAL);
        CommandLine cl = newCommandLine();
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(SparkBridge::handleParameterException);
        cl.setExecutionStrategy(parsed -> execute(parsed, args));
        int code;
        try {
            code = cl.execute(args);
        } catch (ClosedPipeException | UserException e) {
            code = SparkBridge.handleExecutionException(e, cl, null);
        }
        try {
            out.flush();
        } catch (ClosedPipeException e) {
            // reader gone: fine
        }
        return code;
    }

    private static int execute(CommandLine.ParseResult parsed, String[] args) {
        SparkBridge.applyLogLevel(parsed);
        CommandLine root = parsed.commandSpec().commandLine();
        try {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            CommandLine.ParseResult sub = parsed.subcommand();
            if (sub == null) {
                throw UserException.usage("a command is needed: memorize-check or score (see llm-spark --help)");
            }
            Object command = sub.commandSpec().userObject();
            SparkOptions spark = (SparkOptions) sub.commandSpec().mixins().get("spark").userObject();
            String master = spark.master != null ? spark.master : ((SparkMain) root.getCommand()).master;
            return new SparkJob(command, spark, master, args, sub.commandSpec().commandLine().getOut()).run();
        } catch (Exception e) {
            CommandLine where = parsed.subcommand() != null ? parsed.subcommand().commandSpec().commandLine() : root;
            return SparkBridge.handleExecutionException(e, where, parsed);
        }
    }
}
