package llm.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import llm.UserException;
import llm.compute.DevicePeak;
import llm.compute.Dtype;
import llm.compute.Flops;
import llm.compute.ModelShape;
import llm.compute.Quantity;
import llm.compute.TrainingRun;
import llm.data.Batcher;
import llm.data.Batches;
import llm.data.Corpus;
import llm.data.CorpusBuilder;
import llm.data.CorpusOptions;
import llm.data.DataSpec;
import llm.data.EvalWindows;
import llm.data.TokenShard;
import llm.data.ValSplit;
import llm.engine.DataParallelDevices;
import llm.engine.Engines;
import llm.engine.MklDispatch;
import llm.io.AtomicFile;
import llm.io.Inputs;
import llm.io.Log;
import llm.model.Architecture;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.model.Release;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import llm.train.AdamW;
import llm.train.DataParallel;
import llm.train.LanguageModelTraining;
import llm.train.LrSchedule;
import llm.train.MatmulPeak;
import llm.train.Preset;
import llm.train.Progress;
import llm.train.TrainExit;
import llm.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm train}: pretrain a GPT-2 or Llama model on text; writes a HuggingFace-layout release directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pretrain a GPT-2 or Llama base model on text; writes a release directory (config.json,"
                + " model.safetensors, tokenizer.json, training.json) plus metrics.jsonl, loss.svg and a checkpoint.",
                "",
                "Example (from the project's root; trains a 2048-token tokenizer first):",
                "  llm train --data ../shared/data/tiny-shakespeare/input.txt --vocab-size 2048 \\",
                "      --preset tiny --steps 200 --out runs/shakespeare"},
        footerHeading = "%nPresets (--preset):%n",
        footer = {"  tiny        tests and smoke runs: 2 layers, d 32, ctx 64",
                "  default     the bundled default model: 4 layers, 4 heads, d 128, ctx 256",
                "              (recipes/default.sh)",
                "  bench       the bench/ shape: 4 layers, 8 heads, d 256, ctx 128",
                "  gpt2-124m   GPT-2 small: 12 layers, 12 heads, d 768, ctx 1024",
                "  llama-tiny  a small Llama: 2 layers, 4 heads / 2 kv heads, d 64, ctx 128",
                "",
                "Outputs in --out DIR: the release (config.json, model.safetensors with HF tensor names,"
                        + " tokenizer.json, training.json), metrics.jsonl (one JSON line per step: step, tokens, loss,"
                        + " lr, grad_norm, tokens_per_s, mfu, elapsed_s, val_loss), loss.svg, checkpoint.safetensors"
                        + " (weights, AdamW moments, step, data position, seed), run.json (the arguments, for"
                        + " --resume) and data/ (the tokenized training data as token shards, reused by --resume).",
                "",
                "GPU: --device gpu needs the CUDA build of libtorch: build with 'mvn -Pgpu package' (no CPU native"
                        + " jar) and either set PYTORCH_LIBRARY_PATH to a libtorch 2.7.1 CUDA directory or let DJL"
                        + " fetch it once with PYTORCH_FLAVOR=cu128 and network access (see 'llm env' and README, GPU).",
                "",
                "Several GPUs: --devices N trains data-parallel on gpu:0..gpu:N-1 of this machine (gpu:K..gpu:K+N-1"
                        + " with --device gpu:K). Each GPU holds a replica of the model and takes --batch / N rows of"
                        + " every micro-batch; the gradients are summed on gpu:0, which runs AdamW and copies the new"
                        + " weights to the others. Loss, tokens per step, clipping and accumulation are those of one"
                        + " device with the same --batch; MFU is measured against N times one GPU's peak. The"
                        + " checkpoint is one replica's, so --resume may change N. With --device cpu, --devices N"
                        + " runs N replicas on the CPU, each on its own thread with --threads / N intra-op threads."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE, TrainExit.DIVERGED_LINE,
                TrainExit.INTERRUPTED_LINE})
public final class TrainCommand implements Callable<Integer> {
    static final String RUN_FILE = "run.json";
    /** Under --out: the tokenized training data (token shards), reused by --resume. */
    static final String DATA_DIR = "data";
    /** What --resume lets a user give again; everything else is the run's own (run.json). */
    private static final List<String> RESUME_FLAGS = List.of("--device", "--devices", "--threads", "--steps",
            "--tokens", "--log-every", "--save-every", "--eval-every", "-q", "--quiet", "-v", "--verbose", "--resume");
    private static final String RESUME_FLAGS_TEXT = "--device, --devices, --threads, --steps, --tokens, --log-every,"
            + " --save-every, --eval-every, -q and -v";
    /** Budget options: a new one given with --resume replaces whichever of them the run was started with. */
    private static final List<String> BUDGET_FLAGS = List.of("--steps", "--tokens");
    /** The options that name training and validation data. */
    private static final List<String> DATA_FLAGS = List.of("--data", "--val-data");
    /** Options whose value is a path: stored absolute in run.json, so --resume works from any directory. */
    private static final List<String> PATH_FLAGS = List.of("--data", "--val-data", "--tokenizer");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    LogOptions log;

    @Mixin
    ComputeOptions compute;

    // ---- data ----
    @Option(names = "--data", paramLabel = "PATH[:WEIGHT]",
            description = "Training text (repeatable): a text file (documents cut at <|endoftext|> lines), JSON"
                    + " Lines, a directory, a .tar, any of them .gz/.bz2/.xz/.zst, or a token shard (llm tokenize"
                    + " --bin); - for stdin. WEIGHT = passes per epoch (default 1), e.g. wiki.txt:10; a fraction sees that share"
                    + " of the source's windows per epoch, e.g. web.jsonl:0.5.")
    List<String> data = new ArrayList<>();

    @Option(names = "--val-data", paramLabel = "PATH", description = "Validation text (repeatable).")
    List<String> valData = new ArrayList<>();

