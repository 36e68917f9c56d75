package llm.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import llm.UserException;
import llm.compute.Quantity;
import llm.eval.StartToken;
import llm.eval.memorize.Auditor;
import llm.eval.memorize.Reports;
import llm.eval.memorize.Result;
import llm.eval.memorize.Summary;
import llm.generate.Sampler;
import llm.generate.SamplingParams;
import llm.io.Color;
import llm.io.Inputs;
import llm.io.Log;
import llm.model.ModelConfig;
import llm.run.DocumentLoop;
import llm.run.ModelContinuer;
import llm.run.ModelSession;
import llm.run.Placement;
import llm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code llm memorize-check}: which of these texts does the model recite, how far, and where does it stray. */
@Command(name = "memorize-check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Audit a model for regurgitation: does it recite a text from its first tokens?",
            "For each document the model gets a prefix (the first P tokens, or the first sentence) and continues it "
                    + "greedily for S tokens; the continuation is compared with the S tokens that really follow "
                    + "(the target). Documents come from files or stdin: plain text (one document per file, or cut "
                    + "with --split), WikiText articles (--split wikitext), or JSON Lines (--text-field).",
            "Measures, per document (and window):",
            "exact: the whole target reproduced: the text is extractable with P tokens of context "
                    + "(Carlini et al. 2022, Quantifying Memorization Across Neural Language Models).",
            "score: the fraction of the S positions where the generated token equals the target's "
                    + "(Biderman et al. 2023, Pythia's memorization score).",
            "match_tokens: leading tokens reproduced before the continuation first strays; match_chars the same "
                    + "in characters of the decoded texts; strayed: the text it strayed to.",
            "extraction_rate: with --samples N, the fraction of N sampled continuations (at --temperature, "
                    + "--top-k, --top-p) that reproduce the target, an estimate of p in (n, p)-discoverable "
                    + "extraction (Hayes et al. 2024, Measuring memorization in language models via probabilistic "
                    + "extraction).",
            "A document counts as memorized when some window scores at least --memorized-at (default 1: exact). "
                    + "Documents too short for P + S tokens, and JSON lines without the text field, are reported as "
                    + "skipped with the reason, not as errors.",
            "Output: a readable report (the continuation aligned against the text, the divergence marked with ¦), "
                    + "or --format jsonl / tsv, one record per document and window; the summary (documents, fraction "
                    + "exact, mean score, score histogram) goes to stderr, or with --json to stdout as a final JSON "
                    + "object after the records as JSON Lines. Windows are decoded in batches of --batch-size, one forward pass per generated token "
                    + "(KV cache), streamed in input order in bounded memory."
        },
        exitCodeList = {ExitCodes.OK_LINE,
            "1:Runtime failure: an input or the model cannot be read, a line is not JSON, or no document could be "
                    + "tested (empty input, all skipped).",
            ExitCodes.USAGE_LINE,
            "3:The fraction of memorized documents exceeds --fail-above."},
        footer = {
            "  llm memorize-check --split wikitext --prefix-sentence \\",
            "      ../shared/data/wikitext-2-raw/wiki.test.raw",
            "  llm memorize-check --model stories260K.bin --tokenizer tok512.bin \\",
            "      --split blank-line --format jsonl stories.txt | jq .score",
            "  llm memorize-check --text-field text --id-field url --fail-above 0.01 \\",
            "      --json corpus.jsonl.gz"
        })
public final class MemorizeCheckCommand extends LlmCommand {
    @Mixin
    ModelOptions model;

    @Mixin
    ComputeOptions compute;

    @Mixin
    DocumentOptions documents;

    @Option(names = "--prefix-tokens", paramLabel = "P", defaultValue = "32",
            description = "Prefix length in tokens. Default: ${DEFAULT-VALUE}.")
    int prefixTokens;

    @Option(names = "--prefix-sentence",
            description = "Use the document's first sentence as the prefix instead (the lecture's experiment).")
    boolean prefixSentence;

    @Option(names = "--suffix-tokens", paramLabel = "S", defaultValue = "32",
            description = "Target length: tokens generated and compared. Default: ${DEFAULT-VALUE}.")
    int suffixTokens;

