package llm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import llm.eval.fewshot.Escapes;
import llm.run.RunDir;
import llm.run.RunLock;
import llm.run.TrainFlags;
import llm.run.TrainPlan;
import llm.run.TrainSession;
import llm.train.Preset;
import llm.train.TrainExit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
                "  default     a first run (the README's example): 4 layers, 4 heads, d 128,",
                "              ctx 256 (the bundled model is 6 layers: recipes/default.sh)",
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
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE, TrainExit.DIVERGED_LINE,
                TrainExit.INTERRUPTED_LINE})
public final class TrainCommand extends LlmCommand {
    @Mixin
    ComputeOptions compute;

    // ---- data ----
    @Option(names = "--data", paramLabel = "PATH[:WEIGHT]",
            description = "Training text (repeatable): a text file (documents cut at <|endoftext|> lines), JSON"
                    + " Lines, a directory, a .tar, any of them .gz/.bz2/.xz/.zst, or a token shard (llm tokenize"
                    + " --bin); - for stdin. WEIGHT = passes per epoch (default 1), e.g. wiki.txt:10; a fraction sees"
                    + " that share of the source's windows per epoch, e.g. web.jsonl:0.5.")
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
        public Iterator<String> iterator() {
            return Preset.ALL.stream().map(Preset::name).iterator();
        }
    }

    /** Shell completion for --arch. */
    static final class ArchNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
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

    @Option(names = "--lr", paramLabel = "X", defaultValue = "1e-3",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr = 1e-3;

    @Option(names = "--min-lr", paramLabel = "X",
            description = "Final learning rate of the cosine decay (default --lr / 10).")
    Double minLr;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Linear warmup steps (default: 5%% of the steps, at most 200).")
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

    @Option(names = "--sample-prompt", paramLabel = "TEXT", description = "Prompt of the greedy sample at each"
            + " evaluation; " + Escapes.HELP + " (default: the training text's first words, up to 4 of its first"
            + " line, e.g. First Citizen:).")
    String samplePrompt;

    @Option(names = "--sample-tokens", paramLabel = "N", defaultValue = "24",
            description = "Tokens in that sample; 0 for none (default: ${DEFAULT-VALUE}).")
    int sampleTokens = 24;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "10",
            description = "A progress line every N steps when stderr is not a terminal (default: ${DEFAULT-VALUE}).")
    int logEvery = 10;

    @Option(names = "--save-every", paramLabel = "N", defaultValue = "200",
            description = "Checkpoint every N steps; also at the end and on SIGINT/SIGTERM"
                    + " (default: ${DEFAULT-VALUE}).")
    int saveEvery = 200;

    // ---- where ----
    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (the release and the run's files). One run writes to it at a"
            + " time: while it runs, it holds a lock there (" + RunLock.FILE + ", removed at the end), and another"
            + " train --out or --resume of that directory is refused at once (exit 2).")
    Path out;

    @Option(names = "--overwrite",
            description = "Replace a release already in --out (config.json or model.safetensors there); without it"
                    + " such a directory is refused.")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its checkpoint, with the arguments it was started with"
                    + " (run.json); " + RunDir.RESUME_FLAGS_TEXT + " may be given again (a new --steps or --tokens"
                    + " replaces the run's budget and is kept in run.json).")
    Path resume;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "1",
            description = "Train data-parallel on N GPUs of this machine, each taking --batch / N rows of every"
                    + " micro-batch (--batch must be a multiple of N; needs the CUDA libtorch, see below); with"
                    + " --device cpu, N replicas on the CPU's cores"
                    + " (default: ${DEFAULT-VALUE}).")
    int devices = 1;

    /** The arguments as given (for run.json; @argfiles read, so paths show), without the root command's. */
    private List<String> originalArgs() {
        if (spec.commandLine().getParseResult() == null) {
            return List.of();
        }
        List<String> all = spec.commandLine().getParseResult().expandedArgs();
        int at = all.indexOf("train"); // the root's arguments come first
        return at >= 0 && spec.commandLine().getParent() != null ? all.subList(at + 1, all.size()) : all;
    }

    @Override
    public Integer call() throws IOException {
        if (resume != null) {
            return resumeRun();
        }
        RunDir dir = RunDir.of(out);
        List<String> args = RunDir.runArgs(originalArgs());
        return TrainSession.fresh(TrainPlan.of(flags()), dir, args, overwrite, computeChoice()).run();
    }

    /** {@code --resume DIR}: the stored arguments, a few overridden, parsed again; then continue. */
    private int resumeRun() throws IOException {
        RunDir.Resume resumed = RunDir.resume(resume, new ArrayList<>(originalArgs()));
        TrainCommand again = new TrainCommand();
        CommandLine parser = new CommandLine(again).setOverwrittenOptionsAllowed(true);
        parser.setOut(spec.commandLine().getOut());
        parser.setErr(spec.commandLine().getErr());
        parser.parseArgs(resumed.merged().toArray(new String[0]));
        List<String> kept = resumed.keptArgs(again.steps, again.tokens);
        TrainPlan plan = TrainPlan.of(again.flags());
        return TrainSession.resumed(plan, resumed, kept, again.computeChoice()).run();
    }

    private TrainSession.Compute computeChoice() {
        return new TrainSession.Compute(compute::deviceSpec, compute::threads, compute::seedOrNull);
    }

    private TrainFlags flags() {
        return TrainFlags.builder()
                .data(data).valData(valData).valFraction(valFraction).textField(textField)
                .tokenizer(tokenizer).vocabSize(vocabSize)
                .preset(preset).arch(arch).layers(layers).heads(heads).kvHeads(kvHeads).dModel(dModel).ctx(ctx)
                .steps(steps).tokens(tokens).batch(batch).batchTokens(batchTokens).devices(devices)
                .lr(lr).minLr(minLr).warmup(warmup).weightDecay(weightDecay).clip(clip)
                .evalEvery(evalEvery).evalBatches(evalBatches)
                .samplePrompt(Escapes.decode("--sample-prompt", samplePrompt)).sampleTokens(sampleTokens)
                .logEvery(logEvery).saveEvery(saveEvery)
                .build();
    }
}
