package llm.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import llm.UserException;
import llm.compute.Flops;
import llm.compute.Quantity;
import llm.data.Batches;
import llm.data.CorpusBuilder;
import llm.data.CorpusReader;
import llm.data.DataSpec;
import llm.data.EvalWindows;
import llm.engine.DataParallelDevices;
import llm.engine.DeviceFacts;
import llm.engine.DevicePeak;
import llm.engine.DeviceSpec;
import llm.engine.Engines;
import llm.io.AtomicFile;
import llm.io.Inputs;
import llm.io.Log;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.model.Release;
import llm.tokenizer.Llama2cTokenizer;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import llm.train.AdamW;
import llm.train.DataParallel;
import llm.train.LanguageModelTraining;
import llm.train.Progress;
import llm.train.TokenizerTraining;
import llm.train.Trainer;

/**
 * One {@code llm train} session: the checks that need the file system ({@link #run} reports the first problem
 * before anything is written), then tokenizer → corpus → model → {@link Trainer} → release and training.json in the
 * run's directory. A SIGINT/SIGTERM before the first step removes what the session wrote ({@link Leftovers}); after
 * it, the trainer checkpoints and stops.
 */
public final class TrainSession {
    /** Exit status of a run stopped by a signal. */
    private static final int INTERRUPTED = 130;

    /**
     * How {@code --device}, {@code --threads} and {@code --seed} resolve; each is asked when the checks reach it
     * (an unknown device is reported after the directory checks, and the picked seed is printed then).
     */
    public record Compute(Supplier<DeviceSpec> device, Supplier<Integer> threads, Supplier<Long> givenSeed) {}

    private final TrainPlan plan;
    private final TrainFlags flags;
    private final RunDir dir;
    private final Path out;
    private final boolean resuming;
    private final boolean newBudget;
    private final boolean overwrite;
    private final Compute compute;
    /** run.json's arguments: kept stdin copies and a picked seed go in. */
    private List<String> args;
    /** --data and --val-data, stdin and pipes replaced by their kept copies. */
    private final List<String> data;
    private final List<String> valData;
    private Hardware hardware;
    private long seed;
    /** --tokenizer's bytes, read (and checked) before anything is written; null when one is trained or resumed. */
    private byte[] tokenizerJson;

    private TrainSession(TrainPlan plan, RunDir dir, List<String> args, boolean resuming, boolean newBudget,
                         boolean overwrite, Compute compute) {
        this.plan = plan;
        this.flags = plan.flags();
        this.dir = dir;
        this.out = dir.path();
        this.args = new ArrayList<>(args);
        this.resuming = resuming;
        this.newBudget = newBudget;
        this.overwrite = overwrite;
        this.compute = compute;
        this.data = new ArrayList<>(flags.data());
        this.valData = new ArrayList<>(flags.valData());
    }

    /** A new run in {@code dir} with run.json's {@code args}; {@code overwrite}: set aside a run found there. */
    public static TrainSession fresh(TrainPlan plan, RunDir dir, List<String> args, boolean overwrite,
                                     Compute compute) {
        return new TrainSession(plan, dir, args, false, false, overwrite, compute);
    }

    /** Continues {@code resume}'s checkpoint; run.json becomes {@code keptArgs} when a new budget was given. */
    public static TrainSession resumed(TrainPlan plan, RunDir.Resume resume, List<String> keptArgs, Compute compute) {
        return new TrainSession(plan, resume.dir(), keptArgs, true, resume.newBudget(), false, compute);
    }

    /** The devices the replicas run on and the threads each gets. */
    private record Hardware(Device device, List<Device> replicas, int distinct, Integer threadsGiven) {
        int cpuThreadsPerReplica() {
            int threads = threadsGiven != null ? threadsGiven : Runtime.getRuntime().availableProcessors();
            return Math.max(1, threads / replicas.size());
        }
    }

    /**
     * Locks the run's directory ({@link RunLock}: a second writer is refused at once), checks, then trains; the exit
     * status (0, or 130 when stopped by a signal).
     */
    public int run() throws IOException {
        try (RunLock lock = RunLock.acquire(out, resuming ? "--resume" : "--out")) { // one writer; before any check
            return locked(lock);
        }
    }

