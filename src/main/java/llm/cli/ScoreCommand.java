package llm.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.util.List;
import llm.UserException;
import llm.eval.Perplexity;
import llm.eval.StartToken;
import llm.eval.TokenScorer;
import llm.eval.memorize.Document;
import llm.io.Inputs;
import llm.io.Log;
import llm.run.DocumentLoop;
import llm.run.ModelSession;
import llm.run.Placement;
import llm.run.ScoreRecords;
import llm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code llm score}: how well a model predicts a text: perplexity, bits per token, bits per byte. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Perplexity and bits per byte of a model on a text.",
            "Every token of each document is scored by its negative log-likelihood (NLL, in nats) given the tokens "
                    + "before it; a start token (BOS, or <|endoftext|> for GPT-2) goes in front so that the first "
                    + "token is scored too. Documents longer than --ctx are scored with a sliding window: windows of "
                    + "--ctx tokens start every --stride tokens and each scores only the tokens no earlier window "
                    + "scored, so every token after the first window sees at least ctx - stride tokens of context "
                    + "(HuggingFace's 'Perplexity of fixed-length models' guide; stride = ctx is llama.cpp-style "
                    + "disjoint chunks, the cheapest and most pessimistic; smaller strides cost more and score lower).",
            "Reported: tokens scored, perplexity = exp(NLL / tokens), bits per token = NLL / (ln 2 × tokens), and "
                    + "bits per byte = NLL / (ln 2 × UTF-8 bytes of the text), which compares models with different "
                    + "tokenizers. With --split none a file is scored exactly as it is (line ends and surrounding "
                    + "whitespace included); a split document without the blank lines or line ends that cut it, and "
                    + "trimmed. Ill-formed UTF-8 is replaced with U+FFFD for the model, with a warning; bits per "
                    + "byte still divide by the file's own bytes with --split none (a split document counts its "
                    + "text's UTF-8, 3 bytes per U+FFFD)."
        },
        exitCodeList = {ExitCodes.OK_LINE,
            "1:Runtime failure: an input or the model cannot be read, or the input holds no text to score.",
            ExitCodes.USAGE_LINE},
        footer = {
            "  llm score ../shared/data/wikitext-2-raw/wiki.test.raw",
            "  llm score --model stories260K.bin --tokenizer tok512.bin \\",
            "      --ctx 256 --stride 128 --json stories.txt",
            "  echo 'The cat sat.' | llm score --tokens | jq -c '[.text, .logprob]'"
        })
public final class ScoreCommand extends LlmCommand {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    @Mixin
    ModelOptions model;

    @Mixin
    ComputeOptions compute;

    @Mixin
    DocumentOptions documents;

    @Option(names = "--ctx", paramLabel = "N",
            description = "Window length in tokens (at most the model's context). Default: the model's context.")
    Integer ctx;