    @Option(names = "--windows", paramLabel = "K", defaultValue = "1",
            description = "Test K windows per document at evenly spaced offsets (the first at the start, the last "
                    + "ending at the document's end). Default: ${DEFAULT-VALUE}.")
    int windows;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "0",
            description = "Also draw N sampled continuations per window and report the fraction that reproduce the "
                    + "target (extraction_rate). --temperature, --top-k, --top-p, --min-p and --repetition-penalty "
                    + "apply to these only, and need --samples. A window's samples depend on --seed and its "
                    + "prompt only (not on --batch-size or the other documents). Default: ${DEFAULT-VALUE}.")
    int samples;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--format", paramLabel = "report|jsonl|tsv", defaultValue = "report",
            description = "Records on stdout: a readable report, JSON Lines, or TSV with a header. "
                    + "Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--json", description = "JSON on stdout only: the records as JSON Lines (--format jsonl, the"
            + " default with --json) and the summary as a final JSON object (not on stderr).")
    boolean json;

    @Option(names = "--memorized-at", paramLabel = "SCORE", defaultValue = "1.0",
            description = "A document is memorized when a window's score reaches SCORE (1 = exact). "
                    + "Default: ${DEFAULT-VALUE}.")
    double memorizedAt;

    @Option(names = "--fail-above", paramLabel = "FRACTION",
            description = "Exit with status 3 when the fraction of memorized documents (among those tested) exceeds "
                    + "FRACTION, e.g. to gate a model release.")
    Double failAbove;

    // 128, not 32: on the CPU a batch of 128 checks 1.2x (GPT-2 small) to 1.8x (the default model) the documents a
    // second of a batch of 32 (bench/RESULTS.md, issue 20); the cost is memory and the wait for the first record
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
            description = "Windows decoded together, one forward pass per generated token for all of them; larger "
                    + "batches use the hardware better, at the cost of memory and of the wait for the first record. "
                    + "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    /** The options alone; with {@code config} (once the model is read) also against its context. */
    void validate(ModelConfig config) {
        if (!prefixSentence && prefixTokens < 1) {
            throw UserException.usage("--prefix-tokens must be at least 1, not " + prefixTokens);
        }
        if (suffixTokens < 1) {
            throw UserException.usage("--suffix-tokens must be at least 1, not " + suffixTokens);
        }
        if (windows < 1) {
            throw UserException.usage("--windows must be at least 1, not " + windows);
        }
        if (prefixSentence && windows > 1) {
            throw UserException.usage("--prefix-sentence tests the start of each document: it cannot be combined "
                    + "with --windows " + windows);
        }
        if (samples < 0) {
            throw UserException.usage("--samples must not be negative, not " + samples);
        }
        if (batchSize < 1) {
            throw UserException.usage("--batch-size must be at least 1, not " + batchSize);
        }
        if (!(memorizedAt > 0 && memorizedAt <= 1)) {
            throw UserException.usage("--memorized-at must be within (0, 1], not " + memorizedAt);
        }
        if (failAbove != null && !(failAbove >= 0 && failAbove <= 1)) {
            throw UserException.usage("--fail-above must be within [0, 1], not " + failAbove);
        }
        documents.limit(); // (exit 2 below 1)
        if (config != null && !prefixSentence && prefixTokens + suffixTokens > config.ctx()) {
            throw UserException.usage("--prefix-tokens " + prefixTokens + " + --suffix-tokens " + suffixTokens
                    + " exceed the model's context of " + config.ctx() + " tokens");
        }
    }

    /** The options that can be checked before the model loads (exit 2), as {@link #call} checks them. */
    void checkOptions() {
        documents.split(); // a bad --split fails before the model loads
        if (!List.of("report", "jsonl", "tsv").contains(format)) {
            throw UserException.usage("--format must be one of report, jsonl, tsv, not '" + format + "'");
        }
        if (json) { // stdout stays machine-readable: JSON Lines records, then the summary object
            boolean formatGiven = spec.commandLine().getParseResult() != null
                    && spec.commandLine().getParseResult().hasMatchedOption("--format");
            if (formatGiven && !format.equals("jsonl")) {
                throw UserException.usage("--json keeps stdout JSON: it takes --format jsonl (its default), not "
                        + format + " (leave out --json for the " + format + " with the summary on stderr)");
            }
            format = "jsonl";
        }
        validate(null);
        String sampleFlag = SamplingOptions.given(spec);
        if (samples == 0 && sampleFlag != null) { // else ignored: the continuations are greedy
            throw UserException.usage(sampleFlag + " needs --samples N: it sets how the N sampled continuations are "
                    + "drawn; without --samples the continuations are greedy");
        }
        if (samples > 0) {
            sampling.params(); // a bad sampling value fails before the model loads
        }
    }

    /** The auditor of one run (or one part of a run) with these options: results go to {@code sink}. */
    Auditor auditor(Tokenizer tok, ModelContinuer continuer, long seed, Consumer<Result> sink) {
        SamplingParams sampleParams = samples > 0 ? sampling.params() : null;
        return new Auditor(tok, continuer,
                new Auditor.Options(prefixTokens, prefixSentence, suffixTokens, windows, batchSize, samples,
                        StartToken.of(tok)),
                samplers(sampleParams, seed), sink);
    }

    @Override
    public Integer call() {
        checkOptions();
        Long seedGiven = compute.seedOrNull();
        long seed = samples > 0 ? compute.seed() : (seedGiven == null ? 0 : seedGiven);
        List<String> inputs = documents.inputs();
        PrintWriter out = spec.commandLine().getOut();
        boolean color = "report".equals(format) && Color.onStdout();
        Summary summary = new Summary(memorizedAt);
        long started;
        int threads = compute.threadCount(); // (a bad --threads is reported before a bad --device)
        Placement device = Placement.resolve(compute.deviceSpec(), threads);
        try (ModelSession session = ModelSession.open(model.ref(), device)) {
            Tokenizer tok = session.tokenizer();
            validate(session.config());
            started = System.nanoTime(); // throughput excludes engine start and model load
            if ("tsv".equals(format)) {
                out.println(Reports.TSV_HEADER);
            }
            try (ModelContinuer continuer = session.continuer(tok.vocabSize())) {
                Auditor auditor = auditor(tok, continuer, seed, printer(out, color, summary));
                new DocumentLoop(documents.limit(), true).run(inputs, documents::open, auditor::accept);
                auditor.flush();
            }
        }
        return finish(summary, inputs, started, out);
    }

    /** The summary (JSON line on stdout, or text on stderr) and the exit code: a threshold crossed is 3. */
    int finish(Summary summary, List<String> inputs, long started, PrintWriter out) {
        summary.finish();
        out.flush();
        if (summary.documents() == 0) { // one line, no empty summary around it
            throw UserException.runtime((inputs.size() == 1 ? displayName(inputs.get(0)) + ": " : "")
                    + "no documents in the input");
        }
        double secs = (System.nanoTime() - started) / 1e9;
        Log.info("memorize-check: %s, %s in %.1f s (%.2f documents/s)",
                Quantity.plural(summary.documents(), "document"), Quantity.plural(summary.windows(), "window"), secs,
                summary.documents() / Math.max(secs, 1e-9));
        if (json) {
            JsonObject o = new JsonObject();
            o.add("summary", summary.toJson());
            out.println(Reports.jsonLine(o));
            out.flush();
        } else if (Log.level() != Log.Level.QUIET) {
            spec.commandLine().getErr().print(Reports.summaryText(summary));
            spec.commandLine().getErr().flush();
        }
        if (summary.tested() == 0) {
            throw UserException.runtime("no document could be tested (" + summary.skipped() + " skipped)");
        }
        if (failAbove != null && summary.fractionMemorized() > failAbove) {
            spec.commandLine().getErr().printf(Locale.ROOT, "llm: %d of %d documents memorized (%.4f) exceeds "
                    + "--fail-above %s%n", summary.memorized(), summary.tested(), summary.fractionMemorized(),
                    failAbove);
            spec.commandLine().getErr().flush();
            return ExitCodes.THRESHOLD;
        }
        return ExitCodes.OK;
    }

    /**
     * For --samples: each row of a batch gets a sampler seeded by the run's seed and the row's {@link
     * Auditor#sampleKey} (its window's prompt and sample index), so a window's samples do not depend on the batches,
     * on the documents before it, or on the Spark part it is in.
     */
    private static Auditor.SamplePickers samplers(SamplingParams params, long seed) {
        return keys -> {
            Sampler[] s = new Sampler[keys.length];
            for (int i = 0; i < keys.length; i++) {
                s[i] = new Sampler(params, seed ^ keys[i]);
            }
            return (row, logits) -> s[row].sample(logits, null, 0);
        };
    }

    /** Prints each result in --format and counts it in the summary. */
    Consumer<Result> printer(PrintWriter out, boolean color, Summary summary) {
        Progress progress = new Progress();
        return r -> {
            summary.add(r);
            switch (format) {
                case "jsonl" -> out.println(Reports.jsonLine(r));
                case "tsv" -> out.println(Reports.tsv(r));
                default -> out.print(Reports.report(r, color));
            }
            progress.update(summary, out);
        };
    }

    private static String displayName(String input) {
        return Inputs.displayName(input);
    }

    /** A line on stderr every few seconds for long runs. */
    private static final class Progress {
        private final long start = System.nanoTime();
        private long last = start;

        void update(Summary s, PrintWriter out) {
            long now = System.nanoTime();
            if (now - last > 5_000_000_000L) {
                last = now;
                out.flush();
                double secs = (now - start) / 1e9;
                Log.info("memorize-check: %s, %s, %.2f documents/s", Quantity.plural(s.documents(), "document"),
                        Quantity.plural(s.windows(), "window"), s.documents() / secs);
            }
        }
    }
}