    private int locked(RunLock lock) throws IOException {
        int streams = preflight();
        Leftovers leftovers = dir.leftovers(resuming, overwrite);
        Thread early = new Thread(() -> { // SIGINT/SIGTERM before the trainer owns --out (it has its own hook)
            if (leftovers.removeUnlessKept()) {
                lock.close(); // the lock file too (and --out when this run created it)
                Log.warn(resuming ? "interrupted before training resumed: the checkpoint in %s is unchanged"
                        : "interrupted before the first step: nothing to resume; removed what this run had written"
                        + " to %s", out);
            }
        }, "llm-train-early-stop");
        Runtime.getRuntime().addShutdownHook(early);
        try {
            Files.createDirectories(out);
            if (!resuming && streams > 0) {
                args = dir.keepStreams(args, data, valData, leftovers); // read once: kept for the passes and --resume
            }
            Tokenizer tokenizer = tokenizer();
            ModelConfig config = plan.model().config(tokenizer.vocabSize());
            TrainData trainData = TrainData.build(plan, data, valData, tokenizer, dir);
            return train(config, tokenizer, trainData, leftovers);
        } catch (Throwable e) {
            leftovers.remove(); // a run that never started leaves nothing behind
            throw e;
        } finally {
            removeHook(early); // (the hook has run or is running when the JVM is exiting on a signal)
        }
    }

    /** The checks before anything is written, in the order they are reported; returns the stdin/pipe inputs. */
    private int preflight() throws IOException {
        if (resuming) {
            dir.checkResumable(plan.budget().steps());
        }
        List<DataSpec> trainSpecs = data.stream().map(DataSpec::parse).toList();
        if (flags.vocabSize() != null) {
            for (DataSpec spec : trainSpecs) {
                java.nio.file.Path shard = CorpusReader.firstShard(spec.path(), List.of(out));
                if (shard != null) { // in a folder, the file that has the shard magic is named
                    throw UserException.usage("--data " + spec.spec() + ": "
                            + (shard.equals(spec.path()) ? "" : shard + " is a token shard (it has the magic); ")
                            + "a token shard holds the ids of the tokenizer"
                            + " that wrote it, not of one --vocab-size trains: give that --tokenizer instead");
                }
            }
        }
        int streams = checkStreamsOnce();
        dir.checkWritable(resuming, overwrite);
        Long givenSeed = compute.givenSeed().get();
        seed = Engines.resolveSeed(givenSeed); // prints the seed it picked when none was given
        if (!resuming && givenSeed == null) {
            args.add("--seed");
            args.add(Long.toString(seed));
        }
        hardware = hardware();
        if (!resuming && flags.tokenizer() != null) {
            tokenizerJson = readTokenizer(flags.tokenizer());
        }
        for (DataSpec spec : trainSpecs) {
            CorpusReader.checkExists(spec.path());
        }
        for (String path : valData) {
            CorpusReader.checkExists(Path.of(path));
        }
        return streams;
    }

    /** Stdin and each pipe can be given once among --data and --val-data (exit 2); returns how many there are. */
    private int checkStreamsOnce() {
        List<String> names = Stream.concat(data.stream().map(spec -> DataSpec.parse(spec).path().toString()),
                        valData.stream())
                .filter(Inputs::isStream).map(name -> name.equals("/dev/stdin") ? Inputs.STDIN : name).toList();
        if (names.stream().distinct().count() < names.size()) {
            throw UserException.usage(names.stream().filter(Inputs.STDIN::equals).count() > 1
                    ? "stdin ('-') can be given once among --data and --val-data: it is read once"
                    : "a pipe can be given once among --data and --val-data: it is read once");
        }
        return names.size();
    }

    /** --device (exit 2 when absent), --threads and --devices resolved; configures the engine. */
    private Hardware hardware() {
        DeviceSpec spec = compute.device().get();
        Integer threads = compute.threads().get();
        Engines.configure(threads == null ? 0 : threads);
        Device device = Engines.device(spec);
        List<Device> replicas = DataParallelDevices.resolve(spec, device, flags.devices());
        return new Hardware(device, replicas, DataParallelDevices.distinct(replicas), threads);
    }

