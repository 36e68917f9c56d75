package llm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import llm.UserException;
import llm.eval.StartToken;
import llm.eval.TokenScorer;
import llm.eval.memorize.Auditor;
import llm.eval.memorize.Document;
import llm.eval.memorize.DocumentReader;
import llm.eval.memorize.Summary;
import llm.io.Inputs;
import llm.io.Log;
import llm.model.ModelConfig;
import llm.run.ModelContinuer;
import llm.run.ModelRef;
import llm.run.ModelSession;
import llm.tokenizer.Tokenizer;

/**
 * llm-spark's way into the single-machine commands (same package, so their options stay as they are): a command
 * object parsed from the same flags checks them, computes the records of one part of the documents exactly as the
 * command does for all of them (its own auditor, scorer and printer), and prints the merged summary with its own
 * {@code finish}. The Spark side ({@code llm.spark}) decides what is a part and where it runs.
 */
public final class SparkBridge {
    private SparkBridge() {}

    /** The commands llm-spark runs. */
    public static List<Object> commands() {
        return List.of(new MemorizeCheckCommand(), new ScoreCommand());
    }

    /** What one part of the documents gave: the records as the command prints them, and the part's summary. */
    public record Part(int partition, String text, java.io.Serializable summary) implements java.io.Serializable {}

    // ---- the options, as the command has them ----

    /** The checks the command makes before its model loads (exit 2), and those against the model's shape. */
    public static void check(Object command, ModelConfig config) {
        if (command instanceof MemorizeCheckCommand m) {
            m.checkOptions();
            if (config != null) {
                m.validate(config);
            }
        } else {
            ScoreCommand s = (ScoreCommand) command;
            s.checkOptions();
            if (config != null) {
                s.setWindows(new ScoreCommand.Totals(), config.ctx());
            }
        }
    }

    public static DocumentOptions documents(Object command) {
        return command instanceof MemorizeCheckCommand m ? m.documents : ((ScoreCommand) command).documents;
    }

    public static ModelOptions model(Object command) {
        return command instanceof MemorizeCheckCommand m ? m.model : ((ScoreCommand) command).model;
    }

    public static ComputeOptions compute(Object command) {
        return command instanceof MemorizeCheckCommand m ? m.compute : ((ScoreCommand) command).compute;
    }

    /** {@code --text-field} as given, or null. */
    public static String textField(Object command) {
        return documents(command).textField;
    }

    /** {@code --id-field} as given, or null. */
    public static String idField(Object command) {
        return documents(command).idField;
    }

    /** {@code -q}/{@code -v} as llm applies them. */
    public static void applyLogLevel(picocli.CommandLine.ParseResult parsed) {
        Llm.applyLogLevel(parsed);
    }

    /** A failure said as llm says it (one line, its exit code). */
    public static int handleExecutionException(Exception ex, picocli.CommandLine cmd,
            picocli.CommandLine.ParseResult parsed) {
        return Llm.handleExecutionException(ex, cmd, parsed);
    }

    /** A usage error said as llm says it (exit 2). */
    public static int handleParameterException(picocli.CommandLine.ParameterException ex, String[] args) {
        return Llm.handleParameterException(ex, args);
    }

    /** {@code --limit}, or null. */
    public static Long limit(Object command) {
        return command instanceof MemorizeCheckCommand m ? m.documents.limit() : ((ScoreCommand) command).documents.limit();
    }

    /** The --tokenizer given, or null. */
    public static Path tokenizer(Object command) {
        return model(command).tokenizer;
    }

    /** The seed for --samples (memorize-check; picked and printed when not given), else 0. */
    public static long seed(Object command) {
        if (command instanceof MemorizeCheckCommand m && m.samples > 0) {
            return m.compute.seed();
        }
        Long s = compute(command).seedOrNull();
        return s == null ? 0 : s;
    }

    /** The TSV header line when the command prints TSV, else null. */
    public static String header(Object command) {
        return command instanceof MemorizeCheckCommand m && "tsv".equals(m.format)
                ? llm.eval.memorize.Reports.TSV_HEADER : null;
    }

    /** Make the command print one JSON record per document (for {@code --output DIR}). */
    public static void recordsAsJson(Object command) {
        if (command instanceof MemorizeCheckCommand m) {
            m.format = "jsonl";
        } else {
            ((ScoreCommand) command).json = true;
        }
    }

