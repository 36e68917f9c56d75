package llm.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import llm.UserException;
import llm.engine.DeviceSpec;
import llm.engine.Engines;
import llm.eval.fewshot.Escapes;
import llm.generate.Generator;
import llm.generate.Sampler;
import llm.generate.SamplingParams;
import llm.generate.Stepper;
import llm.generate.TokenLogprob;
import llm.io.Inputs;
import llm.io.Log;
import llm.io.Stdio;
import llm.io.TokenText;
import llm.model.Decoder;
import llm.model.LanguageModel;
import llm.model.ModelArrays;
import llm.model.ModelConfig;
import llm.model.Models;
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
                + "starts from its beginning-of-text token. Output streams to stdout as the tokens come, UTF-8 safe. "
                + "Generation ends at the model's end-of-text token (GPT-2 <|endoftext|>; a llama2.c model when it "
                + "emits BOS), at --max-tokens, or at a --stop string. With --num-samples N the samples are "
                + "separated by a line '---' (i.e. the bytes \\n---\\n), or printed as one JSON object each with --json.",
            "",
            "llama2.c compatibility: with a llama2.c checkpoint the text printed is what run.c prints (no BOS, the "
                + "first piece's leading space dropped, unprintable single bytes skipped). -n counts generated tokens: "
                + "run.c's '-n 200' without a prompt is '-n 200' here; with a prompt of P ids (BOS included) it is "
                + "'-n (200 - P + 1)' plus --echo."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE})
public final class SampleCommand implements Callable<Integer> {
    /** Output to a pipe or file is flushed at most this often (a terminal gets every token at once). */
    private static final long FLUSH_NANOS = 50_000_000L;