    /** --tokenizer's tokenizer.json, checked: HuggingFace format with an end-of-text token (exit 2). */
    private static byte[] readTokenizer(Path given) throws IOException {
        Path file = Files.isDirectory(given) ? given.resolve(Release.TOKENIZER) : given;
        if (!Files.isRegularFile(file)) {
            throw UserException.usage("--tokenizer " + given + ": no tokenizer.json there");
        }
        Tokenizer tokenizer = Tokenizers.load(file);
        if (tokenizer instanceof Llama2cTokenizer) { // fail early on a bad file
            throw UserException.usage("--tokenizer " + given + ": a llama2.c tokenizer.bin cannot go into a release"
                    + " (HuggingFace reads tokenizer.json): give a tokenizer.json, or --vocab-size N to train one");
        }
        try {
            CorpusBuilder.endOfText(tokenizer);
        } catch (UserException e) {
            throw UserException.usage("--tokenizer " + given + ": no end-of-text token to separate documents (a"
                    + " tokenizer.json needs an <|endoftext|>-like added token)");
        }
        return Files.readAllBytes(file);
    }

    /** A new run's tokenizer.json (copied or trained) and run.json; then the run's tokenizer. */
    private Tokenizer tokenizer() throws IOException {
        Path file = out.resolve(Release.TOKENIZER);
        if (!resuming) {
            if (tokenizerJson != null) {
                AtomicFile.write(file, tokenizerJson);
            } else {
                TokenizerTraining.train(data, flags.vocabSize(), flags.textField(), file, out);
            }
            dir.writeRunFile(args);
        }
        return Tokenizers.load(file);
    }

    /** Model, device peak and trainer; trains until done or stopped. */
    private int train(ModelConfig config, Tokenizer tokenizer, TrainData trainData, Leftovers leftovers)
            throws IOException {
        double flopsPerToken = Flops.perToken(config);
        Engines.seed(seed);
        try (NDManager root = Engines.newRoot(hardware.device())) {
            DevicePeak peak = DeviceFacts.peak(root, hardware.device(), hardware.threadsGiven());
            LanguageModel model = LanguageModel.create(config, root, seed);
            logPlan(config, model.parameterCount(), flopsPerToken, peak);
            trainData.checkLongEnough(plan.model().ctx());
            Batches batches = trainData.batches(plan, seed);
            EvalWindows validation = trainData.validation(plan);
            ReleaseRecord record = new ReleaseRecord(out, config, plan.budget().stepTokens(),
                    hardware.device(), hardware.replicas(), peak, trainData.mixture(), seed);
            Trainer.ReleaseWriter writer = result -> record.write(model, tokenizer, out.resolve(Release.TOKENIZER),
                    result);
            LanguageModelTraining trainModel = new LanguageModelTraining(model);
            Trainer trainer = Trainer.builder(trainModel, root, settings(trainData.samplePrompt(flags, tokenizer)))
                    .data(batches, validation.count() > 0 ? validation : null)
                    .output(out, writer)
                    .tokenizer(tokenizer)
                    .mfu(flopsPerToken, peak.flops() * hardware.distinct())
                    .progress(progress())
                    .build();
            DataParallel replicas = hardware.replicas().size() == 1 ? null : DataParallel.create(trainModel, root,
                    hardware.replicas(),
                    device -> new LanguageModelTraining(LanguageModel.create(config, device, seed)));
            if (replicas != null) {
                replicas.cpuThreadsPerReplica(hardware.cpuThreadsPerReplica());
                trainer.dataParallel(replicas);
            }
            Trainer.Result result = runTrainer(trainer, replicas, leftovers);
            if (result == null) {
                return INTERRUPTED;
            }
            logDone(result);
            return result.interrupted() ? INTERRUPTED : 0;
        }
    }