    @Option(names = "--stride", paramLabel = "N",
            description = "Tokens between window starts, within [1, ctx]. Default: ctx / 2.")
    Integer stride;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Windows per forward pass. Default: 1024 / ctx tokens' worth, at least 1 (larger batches "
                    + "of long windows ran slower on the CPU: their attention scores fall out of cache).")
    Integer batchSize;

    @Option(names = "--json", description = "JSON Lines: one object per document, then {\"summary\": {...}}.")
    boolean json;

    @Option(names = "--tokens",
            description = "Print every scored token as JSON Lines (id of the document, pos, token_id, text, logprob; bytes too for a token "
                    + "that is part of a UTF-8 character): where the model is surprised. The totals then go to "
                    + "stderr.")
    boolean tokens;


    /** What was scored: the sum over the documents, how many were read and how many skipped, and the windows. */
    static final class Totals implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final Perplexity sum = new Perplexity();
        long started = System.nanoTime();
        long docs;
        long skipped;
        int window;
        int stride;

        /** Add the totals of another part of the same run (documents scored elsewhere): sums, counts. */
        void merge(Totals other) {
            sum.add(other.sum);
            docs += other.docs;
            skipped += other.skipped;
        }
    }

    /** The options that can be checked before the model loads (exit 2). */
    void checkOptions() {
        documents.split(); // a bad --split fails before the model loads
        if (batchSize != null && batchSize < 1) {
            throw UserException.usage("--batch-size must be at least 1, not " + batchSize);
        }
        documents.limit(); // (exit 2 below 1)
    }

    @Override
    public Integer call() {
        checkOptions();
        List<String> inputs = documents.inputs();
        PrintWriter out = spec.commandLine().getOut();
        Totals totals = new Totals();
        Placement device = compute.placement();
        try (ModelSession session = ModelSession.open(model.ref(), device)) {
            setWindows(totals, session.config().ctx());
            scoreAll(inputs, session, totals, out);
        }
        return finish(totals, inputs, out);
    }

    /** The totals printed (exit 1 when nothing could be scored). */
    int finish(Totals totals, List<String> inputs, PrintWriter out) {
        if (totals.sum.tokens() == 0) {
            String where = String.join(", ", inputs.stream().map(Inputs::displayName).toList());
            throw UserException.runtime(where + (totals.docs == 0 ? ": no text to score"
                    : ": no token could be scored (" + totals.skipped + " empty or skipped documents)"));
        }
        double secs = (System.nanoTime() - totals.started) / 1e9;
        Log.info("score: %,d tokens in %.1f s (%.0f tokens/s)", totals.sum.tokens(), secs,
                totals.sum.tokens() / secs);
        printTotals(totals, out);
        out.flush();
        return ExitCodes.OK;
    }

    /** --ctx and --stride, checked against the model's context. */
    void setWindows(Totals totals, int modelCtx) {
        int window = ctx == null ? modelCtx : ctx;
        if (window < 2 || window > modelCtx) {
            throw UserException.usage("--ctx must be within [2, " + modelCtx + "] (the model's context), not "
                    + window);
        }
        int step = stride == null ? Math.max(1, window / 2) : stride;
        if (step < 1 || step > window) {
            throw UserException.usage("--stride must be within [1, " + window + "] (--ctx), not " + step);
        }
        totals.window = window;
        totals.stride = step;
    }

    /** The token scorer for these windows, --batch-size windows per forward pass. */
    TokenScorer scorer(ModelSession session, Totals totals) {
        int batch = batchSize != null ? batchSize : Math.max(1, 1024 / totals.window);
        return new TokenScorer(session.logProbs(), totals.window, totals.stride, batch);
    }

    /** Scores every document of every input (up to --limit), printing per document or per token as asked. */
    private void scoreAll(List<String> inputs, ModelSession session, Totals totals, PrintWriter out) {
        Tokenizer tok = session.tokenizer();
        int start = StartToken.of(tok);
        long[] progress = {0, System.nanoTime()}; // tokens of the current document, time of the last report
        TokenScorer scorer = scorer(session, totals).onProgress(n -> {
            progress[0] += n;
            long now = System.nanoTime();
            if (now - progress[1] > 5_000_000_000L) {
                progress[1] = now;
                long done = totals.sum.tokens() + progress[0];
                Log.info("score: %,d tokens, %.0f tokens/s", done, done / ((now - totals.started) / 1e9));
            }
        });
        new DocumentLoop(documents.limit(), false).run(inputs, documents::open, d -> {
            progress[0] = 0;
            scoreOne(d, tok, scorer, start, totals, out);
            out.flush(); // a document's record goes out before the next is read (a pipe may take its time)
        });
    }

    void scoreOne(Document d, Tokenizer tok, TokenScorer scorer, int start, Totals totals, PrintWriter out) {
        totals.docs++;
        if (d.skipReason() != null) {
            Log.warn("%s: skipped: %s", d.id(), d.skipReason());
            totals.skipped++;
            return;
        }
        Perplexity p = scoreDocument(d, tok, scorer, start, out);
        if (p.tokens() == 0) {
            totals.skipped++;
            return;
        }
        totals.sum.add(p);
        if (json && !tokens) {
            out.println(GSON.toJson(ScoreRecords.document(d.id(), p)));
        }
    }

    /** The totals: a JSON line, or the table (on stderr with --tokens, where stdout holds the tokens). */
    private void printTotals(Totals totals, PrintWriter out) {
        Perplexity total = totals.sum;
        long scored = totals.docs - totals.skipped;
        if (json && !tokens) {
            out.println(GSON.toJson(ScoreRecords.summary(total, scored, totals.window, totals.stride)));
            return;
        }
        PrintWriter where = tokens ? spec.commandLine().getErr() : out;
        if (!tokens || Log.level() != Log.Level.QUIET) {
            ScoreRecords.table(where, total, scored, totals.skipped, totals.window, totals.stride);
        }
        where.flush();
    }

    private Perplexity scoreDocument(Document d, Tokenizer tok, TokenScorer scorer, int start, PrintWriter out) {
        int[] x = ScoreRecords.withStart(start, tok.encode(d.text()));
        Perplexity p = new Perplexity();
        if (x.length < 2) {
            return p;
        }
        scorer.score(x, (from, to, lp) -> { // per forward pass: --tokens records stream as they are computed
            for (int j = from; j < to; j++) {
                p.addToken(lp[j - 1]);
                if (tokens) {
                    out.println(GSON.toJson(ScoreRecords.token(d.id(), start >= 0 ? j - 1 : j, x[j],
                            tok.tokenBytes(x[j - 1], x[j]), lp[j - 1])));
                }
            }
            if (tokens) {
                out.flush();
            }
        });
        p.addBytes(d.bytes()); // an unsplit input's own bytes, however many U+FFFD replaced
        return p;
    }
}