    /** Whether the command prints per-token lines (score --tokens): then they are its records. */
    public static boolean tokens(Object command) {
        return command instanceof ScoreCommand s && s.tokens;
    }

    // ---- the driver reads the single-machine inputs ----

    /** The documents of the inputs in order, up to {@code --limit}, as the command reads them. */
    public static List<Document> readDocuments(Object command, List<String> inputs) {
        DocumentOptions d = documents(command);
        Long limit = limit(command);
        List<Document> docs = new ArrayList<>();
        for (String name : inputs) {
            long before = docs.size();
            try (DocumentReader reader = d.open(name)) {
                while (reader.hasNext()) {
                    if (limit != null && docs.size() >= limit) {
                        return docs;
                    }
                    docs.add(reader.next());
                }
            } catch (UncheckedIOException e) {
                throw UserException.runtime(e.getMessage(), e);
            } catch (IOException e) {
                throw UserException.runtime(name + ": " + e.getMessage(), e);
            }
            if (docs.size() == before && inputs.size() > 1) {
                Log.warn("%s: no documents", Inputs.displayName(name));
            }
        }
        return docs;
    }

    // ---- one part, on an executor ----

    /** The records and summary of one part of the documents, computed as the command computes them. */
    public static Part run(Object command, ModelSession session, int partition, long seed, Iterator<Document> docs) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        Tokenizer tok = session.tokenizer();
        if (command instanceof MemorizeCheckCommand m) {
            m.validate(session.config());
            Summary summary = new Summary(m.memorizedAt);
            try (ModelContinuer continuer = session.continuer(tok.vocabSize())) {
                // (a window's samples depend on its prompt and the seed alone: a part, a retried task and the
                // single-machine command draw the same ones)
                Auditor auditor = m.auditor(tok, continuer, seed, m.printer(out, false, summary));
                while (docs.hasNext()) {
                    auditor.accept(docs.next());
                }
                auditor.flush();
            }
            out.flush();
            return new Part(partition, text.toString(), summary.finish());
        }
        ScoreCommand s = (ScoreCommand) command;
        ScoreCommand.Totals totals = new ScoreCommand.Totals();
        s.setWindows(totals, session.config().ctx());
        TokenScorer scorer = s.scorer(session, totals);
        int start = StartToken.of(tok);
        while (docs.hasNext()) {
            s.scoreOne(docs.next(), tok, scorer, start, totals, out);
        }
        out.flush();
        return new Part(partition, text.toString(), totals);
    }

    // ---- the driver prints the summary ----

    /** An empty summary of the command's kind, to merge parts into. */
    public static java.io.Serializable emptySummary(Object command) {
        return command instanceof MemorizeCheckCommand m ? new Summary(m.memorizedAt) : new ScoreCommand.Totals();
    }

    /** Merge {@code part} into {@code into} (exact counts; sums of doubles up to their order). */
    public static void merge(java.io.Serializable into, java.io.Serializable part) {
        if (into instanceof Summary s) {
            s.merge((Summary) part);
        } else {
            ScoreCommand.Totals t = (ScoreCommand.Totals) into;
            ScoreCommand.Totals p = (ScoreCommand.Totals) part;
            t.merge(p);
            if (p.window > 0) { // every part has the same windows
                t.window = p.window;
                t.stride = p.stride;
            }
        }
    }

    /** Print the summary as the command does and return its exit code (3: --fail-above crossed). */
    public static int finish(Object command, java.io.Serializable summary, List<String> inputs, long started,
            ModelConfig config, PrintWriter out) {
        if (command instanceof MemorizeCheckCommand m) {
            return m.finish((Summary) summary, inputs, started, out);
        }
        ScoreCommand s = (ScoreCommand) command;
        ScoreCommand.Totals t = (ScoreCommand.Totals) summary;
        t.started = started;
        if (t.window == 0 && config != null) { // no part ran
            s.setWindows(t, config.ctx());
        }
        return s.finish(t, inputs, out);
    }

    /** The model as the command resolves it (--model, the llm.model property, or the bundled default). */
    public static ModelRef modelRef(Object command) {
        return model(command).ref();
    }
}