    /**
     * Runs the loop with a shutdown hook that asks it to stop (it checkpoints first); null when a signal came before
     * the run claimed --out (the early hook has cleaned up and said so).
     */
    private Trainer.Result runTrainer(Trainer trainer, DataParallel replicas, Leftovers leftovers) throws IOException {
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                trainer.awaitFinished(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "llm-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        // (on Ctrl-C, AtomicFile's hook waits for the checkpoint being saved before deleting temporary files)
        try (replicas; AtomicFile.Deferral saving = AtomicFile.deferCleanup()) {
            if (!leftovers.claim()) {
                trainer.skip(); // (the stop hook waits for a run that will not come)
                return null;
            }
            if (newBudget) { // the resume is on: run.json keeps its budget
                dir.writeRunFile(args);
            }
            return trainer.run(resuming);
        } finally {
            removeHook(hook); // (the hook waits for us when the JVM is exiting on a signal)
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting on a signal
        }
    }

    /** The loop's settings; {@code samplePrompt} null for no sample. */
    private Trainer.Settings settings(String samplePrompt) {
        TrainPlan.Budget budget = plan.budget();
        return Trainer.Settings.builder()
                .batch(flags.batch(), plan.model().ctx())
                .accum(budget.accum())
                .steps(budget.steps(), plan.schedule())
                .clip(flags.clip())
                .adam(new AdamW.Hyper(0.9, 0.95, 1e-8, flags.weightDecay()))
                .logEvery(flags.logEvery())
                .evalEvery(flags.evalEvery(), flags.evalBatches())
                .saveEvery(flags.saveEvery())
                .seed(seed)
                .sample(samplePrompt, flags.sampleTokens())
                .build();
    }

    private Progress progress() {
        boolean quiet = Log.level() == Log.Level.QUIET; // -q: no progress lines, only warnings and errors
        return new Progress(quiet ? new PrintStream(OutputStream.nullOutputStream()) : Log.err(),
                Log.stderrIsTerminal() && !quiet, flags.logEvery(), plan.budget().steps());
    }

    /** The model and training lines of stderr. */
    private void logPlan(ModelConfig config, long parameters, double flopsPerToken, DevicePeak peak) {
        TrainPlan.Model model = plan.model();
        int devices = flags.devices();
        List<Device> replicas = hardware.replicas();
        String where = replicas.size() == 1 ? Engines.describe(hardware.device()) : hardware.distinct() == 1
                ? replicas.size() + " replicas on the CPU ("
                        + Quantity.plural(hardware.cpuThreadsPerReplica(), "thread") + " each)"
                : replicas.size() + " replicas on " + replicas.stream().map(Engines::describe).distinct().toList();
        String heads = Quantity.plural(model.heads(), "head")
                + (model.kvHeads() != model.heads() ? " (" + model.kvHeads() + " kv)" : "");
        Log.info("model: %s, %s, %s, d %d, ctx %d, vocab %d: %,d parameters, %.1f MFLOP/token; %s, peak %s%s (%s)",
                model.arch(), Quantity.plural(model.layers(), "layer"), heads, model.dModel(), model.ctx(),
                config.vocabSize(), parameters, flopsPerToken / 1e6, where, Quantity.si(peak.flops(), "FLOP/s"),
                hardware.distinct() > 1 ? " × " + hardware.distinct() : "", peak.source());
        TrainPlan.Budget budget = plan.budget();
        Log.info("training: %s × %,d tokens (batch %d%s × ctx %d × accum %d) = %s tokens; lr %.2e → %.2e, warmup %d",
                Quantity.plural(budget.steps(), "step"), budget.stepTokens(), flags.batch(),
                devices > 1 ? " [" + devices + " replicas × " + flags.batch() / devices + " rows]" : "", model.ctx(),
                budget.accum(), Quantity.human(budget.steps() * budget.stepTokens()), plan.schedule().maxLr(),
                plan.schedule().minLr(), budget.warmup());
    }

    private void logDone(Trainer.Result result) {
        String phases = result.times().summary(); // empty when this session trained no step
        Log.info("%speak RSS %s", phases.isEmpty() ? "" : "time per phase (this session): " + phases + "; ",
                Quantity.si(DeviceFacts.peakRssBytes(), "B"));
        Log.info("done: %s, %s tokens in %s; final train loss %.4f, val loss %s; release in %s",
                Quantity.plural(result.steps(), "step"), Quantity.human(result.tokens()),
                Progress.duration(result.wallSeconds()), result.finalLoss(),
                Double.isFinite(result.finalValLoss())
                        ? String.format(Locale.ROOT, "%.4f", result.finalValLoss()) : "-", out);
    }
}