    @Option(names = "--val-fraction", paramLabel = "F",
            description = "Hold out the last F of each --data source's tokens for validation when no --val-data is"
                    + " given (default 0.05; 0 for none).")
    Double valFraction;

    @Option(names = "--text-field", paramLabel = "NAME", defaultValue = "text",
            description = "JSON Lines field holding the text (default: ${DEFAULT-VALUE}).")
    String textField = "text";

    // ---- tokenizer ----
    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "tokenizer.json (or a release directory) to use.")
    Path tokenizer;

    @Option(names = "--vocab-size", paramLabel = "N",
            description = "Train a byte-level BPE tokenizer of N tokens on the training data first.")
    Integer vocabSize;

    // ---- model ----
    @Option(names = "--preset", paramLabel = "NAME", description = "A documented model size (see below).",
            completionCandidates = PresetNames.class)
    String preset;

    @Option(names = "--arch", paramLabel = "gpt2|llama", description = "Architecture (default gpt2).",
            completionCandidates = ArchNames.class)
    String arch;

    /** Shell completion for --preset. */
    static final class PresetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return llm.train.Preset.ALL.stream().map(llm.train.Preset::name).iterator();
        }
    }

    /** Shell completion for --arch. */
    static final class ArchNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("gpt2", "llama").iterator();
        }
    }

    @Option(names = "--layers", paramLabel = "N", description = "Transformer blocks.")
    Integer layers;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads.")
    Integer heads;

    @Option(names = "--kv-heads", paramLabel = "N", description = "Key/value heads (llama; default = --heads).")
    Integer kvHeads;

    @Option(names = "--d-model", paramLabel = "N", description = "Residual width.")
    Integer dModel;

    @Option(names = "--ctx", paramLabel = "N", description = "Context length = training window.")
    Integer ctx;

    // ---- optimisation ----
    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps to train.")
    Long steps;

    @Option(names = "--tokens", paramLabel = "N", description = "Training tokens to see instead of --steps (e.g. 5M).")
    String tokens;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8",
            description = "Sequences per micro-batch (default: ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--batch-tokens", paramLabel = "N",
            description = "Tokens per optimizer step; gradients are accumulated over batch-tokens / (B·ctx)"
                    + " micro-batches (default: one micro-batch).")
    String batchTokens;

    @Option(names = "--lr", paramLabel = "X", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr = 1e-3;

    @Option(names = "--min-lr", paramLabel = "X", description = "Final learning rate of the cosine decay (default --lr / 10).")
    Double minLr;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear warmup steps (default: 5%% of the steps, at most 200).")
    Long warmup;

    @Option(names = "--weight-decay", paramLabel = "X", defaultValue = "0.1",
            description = "AdamW weight decay on matrices (default: ${DEFAULT-VALUE}; β1 0.9, β2 0.95).")
    double weightDecay = 0.1;

    @Option(names = "--clip", paramLabel = "X", defaultValue = "1.0",
            description = "Clip the global gradient norm to X; 0 disables (default: ${DEFAULT-VALUE}).")
    double clip = 1.0;

    // ---- monitoring ----
    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "100",
            description = "Validation loss and a greedy sample every N steps (default: ${DEFAULT-VALUE}).")
    int evalEvery = 100;

    @Option(names = "--eval-batches", paramLabel = "N", defaultValue = "8",
            description = "Batches per validation (default: ${DEFAULT-VALUE}).")
    int evalBatches = 8;

    @Option(names = "--sample-prompt", paramLabel = "TEXT", defaultValue = "Once upon a time",
            description = "Prompt of the greedy sample at each evaluation (default: ${DEFAULT-VALUE}).")
    String samplePrompt = "Once upon a time";

    @Option(names = "--sample-tokens", paramLabel = "N", defaultValue = "24",
            description = "Tokens in that sample; 0 for none (default: ${DEFAULT-VALUE}).")
    int sampleTokens = 24;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "10",
            description = "A progress line every N steps when stderr is not a terminal (default: ${DEFAULT-VALUE}).")
    int logEvery = 10;

    @Option(names = "--save-every", paramLabel = "N", defaultValue = "200",
            description = "Checkpoint every N steps; also at the end and on SIGINT/SIGTERM (default: ${DEFAULT-VALUE}).")
    int saveEvery = 200;

    // ---- where ----
    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (the release and the run's files).")
    Path out;

    @Option(names = "--overwrite",
            description = "Replace a release already in --out (config.json or model.safetensors there); without it"
                    + " such a directory is refused.")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its checkpoint, with the arguments it was started with"
                    + " (run.json); " + RESUME_FLAGS_TEXT + " may be given again (a new --steps or --tokens replaces"
                    + " the run's budget and is kept in run.json).")
    Path resume;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "1",
            description = "Train data-parallel on N GPUs of this machine, each taking --batch / N rows of every"
                    + " micro-batch (--batch must be a multiple of N; needs the CUDA libtorch, see below); with"
                    + " --device cpu, N replicas on the CPU's cores"
                    + " (default: ${DEFAULT-VALUE}).")
    int devices = 1;

    /** The arguments as given (for run.json); set by {@link #call} from the parse result. */
    private List<String> originalArgs() {
        if (spec.commandLine().getParseResult() == null) {
            return List.of();
        }
        List<String> all = spec.commandLine().getParseResult().expandedArgs(); // @argfiles read, so paths show
        int i = all.indexOf("train"); // the root's arguments come first
        return i >= 0 && spec.commandLine().getParent() != null ? all.subList(i + 1, all.size()) : all;
    }

    @Override
    public Integer call() throws IOException {
        if (resume != null) {
            return resumeRun();
        }
        if (out == null) {
            throw UserException.usage("--out DIR is required (or --resume DIR)");
        }
        if (out.toString().isEmpty()) {
            throw UserException.usage("--out: empty path (give the directory to write the run and its release to)");
        }
        return train(absolutePaths(originalArgs()), false, false);
    }

    /**
     * {@code args} with the values of {@link #PATH_FLAGS} made absolute ({@code --data PATH[:WEIGHT]} keeps its
     * weight), so that run.json names the same files from any working directory. "-" (stdin) stays as it is.
     */
    static List<String> absolutePaths(List<String> args) {
        return mapValues(args, PATH_FLAGS, TrainCommand::absolute);
    }

    /** The option an argument names: {@code --data} for {@code --data=x}; the argument itself otherwise. */
    private static String optionName(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
    }

    /** {@code args} with the value of each option in {@code names} ("--x V" or "--x=V") replaced by f(option, V). */
    private static List<String> mapValues(List<String> args, List<String> names,
                                          java.util.function.BinaryOperator<String> f) {
        List<String> res = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = optionName(a);
            if (!names.contains(name)) {
                res.add(a);
            } else if (!name.equals(a)) {
                res.add(name + "=" + f.apply(name, a.substring(name.length() + 1)));
            } else {
                res.add(a);
                if (i + 1 < args.size()) {
                    res.add(f.apply(name, args.get(++i)));
                }
            }
        }
        return res;
    }

    private static String absolute(String flag, String value) {
        if (value.isEmpty() || value.equals("-") || value.startsWith("-:")) {
            return value;
        }
        try {
            if (flag.equals("--data") && !Files.exists(Path.of(value))) { // PATH:WEIGHT
                int colon = value.lastIndexOf(':');
                if (colon > 0) {
                    return Path.of(value.substring(0, colon)).toAbsolutePath().normalize() + value.substring(colon);
                }
            }
            return Path.of(value).toAbsolutePath().normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            return value; // parsing reports it
        }
    }

    /**
     * A --data value naming a kept stdin copy ({@code .../data/input-N[:W]}) that is gone, when the run's directory
     * {@code dir} has that copy (the run was moved): the copy in {@code dir}; any other value as it is.
     */
    private static String keptCopyIn(Path dir, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*)[/\\\\]" + DATA_DIR
                + "[/\\\\](input-\\d+)(:[^/\\\\]*)?$").matcher(value);
        if (!m.matches() || Files.exists(Path.of(m.group(1), DATA_DIR, m.group(2)))) {
            return value;
        }
        Path here = dir.resolve(DATA_DIR).resolve(m.group(2));
        return Files.isRegularFile(here) ? here.toAbsolutePath().normalize() + (m.group(3) == null ? "" : m.group(3))
                : value;
    }

    /** {@code args} without the options named (both "--x V" and "--x=V"). */
    private static List<String> without(List<String> args, List<String> names) {
        List<String> res = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (names.contains(a)) {
                i++; // and its value
            } else if (!names.contains(optionName(a))) {
                res.add(a);
            }
        }
        return res;
    }

    /** Whether {@code args} give any of the options named. */
    private static boolean gives(List<String> args, List<String> names) {
        return args.stream().anyMatch(a -> names.contains(optionName(a)));
    }

    /** {@code --resume DIR}: re-parse the stored arguments, let a few be overridden, continue. */
    private int resumeRun() throws IOException {
        Path dir = resume;
        if (dir.toString().isEmpty()) {
            throw UserException.usage("--resume: empty path (give the --out directory of the run to continue)");
        }
        Path runFile = dir.resolve(RUN_FILE);
        if (!Files.isRegularFile(runFile)) {
            throw UserException.runtime(runFile + ": not found; --resume needs the --out directory of a run");
        }
        List<String> stored = new ArrayList<>();
        try {
            JsonArray a = JsonParser.parseString(Files.readString(runFile)).getAsJsonObject().getAsJsonArray("args");
            for (com.google.gson.JsonElement e : a) {
                stored.add(e.getAsString());
            }
        } catch (RuntimeException e) {
            throw UserException.runtime(runFile + ": not a run.json written by llm train ("
                    + (e instanceof com.google.gson.JsonParseException ? llm.io.JsonProblem.describe(e)
                    : "no \"args\" list of strings") + ")");
        }
        List<String> now = new ArrayList<>(originalArgs());
        for (String a : now) {
            String name = optionName(a);
            if (name.startsWith("-") && !RESUME_FLAGS.contains(name)) {
                throw UserException.usage(name + " cannot be changed with --resume (the run keeps its own"
                        + " settings; allowed: " + RESUME_FLAGS_TEXT + ")");
            }
        }
        List<String> located = mapValues(stored, DATA_FLAGS, (flag, v) -> {
            if (v.equals(Inputs.STDIN) || v.startsWith(Inputs.STDIN + ":")) { // a run from before stdin was kept
                throw UserException.runtime(runFile + ": this run read its data from stdin, of which it kept no copy:"
                        + " it cannot be resumed (start a new run; stdin is now kept under --out/data)");
            }
            return keptCopyIn(dir, v); // a run moved elsewhere: its kept stdin copies moved with it
        });
        stored.clear();
        stored.addAll(located);
        boolean newBudget = gives(now, BUDGET_FLAGS);
        if (newBudget) { // --tokens may replace a run's --steps and the other way round
            List<String> rest = without(stored, BUDGET_FLAGS);
            stored.clear();
            stored.addAll(rest);
        }
        List<String> merged = new ArrayList<>(stored);
        for (int i = 0; i < now.size(); i++) {
            if (now.get(i).equals("--resume")) {
                i++;
                continue;
            }
            if (now.get(i).startsWith("--resume=")) {
                continue;
            }
            merged.add(now.get(i));
        }
        TrainCommand again = new TrainCommand();
        CommandLine cl = new CommandLine(again).setOverwrittenOptionsAllowed(true);
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        cl.parseArgs(merged.toArray(new String[0]));
        again.spec = cl.getCommandSpec();
        again.out = dir;
        List<String> kept = new ArrayList<>(stored);
        if (newBudget) { // run.json keeps the budget this resume asked for, so a plain --resume continues to it
            for (String b : BUDGET_FLAGS) {
                if (gives(now, List.of(b))) {
                    kept.add(b);
                    kept.add(b.equals("--steps") ? String.valueOf(again.steps) : again.tokens);
                }
            }
        }
        return again.train(kept, true, newBudget);
    }

    /**
     * Validate, then train.
     *
     * @param args          the run's arguments, for run.json
     * @param resuming      continue the checkpoint in --out
     * @param newBudget     (resuming) --steps/--tokens were given again: rewrite run.json with {@code args}
     */
    private int train(List<String> args, boolean resuming, boolean newBudget) throws IOException {
        // ---- validate what needs no data ----
        if (data.isEmpty()) {
            throw UserException.usage("--data is required (a text file, JSON Lines, directory, .tar or token shard)");
        }
        if (tokenizer == null && vocabSize == null) {
            throw UserException.usage("give --tokenizer PATH or --vocab-size N");
        }
        if (tokenizer != null && vocabSize != null) {
            throw UserException.usage("--tokenizer and --vocab-size exclude each other");
        }
        if (batch < 1) {
            throw UserException.usage("--batch must be at least 1, not " + batch);
        }
        if (devices < 1) {
            throw UserException.usage("--devices must be at least 1, not " + devices);
        }
        if (batch % devices != 0) {
            throw UserException.usage("--batch " + batch + " does not split over --devices " + devices + ": each device"
                    + " takes --batch / --devices rows, so --batch must be a multiple of " + devices);
        }
        if (valFraction != null && !(valFraction >= 0 && valFraction < 1)) {
            throw UserException.usage("--val-fraction must be within [0, 1), not " + valFraction);
        }
        atLeast("--eval-every", evalEvery, 0);
        atLeast("--save-every", saveEvery, 0);
        atLeast("--log-every", logEvery, 1);
        atLeast("--eval-batches", evalBatches, 1);
        atLeast("--sample-tokens", sampleTokens, 0);
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw UserException.usage("--clip must be a number >= 0 (0 disables clipping), not " + clip);
        }
        if (valFraction != null && valFraction > 0 && !valData.isEmpty()) {
            throw UserException.usage("--val-fraction and --val-data exclude each other (the validation text is"
                    + " either held out of --data or given)");
        }
        Preset p = preset == null ? null : Preset.byName(preset);
        String archName = arch != null ? arch : p != null ? p.arch() : "gpt2";
        Architecture a = Architecture.fromName(archName);
        if (a == null || !a.trainable()) {
            throw UserException.usage("--arch " + archName + ": " + (a == null ? "unknown" : "not trained by llm (read"
                    + " from releases only)") + " (gpt2 or llama)");
        }
        int nLayer = pick(layers, p == null ? null : p.layers(), "--layers");
        int nHead = pick(heads, p == null ? null : p.heads(), "--heads");
        int dm = pick(dModel, p == null ? null : p.dModel(), "--d-model");
        int t = pick(ctx, p == null ? null : p.ctx(), "--ctx");
        int nKv = kvHeads != null ? kvHeads : nHead;
        if (kvHeads == null && p != null && a == Architecture.LLAMA && p.kvHeads() != p.heads()) {
            if (nHead % p.kvHeads() == 0) {
                nKv = p.kvHeads(); // the preset's grouped-query attention, with the heads given
            } else {
                Log.warn("--preset %s has %s, which do not divide --heads %d: using %d (give --kv-heads to choose)",
                        p.name(), Quantity.plural(p.kvHeads(), "kv head"), nHead, nHead);
            }
        }
        if (a == Architecture.GPT2 && kvHeads != null && kvHeads != nHead) {
            throw UserException.usage("--kv-heads is for --arch llama (gpt2 has as many kv heads as heads)");
        }
        // ---- budget (checked before anything is written to --out) ----
        long microTokens = (long) batch * t;
        int accum = 1;
        if (batchTokens != null) {
            long bt = Quantity.count(batchTokens, "--batch-tokens");
            if (bt < microTokens || bt % microTokens != 0) {
                throw UserException.usage("--batch-tokens " + batchTokens + " must be a multiple of --batch × --ctx = "
                        + microTokens);
            }
            accum = (int) (bt / microTokens);
        }
        long stepTokens = microTokens * accum;
        long totalSteps;
        if (steps != null && tokens != null) {
            throw UserException.usage("--steps and --tokens exclude each other");
        } else if (steps != null) {
            totalSteps = steps;
        } else if (tokens != null) {
            totalSteps = (Quantity.count(tokens, "--tokens") + stepTokens - 1) / stepTokens;
        } else {
            throw UserException.usage("give --steps N or --tokens N");
        }
        if (totalSteps < 1) {
            throw UserException.usage("--steps must be at least 1");
        }
        long warm = warmup != null ? warmup : Math.min(200, Math.max(0, totalSteps / 20));
        LrSchedule schedule = new LrSchedule(lr, minLr != null ? minLr : lr / 10, warm, totalSteps);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw UserException.usage("--weight-decay must be a number >= 0, not " + weightDecay);
        }
        if (warm > totalSteps) {
            Log.warn("--warmup %d is more than the %s of the run: the learning rate never reaches --lr %s", warm,
                    Quantity.plural(totalSteps, "step"), lr);
        }
        if (sampleTokens > 0 && samplePrompt.isEmpty()) {
            throw UserException.usage("--sample-prompt: empty (the greedy sample needs a prompt; --sample-tokens 0 for"
                    + " no sample)");
        }
        if (vocabSize != null && vocabSize < 257) {
            throw UserException.usage("--vocab-size must be at least 257 (256 bytes + <|endoftext|>), not " + vocabSize);
        }
        try { // the shape alone (the vocabulary is known once the tokenizer is)
            ModelConfig unused = a == Architecture.GPT2 ? ModelConfig.gpt2(257, t, dm, nLayer, nHead)
                    : ModelConfig.llama(257, t, dm, nLayer, nHead, nKv, llamaFf(dm), true);
        } catch (IllegalArgumentException e) {
            throw UserException.usage("model shape: " + e.getMessage());
        }
        List<DataSpec> trainSpecs = data.stream().map(DataSpec::parse).toList(); // again once streams are kept
        if (resuming && !Files.isRegularFile(out.resolve(llm.train.Checkpoint.FILE))) {
            throw UserException.runtime(out.resolve(llm.train.Checkpoint.FILE)
                    + ": no checkpoint here (the run stopped before its first one; start it again with --out)");
        }
        long done = resuming ? checkpointStep(out.resolve(llm.train.Checkpoint.FILE)) : -1;
        if (done > totalSteps) {
            throw UserException.usage("the run in " + out + " has done " + done + " steps already, more than the "
                    + totalSteps + " that --steps/--tokens ask for (they count from the run's start): give --steps "
                    + "above " + done + " to continue it");
        }
        if (vocabSize != null) {
            for (DataSpec d : trainSpecs) {
                if (llm.data.CorpusReader.holdsShards(d.path(), List.of(out))) {
                    throw UserException.usage("--data " + d.spec() + ": a token shard holds the ids of the tokenizer"
                            + " that wrote it, not of one --vocab-size trains: give that --tokenizer instead");
                }
            }
        }
        List<String> streamNames = java.util.stream.Stream.concat(
                data.stream().map(d -> DataSpec.parse(d).path().toString()), valData.stream())
                .filter(Inputs::isStream).map(v -> v.equals("/dev/stdin") ? Inputs.STDIN : v).toList();
        long streams = streamNames.size();
        if (streamNames.stream().distinct().count() < streams) {
            throw UserException.usage(streamNames.contains(Inputs.STDIN) && streamNames.stream()
                    .filter(Inputs.STDIN::equals).count() > 1 ? "stdin ('-') can be given once among --data and"
                    + " --val-data: it is read once" : "a pipe can be given once among --data and --val-data: it is"
                    + " read once");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw UserException.usage("--out " + out + ": exists and is not a directory");
        }
        if (!resuming && !overwrite && Files.exists(out.resolve(llm.train.Checkpoint.FILE))) {
            throw UserException.usage("--out " + out + " holds a checkpoint already: continue it with --resume "
                    + out + ", choose another --out, or give --overwrite to start over");
        }
        if (!resuming && !overwrite) {
            for (String f : List.of(Release.CONFIG, Release.WEIGHTS)) {
                if (Files.exists(out.resolve(f))) {
                    throw UserException.usage("--out " + out + " holds a release already (" + f + "): choose another"
                            + " --out, or give --overwrite to replace it");
                }
            }
        }
        long seed = compute.seed(); // prints the seed it picked when none was given
        if (!resuming && compute.seedOrNull() == null) {
            args = new ArrayList<>(args);
            args.add("--seed");
            args.add(Long.toString(seed));
        }
        Device device = compute.resolveDevice();
        List<Device> replicaDevices = DataParallelDevices.resolve(compute.deviceSpec(), device, devices);
        int deviceCount = DataParallelDevices.distinct(replicaDevices); // 1 for the CPU test replicas
        byte[] tokenizerJson = null; // --tokenizer's bytes, read (and checked) before anything is written
        if (!resuming && tokenizer != null) {
            Path src = Files.isDirectory(tokenizer) ? tokenizer.resolve(Release.TOKENIZER) : tokenizer;
            if (!Files.isRegularFile(src)) {
                throw UserException.usage("--tokenizer " + tokenizer + ": no tokenizer.json there");
            }
            Tokenizer given = Tokenizers.load(src);
            if (given instanceof llm.tokenizer.Llama2cTokenizer) { // fail early on a bad file
                throw UserException.usage("--tokenizer " + tokenizer + ": a llama2.c tokenizer.bin cannot go"
                        + " into a release (HuggingFace reads tokenizer.json): give a tokenizer.json, or"
                        + " --vocab-size N to train one");
            }
            try {
                CorpusBuilder.endOfText(given);
            } catch (UserException e) {
                throw UserException.usage("--tokenizer " + tokenizer + ": no end-of-text token to separate"
                        + " documents (a tokenizer.json needs an <|endoftext|>-like added token)");
            }
            tokenizerJson = Files.readAllBytes(src);
        }
        for (DataSpec d : trainSpecs) {
            llm.data.CorpusReader.checkExists(d.path());
        }
        for (String v : valData) {
            llm.data.CorpusReader.checkExists(Path.of(v));
        }
        Path previous = !resuming && overwrite ? setAsidePreviousRun() : null; // restored if this run never starts
        Leftovers leftovers = resuming ? Leftovers.none() : Leftovers.of(out, RUN_FILE, Release.TOKENIZER, DATA_DIR)
                .onRemove(() -> restorePreviousRun(previous)).onClaim(() -> deletePrevious(previous));
        Thread early = new Thread(() -> { // SIGINT/SIGTERM before the trainer owns --out (it has its own hook)
            if (leftovers.removeUnlessKept()) {
                Log.warn(resuming ? "interrupted before training resumed: the checkpoint in %s is unchanged"
                        : "interrupted before the first step: nothing to resume; removed what this run had written"
                        + " to %s", out);
            }
        }, "llm-train-early-stop");
        Runtime.getRuntime().addShutdownHook(early);
        try {
            Files.createDirectories(out);

            if (!resuming && streams > 0) {
                args = keepStreams(args, leftovers); // read once: kept under --out for the passes and --resume
                trainSpecs = data.stream().map(DataSpec::parse).toList();
            }

            // ---- tokenizer ----
            Path tokFile = out.resolve(Release.TOKENIZER);
            if (!resuming) {
                if (tokenizerJson != null) {
                    AtomicFile.write(tokFile, tokenizerJson);
                } else {
                    llm.train.TokenizerTraining.train(data, vocabSize, textField, tokFile, out);
                }
                writeRunFile(args);
            }
            Tokenizer tok = Tokenizers.load(tokFile);

            ModelConfig config;
            try {
                config = a == Architecture.GPT2 ? ModelConfig.gpt2(tok.vocabSize(), t, dm, nLayer, nHead)
                        : ModelConfig.llama(tok.vocabSize(), t, dm, nLayer, nHead, nKv, llamaFf(dm), true);
            } catch (IllegalArgumentException e) {
                throw UserException.usage("model shape: " + e.getMessage());
            }

            // ---- data ----
            List<DataSpec> valSpecs = valData.stream().map(v -> new DataSpec(v, Path.of(v), 1)).toList();
            double vf = valFraction != null ? valFraction : valSpecs.isEmpty() ? 0.05 : 0;
            CorpusOptions corpusOptions = CorpusOptions.DEFAULT.withTextField(textField);
            int eot = CorpusBuilder.endOfText(tok);
            Corpus corpus = new CorpusBuilder(tok, eot, corpusOptions, valSpecs.isEmpty() && vf > 0 ? ValSplit.tail(vf)
                    : ValSplit.NONE, out.resolve(DATA_DIR)).excluding(out).build(trainSpecs).forContext(t);
            List<TrainingRun.DataSource> mixture = new ArrayList<>(corpus.describe("train"));
            if (!valSpecs.isEmpty()) {
                Corpus held = new CorpusBuilder(tok, eot, corpusOptions, ValSplit.NONE, out.resolve(DATA_DIR).resolve("val"))
                        .excluding(out).label("val data").build(valSpecs);
                mixture.addAll(held.describe("val"));
                corpus = corpus.withValidation(held);
            }
            Log.info("data: %,.0f training tokens per pass of the mixture, %,d validation tokens", corpus.tokensPerPass(),
                    corpus.val().size());

            Trainer.Settings settings = new Trainer.Settings(batch, t, accum, totalSteps, schedule, clip,
                    new AdamW.Hyper(0.9, 0.95, 1e-8, weightDecay), logEvery, evalEvery, evalBatches, saveEvery, seed,
                    sampleTokens > 0 ? samplePrompt : null, sampleTokens);

            // ---- model, peak, loop ----
            ModelShape shape = a == Architecture.GPT2 ? ModelShape.gpt2(config.vocabSize(), nLayer, dm, nHead, t)
                    : ModelShape.llama(config.vocabSize(), nLayer, dm, nHead, nKv, config.dFf(), t, true);
            double flopsPerToken = Flops.perToken(shape);
            Engines.seed(seed);
            try (NDManager root = Engines.newRoot(device)) {
                DevicePeak peak = peak(root, device);
                LanguageModel model = LanguageModel.create(config, root, seed);
                Integer threadOption = compute.threads();
                int cpuThreadsPerReplica = Math.max(1, (threadOption != null ? threadOption
                        : Runtime.getRuntime().availableProcessors()) / replicaDevices.size());
                String where = replicaDevices.size() == 1 ? Engines.describe(device) : deviceCount == 1
                        ? replicaDevices.size() + " replicas on the CPU ("
                                + Quantity.plural(cpuThreadsPerReplica, "thread") + " each)"
                        : replicaDevices.size() + " replicas on "
                                + replicaDevices.stream().map(Engines::describe).distinct().toList();
                Log.info("model: %s, %s, %s, d %d, ctx %d, vocab %d: %,d parameters, %.1f MFLOP/token;"
                                + " %s, peak %s%s (%s)", a, Quantity.plural(nLayer, "layer"), Quantity.plural(nHead, "head") + (nKv != nHead ? " (" + nKv + " kv)" : ""),
                        dm, t, config.vocabSize(), model.parameterCount(),
                        flopsPerToken / 1e6, where, Quantity.si(peak.flops(), "FLOP/s"),
                        deviceCount > 1 ? " × " + deviceCount : "", peak.source());
                Log.info("training: %s × %,d tokens (batch %d%s × ctx %d × accum %d) = %s tokens; lr %.2e → %.2e,"
                                + " warmup %d", Quantity.plural(totalSteps, "step"), stepTokens, batch,
                        devices > 1 ? " [" + devices + " replicas × " + batch / devices + " rows]" : "", t, accum,
                        Quantity.human(totalSteps * stepTokens), schedule.maxLr(), schedule.minLr(), warm);
                long longest = corpus.sources().stream().mapToLong(src -> src.train().size()).max().orElse(0);
                if (longest < t + 1) {
                    throw UserException.usage("the training data has " + longest + " tokens" + (corpus.sources().size() > 1
                            ? " in its longest source" : "") + ", fewer than --ctx + 1 = " + (t + 1)
                            + "; use more data or a smaller --ctx");
                }
                Batches trainStream = new Batcher(corpus.batcherSources(), t, seed).batches(batch);
                EvalWindows valWindows = new EvalWindows(corpus.val(), t, evalBatches * batch);
                if (valWindows.count() == 0 && (vf > 0 || !valSpecs.isEmpty())) {
                    Log.warn("no validation loss: the validation text has fewer than --ctx + 1 tokens");
                }
                boolean quiet = Log.level() == Log.Level.QUIET; // -q: no progress lines, only warnings and errors
                Progress progress = new Progress(quiet ? new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) : Log.err(),
                        Log.stderrIsTerminal() && !quiet,
                        logEvery, totalSteps);
                Trainer.ReleaseWriter writer = r -> writeRelease(model, tok, tokFile, r, shape, stepTokens, device,
                        replicaDevices, peak, mixture, seed);
                LanguageModelTraining trainModel = new LanguageModelTraining(model);
                Trainer trainer = new Trainer(trainModel, root, trainStream, valWindows.count() > 0 ? valWindows : null,
                        settings, out, tok, flopsPerToken, peak.flops() * deviceCount, progress, writer);
                DataParallel replicas = replicaDevices.size() == 1 ? null : DataParallel.create(trainModel, root,
                        replicaDevices, r -> new LanguageModelTraining(LanguageModel.create(config, r, seed)));
                if (replicas != null) {
                    replicas.cpuThreadsPerReplica(cpuThreadsPerReplica);
                    trainer.dataParallel(replicas);
                }
                Thread hook = new Thread(() -> {
                    trainer.requestStop();
                    try {
                        trainer.awaitFinished(120_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "llm-train-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                Trainer.Result r;
                // (on Ctrl-C, AtomicFile's hook waits for the checkpoint being saved before deleting temporary files)
                try (replicas; AtomicFile.Deferral saving = AtomicFile.deferCleanup()) {
                    if (!leftovers.claim()) { // a signal came first: its hook has cleaned up and said so
                        trainer.skip(); // (the stop hook waits for a run that will not come)
                        return 130;
                    }
                    if (newBudget) { // the resume is on: run.json keeps its budget
                        writeRunFile(args);
                    }
                    r = trainer.run(resuming);
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the JVM is exiting on a signal: the hook waits for us
                    }
                }
                String phases = r.times().summary(); // empty when this session trained no step
                Log.info("%speak RSS %s", phases.isEmpty() ? "" : "time per phase (this session): " + phases + "; ",
                        Quantity.si(peakRssBytes(), "B"));
                Log.info("done: %s, %s tokens in %s; final train loss %.4f, val loss %s; release in %s",
                        Quantity.plural(r.steps(), "step"),
                        Quantity.human(r.tokens()), Progress.duration(r.wallSeconds()), r.finalLoss(),
                        Double.isFinite(r.finalValLoss()) ? String.format(Locale.ROOT, "%.4f", r.finalValLoss()) : "-",
                        out);
                return r.interrupted() ? 130 : 0;
            }
        } catch (Throwable e) {
            leftovers.remove(); // a run that never started leaves nothing behind
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(early);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting on a signal: the hook has run or is running
            }
        }
    }

    /** What a previous run leaves in --out ({@code --overwrite} sets these aside; data/ is reused or replaced). */
    private static final List<String> RUN_FILES = List.of(Release.CONFIG, Release.WEIGHTS, Release.WEIGHTS_INDEX,
            Release.TOKENIZER, TrainingRun.FILE, "metrics.jsonl", "loss.svg", llm.train.Checkpoint.FILE, RUN_FILE);
    private static final String PREVIOUS = ".llm-previous-run";

    /**
     * {@code --overwrite}: when --out holds a run (a release, a checkpoint or run.json), its files are moved into
     * {@code --out/.llm-previous-run}, put back if this run fails or is stopped before its first step, and deleted
     * once it starts. Files of other names, and data/, are left where they are. Null when there is nothing to move.
     */
    private Path setAsidePreviousRun() throws IOException {
        boolean aRun = java.util.stream.Stream.of(Release.CONFIG, Release.WEIGHTS, llm.train.Checkpoint.FILE, RUN_FILE)
                .anyMatch(f -> Files.exists(out.resolve(f)));
        if (!aRun) {
            return null;
        }
        Path aside = out.resolve(PREVIOUS);
        if (Files.exists(aside)) {
            throw UserException.runtime(aside + ": left by an earlier --overwrite that did not finish: move its files"
                    + " back into " + out + " or delete it");
        }
        Files.createDirectory(aside);
        List<String> moved = new ArrayList<>();
        for (String n : RUN_FILES) {
            if (Files.exists(out.resolve(n), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.move(out.resolve(n), aside.resolve(n));
                moved.add(n);
            }
        }
        Log.info("--overwrite: set aside the previous run's %s (deleted once this run starts)", String.join(", ", moved));
        return aside;
    }

    private void restorePreviousRun(Path aside) {
        if (aside == null) {
            return;
        }
        for (String n : RUN_FILES) {
            try {
                if (Files.exists(aside.resolve(n))) {
                    Files.move(aside.resolve(n), out.resolve(n), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                Log.warn("%s: cannot put it back into %s: %s", aside.resolve(n), out, Inputs.reason(e));
                return;
            }
        }
        try {
            Files.deleteIfExists(aside);
        } catch (IOException e) {
            // not empty: said above
        }
    }

    private static void deletePrevious(Path aside) {
        if (aside == null) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(aside)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            Log.warn("%s: cannot delete the previous run's files: %s", aside, Inputs.reason(e));
        }
    }

    /**
     * Stdin, pipes and process substitutions are read once: each is copied as it is (compressed or not) into
     * {@code --out/data/input-N} (a name not taken yet), which then stands for it — for the tokenizer's pass, the data
     * pass and, through run.json, for {@code --resume}. Updates {@link #data} and {@link #valData}; returns
     * {@code args} with the n-th --data / --val-data value replaced by the n-th element of those lists.
     */
    private List<String> keepStreams(List<String> args, Leftovers leftovers) throws IOException {
        Path dir = Files.createDirectories(out.resolve(DATA_DIR));
        int[] n = {0};
        java.util.function.UnaryOperator<String> keep = spec -> {
            DataSpec d = DataSpec.parse(spec);
            String name = d.path().toString();
            if (!Inputs.isStream(name)) {
                return spec;
            }
            Path copy;
            do {
                copy = dir.resolve("input-" + n[0]++);
            } while (Files.exists(copy, java.nio.file.LinkOption.NOFOLLOW_LINKS));
            leftovers.alsoRemove(copy);
            try {
                Files.move(Inputs.replayable(name), copy);
            } catch (IOException e) {
                throw UserException.runtime(copy + ": cannot keep the contents of " + Inputs.displayName(name) + ": "
                        + Inputs.reason(e));
            }
            Log.info("data: %s kept as %s (read once; --resume reads the copy)", Inputs.displayName(name), copy);
            return copy.toAbsolutePath() + spec.substring(name.length()); // :WEIGHT stays
        };
        data.replaceAll(keep);
        valData.replaceAll(keep);
        int[] at = {0, 0}; // the n-th --data / --val-data value is the n-th element of data / valData
        return mapValues(args, DATA_FLAGS, (flag, v) -> flag.equals("--data") ? data.get(at[0]++) : valData.get(at[1]++));
    }

    /** run.json: the arguments --resume re-parses. */
    private void writeRunFile(List<String> args) throws IOException {
        JsonObject run = new JsonObject();
        JsonArray arr = new JsonArray();
        args.forEach(arr::add);
        run.add("args", arr);
        AtomicFile.writeString(out.resolve(RUN_FILE), new GsonBuilder().setPrettyPrinting().create().toJson(run) + "\n");
    }

    private void writeRelease(LanguageModel model, Tokenizer tok, Path tokFile, Trainer.Result r, ModelShape shape,
                              long stepTokens, Device device, List<Device> replicaDevices, DevicePeak peak,
                              List<TrainingRun.DataSource> sources, long seed) throws IOException {
        JsonObject extra = new JsonObject();
        tok.eos().ifPresent(id -> {
            extra.addProperty("bos_token_id", id);
            extra.addProperty("eos_token_id", id);
        });
        Release.write(out, model, tokFile, extra);
        JsonObject more = new JsonObject();
        more.addProperty("wall_seconds", r.wallSeconds());
        more.addProperty("seconds_note", "seconds counts training steps only; wall_seconds adds evaluation,"
                + " checkpoints and start-up");
        more.addProperty("interrupted", r.interrupted());
        JsonObject phases = new JsonObject();
        r.times().seconds().forEach((k, v) -> phases.addProperty(k, Math.round(v * 1000) / 1000.0));
        more.add("step_seconds_by_phase", phases);
        long rss = peakRssBytes();
        if (rss > 0) {
            more.addProperty("peak_rss_bytes", rss);
        }
        more.addProperty("tokenizer", tok.name());
        JsonArray used = new JsonArray();
        replicaDevices.forEach(d -> used.add(Engines.describe(d)));
        more.add("devices", used); // one entry per replica: ["gpu:0", "gpu:1", ...]
        Path notes = out.resolve("recipe-notes.json");
        if (Files.isRegularFile(notes)) {
            more.add("recipe", JsonParser.parseString(Files.readString(notes, StandardCharsets.UTF_8)));
        }
        TrainingRun run = TrainingRun.of(shape, r.tokens(), r.steps(), stepTokens, r.trainSeconds(),
                device.isGpu() ? gpuName(device) : "cpu", DataParallelDevices.distinct(replicaDevices), Dtype.FP32, peak,
                Double.isFinite(r.finalLoss()) ? r.finalLoss() : null,
                Double.isFinite(r.finalValLoss()) ? r.finalValLoss() : null, seed, sources, more);
        run.write(out);
    }

    private DevicePeak peak(NDManager root, Device device) {
        if (device.isGpu()) {
            String name = gpuName(device);
            return DevicePeak.gpu(name, Dtype.FP32).orElseGet(() -> {
                double f = MatmulPeak.measure(root, 4096, 1.0);
                return new DevicePeak(name, Dtype.FP32, f, "measured fp32 matmul (GPU not in the table)");
            });
        }
        int threads = compute.threads() != null ? compute.threads() : Runtime.getRuntime().availableProcessors();
        DevicePeak measured = DevicePeak.measuredCpu(threads, MatmulPeak.measure(root, 1024, 1.0));
        String mkl = MklDispatch.codePath(); // which kernels the peak (and the training) ran on
        return mkl == null ? measured : new DevicePeak(measured.device(), measured.dtype(), measured.flops(),
                measured.source() + ", MKL " + mkl);
    }

    /** The GPU's name from nvidia-smi, or "cuda:N". */
    static String gpuName(Device device) {
        try {
            Process pr = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i",
                    Integer.toString(device.getDeviceId())).redirectErrorStream(true).start();
            String s = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (pr.waitFor() == 0 && !s.isEmpty()) {
                return s.lines().findFirst().orElse(s);
            }
        } catch (IOException | InterruptedException e) {
            // fall through
        }
        return "cuda:" + device.getDeviceId();
    }

    /** The process's peak resident memory (VmHWM), or 0 where /proc is absent. */
    static long peakRssBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    private static void atLeast(String flag, long value, long min) {
        if (value < min) {
            throw UserException.usage(flag + " must be at least " + min + ", not " + value);
        }
    }

    /** The optimizer steps a checkpoint has done, from its header alone; -1 when it cannot be told. */
    private static long checkpointStep(Path file) {
        try (llm.model.Safetensors.Reader r = new llm.model.Safetensors.Reader(file)) {
            String state = r.metadata().get("llm.train.state");
            return state == null ? -1 : JsonParser.parseString(state).getAsJsonObject().get("step").getAsLong();
        } catch (RuntimeException e) {
            return -1; // loading the checkpoint will say what is wrong with it
        }
    }

    private static int llamaFf(int d) {
        int f = (int) (8.0 * d / 3);
        return (f + 31) / 32 * 32;
    }

    private static int pick(Integer given, Integer fromPreset, String flag) {
        if (given != null) {
            if (given < 1) {
                throw UserException.usage(flag + " must be at least 1, not " + given);
            }
            return given;
        }
        if (fromPreset != null) {
            return fromPreset;
        }
        throw UserException.usage("give " + flag + " or a --preset");
    }
}
