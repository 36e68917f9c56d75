package llm.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import llm.UserException;
import llm.eval.fewshot.Escapes;
import llm.generate.Generator;
import llm.generate.Prompt;
import llm.generate.Sampler;
import llm.generate.SamplingParams;
import llm.generate.Stepper;
import llm.io.Inputs;
import llm.io.Log;
import llm.io.Stdio;
import llm.model.Decoder;
import llm.model.ModelConfig;
import llm.run.ModelRef;
import llm.run.ModelSession;
import llm.run.SamplePrefix;
import llm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llm sample}: continue a prefix with a base model. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a prefix with a base model, token by token: stochastically (default) or greedily "
                + "(--temperature 0).",
            "",
            "The prefix comes from --prefix, or from FILES ('-' = stdin), concatenated; without either the model "
                + "starts from its beginning-of-text token (stdin is read only when '-' says so: echo text | llm "
                + "sample --prefix -). Output streams to stdout as the tokens come, UTF-8 safe. "
                + "Generation ends at the model's end-of-text token (GPT-2 <|endoftext|>; a llama2.c model when it "
                + "emits BOS), at --max-tokens, or at a --stop string. With --num-samples N the samples are "
                + "separated by a line '---' (i.e. the bytes \\n---\\n), or printed as one JSON object each with --json.",
            "",
            "llama2.c compatibility: with a llama2.c checkpoint the text printed is what run.c prints (no BOS, the "
                + "first piece's leading space dropped, unprintable single bytes skipped). -n counts generated tokens: "
                + "run.c's '-n 200' without a prompt is '-n 200' here; with a prompt of P ids (BOS included) it is "
                + "'-n (200 - P + 1)' plus --echo."},
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE})
public final class SampleCommand implements Callable<Integer> {
    /** Output to a pipe or file is flushed at most this often (a terminal gets every token at once). */
    private static final long FLUSH_NANOS = 50_000_000L;

    static final byte[] SEPARATOR = "\n---\n".getBytes(StandardCharsets.UTF_8);

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--prefix", paramLabel = "TEXT", description = "The text to continue ('-' = read it from stdin,"
            + " as FILES '-' does); " + Escapes.HELP + ": --prefix 'Human: hi\\nAssistant:'.")
    String prefix;