    static final byte[] SEPARATOR = "\n---\n".getBytes(StandardCharsets.UTF_8);

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--prefix", paramLabel = "TEXT", description = "The text to continue.")
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
                    + " \\n \\t \\r \\\\ are escapes, as in fewshot: --stop '\\n' keeps one line.")
    List<String> stops = new ArrayList<>();

    @Option(names = "--echo", description = "Print the prefix before the continuation.")
    boolean echo;

    @Option(names = "--json", description = "One JSON object per sample (JSON Lines): prefix, text, tokens, "
            + "finish_reason (eos|length|stop|context), seed; with --logprobs the per-token logprobs. text and tokens "
            + "both leave out a --stop text and the token it begins in (text keeps that token's characters before "
            + "the stop); neither holds the end-of-text token.")
    boolean json;

    @Option(names = "--logprobs", paramLabel = "K",
            description = "With --json: per generated token its id, text, logprob, and the K most likely "
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
        SamplingParams params = sampling.params();
        List<String> stopTexts = stopTexts();
        String text = prefix != null ? prefix : readFiles();
        if (prefix == null && !files.isEmpty() && text.isEmpty()) { // an empty pipe is likely a mistake upstream
            Log.warn("%s empty; sampling from the start token", files.equals(List.of("-")) ? "stdin was"
                    : files.size() == 1 ? files.get(0) + " is" : "the prefix files are");
        }
        Models.Format format = modelOptions.format();
        if (compute.deviceSpec().kind() != DeviceSpec.Kind.GPU) {
            // the JIT compiles the CPU decoder, on decode steps of this model's shape, while the model loads
            Decoder.warmUp(Models.peekConfig(modelOptions.modelPath()),
                    compute.threads() == null ? 0 : compute.threads());
        }
        // on a CPU-only machine the Java decoder needs no tensors: skip libtorch's start-up (~0.5 s of a short run);
        // -Dllm.engineFree=false loads through the engine anyway (for comparisons)
        boolean engineFree = Engines.cpuOnly(compute.deviceSpec()) && !"djl".equals(System.getProperty("llm.decoder"))
                && !"false".equals(System.getProperty("llm.engineFree"));
        NDManager root = engineFree ? null : Engines.newRoot(compute.resolveDevice());
        try {
            long t0 = System.nanoTime();
            LanguageModel model = engineFree ? null : modelOptions.loadModel(root);
            ModelArrays arrays = engineFree ? Models.loadArrays(modelOptions.modelPath()) : null;
            ModelConfig config = engineFree ? arrays.config() : model.config();
            Tokenizer tok = modelOptions.loadTokenizer();
            ModelOptions.checkCompatible(tok, config);
            long seed = params.greedy() && compute.seedOrNull() == null ? 0 : compute.seed();
            Log.debug("model: %s, %,d parameters, loaded in %.2f s%s", config,
                    engineFree ? arrays.parameterCount() : model.parameterCount(), (System.nanoTime() - t0) / 1e9,
                    engineFree ? " (CPU only: Java decoder, engine not started)" : "");
            boolean llama2c = format == Models.Format.LLAMA2C;
            Prompt prompt = buildPrompt(tok, config, text);
            Set<Integer> endIds = new HashSet<>();
            if (llama2c) {
                endIds.add(1); // run.c stops when the model emits BOS
            } else {
                tok.eos().ifPresent(endIds::add);
            }
            UnaryOperator<byte[]> filter = llama2c ? Generator.LLAMA2C_SAFE_PRINT : UnaryOperator.identity();
            Generator.Options opts = new Generator.Options(maxTokens, endIds, stopTexts,
                    logprobs == null ? -1 : logprobs, filter, llama2c);
            // buffered: a write per token costs a system call; on a terminal each token is flushed as it comes
            OutputStream out = new BufferedOutputStream(Stdio.stdout(), 1 << 16);
            boolean tty = System.console() != null;
            Sampler sampler = new Sampler(params, seed);
            Gson gson = new GsonBuilder().disableHtmlEscaping().create();
            int capacity = Math.min(config.ctx(), prompt.ids.length + Math.max(maxTokens, 1));
            int threads = compute.threads() == null ? 0 : compute.threads();
            try (Decoder decoder = engineFree ? new Decoder(arrays, 1, capacity, threads)
                    : new Decoder(model, root, 1, capacity, Decoder.Impl.AUTO, threads)) {
                arrays = null; // the decoder keeps what it needs: let the rest go
                Log.debug("decoder: %s", decoder.impl());
                Stepper stepper = new DecoderStepper(decoder, config.ctx());
                long totalTokens = 0;
                int contextStops = 0;
                // (the CPU-time reading only with -v: its first call starts JMX, ~20-30 ms; before the clock starts)
                long cpu0 = Log.verbose() ? processCpuNanos() : 0;
                long g0 = System.nanoTime();
                long[] lastFlush = {g0};
                for (int s = 0; s < numSamples; s++) {
                    if (!json && s > 0) {
                        out.write(SEPARATOR);
                    }
                    byte[] echoed = echo ? echoBytes(tok, prompt, filter) : new byte[0];
                    if (!json && echoed.length > 0) {
                        out.write(echoed);
                        if (tty) {
                            out.flush();
                        }
                    }
                    Generator.Result r = Generator.run(stepper, tok, sampler, prompt.ids, opts, chunk -> {
                        if (!json) {
                            try {
                                out.write(chunk);
                                long now = System.nanoTime();
                                if (tty || now - lastFlush[0] > FLUSH_NANOS) { // a pipe: at most 20 writes a second,
                                    out.flush();                            // and a closed one is seen soon
                                    lastFlush[0] = now;
                                }
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    });
                    totalTokens += r.tokens().length;
                    if (r.finish() == Generator.Finish.CONTEXT && contextStops++ == 0) { // once, not per sample
                        Log.info("sample %d: stopped at the model's context of %d positions%s", s + 1, config.ctx(),
                                numSamples > s + 1 ? " (later samples that do are not reported)" : "");
                    }
                    if (json) {
                        out.flush();
                        spec.commandLine().getOut().println(gson.toJson(toJson(s, seed, text, echoed, r, tok,
                                prompt)));
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
        } finally {
            if (root != null) {
                root.close();
            }
        }
        return ExitCodes.OK;
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
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }

    /** The ids fed to the model, and how many leading ids were added (BOS, or GPT-2's end-of-text) and are not text. */
    record Prompt(int[] ids, int added) {}

    Prompt buildPrompt(Tokenizer tok, ModelConfig config, String text) {
        int[] body = text.isEmpty() ? new int[0] : tok.encode(text);
        int start = -1;
        if (config.arch().startsWithBos() && tok.bos().isPresent()) {
            start = tok.bos().getAsInt();
        } else if (body.length == 0) {
            if (tok.eos().isPresent()) {
                start = tok.eos().getAsInt();
            } else if (tok.bos().isPresent()) {
                start = tok.bos().getAsInt();
            } else {
                throw UserException.usage("the prefix is empty and the tokenizer has no BOS/end-of-text token to"
                        + " start from; give --prefix");
            }
        }
        int added = start >= 0 ? 1 : 0;
        int ctx = config.ctx();
        if (body.length + added > ctx) {
            int room = Math.max(1, ctx - added - Math.min(Math.max(maxTokens, 1) - 1, ctx / 2));
            Log.warn("the prefix has %d tokens, more than the model's context of %d: keeping its last %d", body.length,
                    ctx, room);
            body = java.util.Arrays.copyOfRange(body, body.length - room, body.length);
        }
        int[] ids = new int[body.length + added];
        if (added == 1) {
            ids[0] = start;
        }
        System.arraycopy(body, 0, ids, added, body.length);
        return new Prompt(ids, added);
    }

    static byte[] echoBytes(Tokenizer tok, Prompt p, UnaryOperator<byte[]> filter) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int prev = p.added == 1 ? p.ids[0] : -1;
        for (int i = p.added; i < p.ids.length; i++) {
            b.writeBytes(filter.apply(tok.tokenBytes(prev, p.ids[i])));
            prev = p.ids[i];
        }
        return b.toByteArray();
    }

    private String readFiles() throws IOException {
        if (files.isEmpty()) {
            return "";
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (String f : files) {
            int start = all.size();
            try (InputStream in = Inputs.openNamed(f)) {
                in.transferTo(all);
            }
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(all.toByteArray(), start,
                        all.size() - start));
            } catch (java.nio.charset.CharacterCodingException e) {
                Log.warn("%s: not valid UTF-8; invalid bytes replaced with U+FFFD", "-".equals(f) ? "stdin" : f);
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private JsonObject toJson(int index, long seed, String prefixText, byte[] echoed, Generator.Result r, Tokenizer tok,
            Prompt prompt) {
        JsonObject o = new JsonObject();
        o.addProperty("sample", index);
        o.addProperty("seed", seed);
        o.addProperty("prefix", prefixText);
        o.addProperty("text", new String(concat(echoed, r.text()), StandardCharsets.UTF_8));
        o.addProperty("prompt_tokens", prompt.ids.length);
        JsonArray ids = new JsonArray();
        for (int id : r.tokens()) {
            ids.add(id);
        }
        o.add("tokens", ids);
        o.addProperty("finish_reason", r.finish().jsonName());
        if (r.logprobs() != null) {
            JsonArray lps = new JsonArray();
            for (TokenLogprob lp : r.logprobs()) {
                JsonObject t = new JsonObject();
                t.addProperty("id", lp.id());
                TokenText.add(t, tok.tokenBytes(lp.id()));
                t.addProperty("logprob", lp.logprob());
                JsonArray top = new JsonArray();
                for (TokenLogprob.Alternative a : lp.top()) {
                    JsonObject alt = new JsonObject();
                    alt.addProperty("id", a.id());
                    TokenText.add(alt, tok.tokenBytes(a.id()));
                    alt.addProperty("logprob", a.logprob());
                    top.add(alt);
                }
                t.add("top", top);
                lps.add(t);
            }
            o.add("logprobs", lps);
        }
        return o;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