    @Parameters(paramLabel = "FILES", arity = "0..*",
            description = "Read the prefix from these files ('-' = stdin; .gz/.bz2/.xz/.zst decompressed).")
    List<String> files = new ArrayList<>();

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "128",
            description = "Tokens to generate at most. Default: ${DEFAULT-VALUE}.")
    int maxTokens = 128;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--num-samples", paramLabel = "N", defaultValue = "1",
            description = "Continuations of the same prefix. Default: ${DEFAULT-VALUE}.")
    int numSamples = 1;

    @Option(names = "--stop", paramLabel = "STR",
            description = "End when this text appears (repeatable; matched across token boundaries; not printed)."
                    + " " + Escapes.HELP + ": --stop '\\n' keeps one line.")
    List<String> stops = new ArrayList<>();

    @Option(names = "--slide", description = "When the model's context is full, keep the last half of it and go on "
            + "(as llama.cpp shifts its context; the KV cache is recomputed from those tokens), so -n may exceed the "
            + "context. Default: stop at the context (finish_reason context).")
    boolean slide;

    @Option(names = "--echo", description = "Print the prefix before the continuation.")
    boolean echo;

    @Option(names = "--json", description = "One JSON object per sample (JSON Lines): prefix, text, tokens, "
            + "finish_reason (eos|length|stop|context), seed; with --logprobs the per-token logprobs. text and tokens "
            + "both leave out a --stop text and the token it begins in (text keeps that token's characters before "
            + "the stop); neither holds the end-of-text token.")
    boolean json;

    @Option(names = "--logprobs", paramLabel = "K",
            description = "With --json: per generated token its token_id, text, logprob, and the K most likely "
                    + "alternatives (log-softmax of the model's raw logits); a token that is part of a UTF-8 "
                    + "character also gets its bytes (0-255), as its text can only show U+FFFD.")
    Integer logprobs;

    @Mixin
    ComputeOptions compute;

    @Mixin
    LogOptions log;

    @Override
    public Integer call() throws IOException {
        if (maxTokens < 0) {
            throw UserException.usage("--max-tokens must be >= 0, not " + maxTokens);
        }
        if (numSamples < 1) {
            throw UserException.usage("--num-samples must be at least 1, not " + numSamples);
        }
        if (logprobs != null && (logprobs < 0 || logprobs > 100)) {
            throw UserException.usage("--logprobs must be within [0, 100], not " + logprobs);
        }
        if (logprobs != null && !json) {
            throw UserException.usage("--logprobs needs --json");
        }
        if (prefix != null && !files.isEmpty()) {
            throw UserException.usage("give the prefix either with --prefix or as FILES, not both");
        }
        if (Inputs.STDIN.equals(prefix)) { // '-' is stdin, as everywhere
            files = List.of(Inputs.STDIN);
            prefix = null;
        } else if (prefix == null && files.isEmpty() && Inputs.stdinHasWaitingData()) {
            // not read unasked: a script whose stdin is an open pipe (ssh, some CI runners) would hang
            Log.warn("stdin is not read without '-': give --prefix - (or FILES -) to continue it; sampling from the"
                    + " start token");
        }
        SamplingParams params = sampling.params();
        List<String> stopTexts = stopTexts();
        String text = prefix != null ? Escapes.decode("--prefix", prefix) : SamplePrefix.read(files);
        if (prefix == null && !files.isEmpty() && text.isEmpty()) { // an empty pipe is likely a mistake upstream
            Log.warn("%s empty; sampling from the start token", files.equals(List.of("-")) ? "stdin was"
                    : files.size() == 1 ? files.get(0) + " is" : "the prefix files are");
        }
        ModelRef ref = modelOptions.ref();
        try (ModelSession session = ModelSession.openForDecoding(ref, compute.deviceSpec(), compute.threadCount())) {
            long seed = params.greedy() && compute.seedOrNull() == null ? 0 : compute.seed();
            Log.debug("model: %s, %,d parameters, loaded in %.2f s%s", session.config(), session.parameterCount(),
                    session.loadSeconds(), session.engineFree() ? " (CPU only: Java decoder, engine not started)" : "");
            generate(session, new Sampler(params, seed), seed, text, stopTexts);
        }
        return ExitCodes.OK;
    }

    /** --num-samples continuations of {@code text}, streamed to stdout (or one JSON object each). */
    private void generate(ModelSession session, Sampler sampler, long seed, String text, List<String> stopTexts)
            throws IOException {
        Tokenizer tok = session.tokenizer();
        ModelConfig config = session.config();
        boolean llama2c = session.ref().llama2c();
        Prompt prompt = Prompt.of(tok, text, config.arch().startsWithBos(), config.ctx(), maxTokens);
        UnaryOperator<byte[]> filter = llama2c ? Generator.LLAMA2C_SAFE_PRINT : UnaryOperator.identity();
        Generator.Options opts = generatorOptions(tok, llama2c, filter, stopTexts);
        // buffered: a write per token costs a system call; on a terminal each token is flushed as it comes
        OutputStream out = new BufferedOutputStream(Stdio.stdout(), 1 << 16);
        boolean tty = System.console() != null;
        int capacity = Math.min(config.ctx(), prompt.ids().length + Math.max(maxTokens, 1));
        try (Decoder decoder = session.decoder(capacity)) {
            Log.debug("decoder: %s", decoder.impl());
            Stepper stepper = ModelSession.stepper(decoder);
            long totalTokens = 0;
            int contextStops = 0;
            // (the CPU-time reading only with -v: its first call starts JMX, ~20-30 ms; before the clock starts)
            long cpu0 = Log.verbose() ? processCpuNanos() : 0;
            long g0 = System.nanoTime();
            Consumer<byte[]> chunks = chunkWriter(out, tty, g0);
            for (int s = 0; s < numSamples; s++) {
                if (!json && s > 0) {
                    out.write(SEPARATOR);
                }
                byte[] echoed = echo ? prompt.echo(tok, filter) : new byte[0];
                if (!json && echoed.length > 0) {
                    out.write(echoed);
                    if (tty) {
                        out.flush();
                    }
                }
                Generator.Result r = Generator.run(stepper, tok, sampler, prompt.ids(), opts,
                        json ? chunk -> {} : chunks);
                totalTokens += r.tokens().length;
                if (r.finish() == Generator.Finish.CONTEXT && contextStops++ == 0) { // once, not per sample
                    Log.info("sample %d: stopped at the model's context of %d positions%s; --slide goes on", s + 1,
                            config.ctx(), numSamples > s + 1 ? " (later samples that do are not reported)" : "");
                }
                if (json) {
                    out.flush();
                    spec.commandLine().getOut().println(GSON.toJson(SamplePrefix.json(s, seed, text, echoed, r, tok, prompt)));
                    spec.commandLine().getOut().flush();
                }
            }
            double secs = (System.nanoTime() - g0) / 1e9;
            double cpu = Log.verbose() ? (processCpuNanos() - cpu0) / 1e9 : 0;
            Log.debug("%d tokens in %.3f s (%.1f tokens/s, prefill included; process CPU %.3f s, %.1f tokens"
                    + " per CPU-second)", totalTokens, secs, totalTokens / Math.max(secs, 1e-9), cpu,
                    totalTokens / Math.max(cpu, 1e-9));
        }
        if (!json && tty) {
            out.write('\n');
        }
        out.flush();
    }

    /** When to end and what to print: llama2.c models end at BOS and print what run.c prints. */
    private Generator.Options generatorOptions(Tokenizer tok, boolean llama2c, UnaryOperator<byte[]> filter,
            List<String> stopTexts) {
        Set<Integer> endIds = new HashSet<>();
        if (llama2c) {
            endIds.add(1); // run.c stops when the model emits BOS
        } else {
            tok.eos().ifPresent(endIds::add);
        }
        return new Generator.Options(maxTokens, endIds, stopTexts, logprobs == null ? -1 : logprobs, filter, llama2c,
                slide);
    }

    /** Writes generated text as it comes: every chunk on a terminal, at most 20 flushes a second to a pipe. */
    private static Consumer<byte[]> chunkWriter(OutputStream out, boolean tty, long start) {
        long[] lastFlush = {start};
        return chunk -> {
            try {
                out.write(chunk);
                long now = System.nanoTime();
                if (tty || now - lastFlush[0] > FLUSH_NANOS) { // a pipe: at most 20 writes a second,
                    out.flush();                            // and a closed one is seen soon
                    lastFlush[0] = now;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** The --stop texts with their escapes decoded. */
    private List<String> stopTexts() {
        List<String> out = new ArrayList<>(stops.size());
        for (String s : stops) {
            if (s.isEmpty()) { // would never match: say so rather than run as if it were not given
                throw UserException.usage("--stop must not be empty");
            }
            out.add(Escapes.decode("--stop", s));
        }
        return out;
    }

    /** CPU time of the whole process (all threads), for timings on a shared machine; 0 where unknown. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }
}
