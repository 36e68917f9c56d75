package llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import llm.UserException;
import llm.data.Batches;
import llm.data.EvalWindows;
import llm.engine.Engines;
import llm.io.AtomicFile;
import llm.tokenizer.Tokenizer;

/**
 * The training loop, nanoGPT-style. Each optimizer step:
 * <ol>
 *   <li>for each of {@code accum} micro-batches: forward, cross-entropy, backward (gradients add up);</li>
 *   <li>global gradient norm; stop on NaN/inf (the last good checkpoint stays);</li>
 *   <li>AdamW with this step's learning rate, gradients scaled by 1/accum and clipped to {@code clip};</li>
 *   <li>log a line to {@code metrics.jsonl} and the progress display;</li>
 *   <li>every {@code evalEvery} steps: validation loss and a greedy sample; every {@code saveEvery}: a checkpoint.</li>
 * </ol>
 * A stop request (SIGINT/SIGTERM through {@link #requestStop()}) is honoured between steps: the loop writes a
 * checkpoint and the release, then returns.
 *
 * <p>Data-parallel ({@link #dataParallel}): step 1 splits each micro-batch across the replicas, their gradients are
 * summed into this trainer's model before step 2, and its updated weights are copied back to the replicas after
 * step 3 (see {@link DataParallel}). Everything else sees only this trainer's model.
 */
public final class Trainer {
    /**
     * How to train.
     *
     * @param batchSize    rows per micro-batch (B)
     * @param seqLen       tokens per row (T)
     * @param accum        micro-batches per optimizer step (gradient accumulation)
     * @param steps        optimizer steps to reach
     * @param schedule     learning rate per step
     * @param clip         max global gradient norm (0: no clipping)
     * @param adam         AdamW hyperparameters
     * @param logEvery     progress line interval when stderr is not a terminal
     * @param evalEvery    validation interval in steps (0: only at the end)
     * @param evalBatches  batches per validation
     * @param saveEvery    checkpoint interval in steps (0: only at the end and on a stop request)
     * @param seed         the run's seed (recorded)
     * @param samplePrompt prompt of the greedy sample shown at each evaluation (null: none)
     * @param sampleTokens tokens in that sample
     */
    public record Settings(int batchSize, int seqLen, int accum, long steps, LrSchedule schedule, double clip,
                           AdamW.Hyper adam, int logEvery, int evalEvery, int evalBatches, int saveEvery, long seed,
                           String samplePrompt, int sampleTokens) {
        public long tokensPerStep() {
            return (long) batchSize * seqLen * accum;
        }

        /**
         * Named settings; unset: accum 1, no clipping, {@link AdamW.Hyper#GPT}, a progress line every 10 steps,
         * validation and checkpoints only at the end, seed 0, no sample. Batch, context, steps and schedule must be
         * set.
         */
        public static SettingsBuilder builder() {
            return new SettingsBuilder();
        }
    }

    /** Builds {@link Settings} by name. */
    public static final class SettingsBuilder {
        private int batchSize;
        private int seqLen;
        private int accum = 1;
        private long steps;
        private LrSchedule schedule;
        private double clip;
        private AdamW.Hyper adam = AdamW.Hyper.GPT;
        private int logEvery = 10;
        private int evalEvery;
        private int evalBatches = 1;
        private int saveEvery;
        private long seed;
        private String samplePrompt;
        private int sampleTokens;

        private SettingsBuilder() {}

        /** B rows of T tokens per micro-batch. */
        public SettingsBuilder batch(int rows, int tokensPerRow) {
            this.batchSize = rows;
            this.seqLen = tokensPerRow;
            return this;
        }

        public SettingsBuilder accum(int microBatchesPerStep) {
            this.accum = microBatchesPerStep;
            return this;
        }

        /** The steps to reach and the learning rate per step. */
        public SettingsBuilder steps(long total, LrSchedule lrSchedule) {
            this.steps = total;
            this.schedule = lrSchedule;
            return this;
        }

        public SettingsBuilder clip(double maxGradNorm) {
            this.clip = maxGradNorm;
            return this;
        }

        public SettingsBuilder adam(AdamW.Hyper hyper) {
            this.adam = hyper;
            return this;
        }

        public SettingsBuilder logEvery(int steps) {
            this.logEvery = steps;
            return this;
        }

        /** Validation every {@code steps} steps (0: only at the end), over {@code batches} batches. */
        public SettingsBuilder evalEvery(int steps, int batches) {
            this.evalEvery = steps;
            this.evalBatches = batches;
            return this;
        }

        public SettingsBuilder saveEvery(int steps) {
            this.saveEvery = steps;
            return this;
        }

        public SettingsBuilder seed(long value) {
            this.seed = value;
            return this;
        }

        /** The greedy sample at each evaluation: {@code tokens} after {@code prompt} (null or 0: none). */
        public SettingsBuilder sample(String prompt, int tokens) {
            this.samplePrompt = prompt;
            this.sampleTokens = tokens;
            return this;
        }

        public Settings build() {
            if (schedule == null || batchSize < 1 || seqLen < 1) {
                throw new IllegalStateException("Trainer.Settings: batch and steps must be set");
            }
            return new Settings(batchSize, seqLen, accum, steps, schedule, clip, adam, logEvery, evalEvery,
                    evalBatches, saveEvery, seed, samplePrompt, sampleTokens);
        }
    }

    /** What a run did. */
    public record Result(long steps, long tokens, double trainSeconds, double wallSeconds, double finalLoss,
                         double finalValLoss, boolean interrupted, PhaseTimes times) {}

    /** Writes the release (config, weights, tokenizer, training.json) into the output directory. */
    public interface ReleaseWriter {
        void write(Result result) throws IOException;
    }

    private final TrainModel model;
    private final NDManager root;
    private final Batches train;
    private final EvalWindows val;
    private final Settings s;
    private final Path out;
    private final Tokenizer tokenizer;
    private final double flopsPerToken;
    private final double peakFlops;
    private final Progress progress;
    private final ReleaseWriter release;
    private final Map<String, NDArray> params;
    private final PhaseTimes times = new PhaseTimes();
    private volatile boolean stopRequested;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Test hook: throw after this many steps without saving, as a kill -9 would (0 = never). */
    private long crashAfter;
    /** Replicas on other devices, or null: one device. */
    private DataParallel replicas;

    private Trainer(Builder b) {
        this.model = b.model;
        this.root = b.root;
        this.train = b.train;
        this.val = b.val;
        this.s = b.settings;
        this.out = b.out;
        this.tokenizer = b.tokenizer;
        this.flopsPerToken = b.flopsPerToken;
        this.peakFlops = b.peakFlops;
        this.progress = b.progress;
        this.release = b.release;
        this.params = model.parameters();
    }

    /**
     * A trainer of {@code model} (its arrays under {@code root}) with {@code settings}; the rest is set by name:
     * {@code Trainer.builder(model, root, settings).data(train, val).output(out, release).progress(progress).build()}.
     */
    public static Builder builder(TrainModel model, NDManager root, Settings settings) {
        return new Builder(model, root, settings);
    }

    /** Builds a {@link Trainer} by name; data, output and progress must be set. */
    public static final class Builder {
        private final TrainModel model;
        private final NDManager root;
        private final Settings settings;
        private Batches train;
        private EvalWindows val;
        private Path out;
        private ReleaseWriter release;
        private Tokenizer tokenizer;
        private double flopsPerToken;
        private double peakFlops;
        private Progress progress;

        private Builder(TrainModel model, NDManager root, Settings settings) {
            this.model = model;
            this.root = root;
            this.settings = settings;
        }

        /** The training batches, and the validation windows (null: no validation loss). */
        public Builder data(Batches trainBatches, EvalWindows validation) {
            this.train = trainBatches;
            this.val = validation;
            return this;
        }

        /** Where the metrics and checkpoints go, and what writes the release there. */
        public Builder output(Path dir, ReleaseWriter releaseWriter) {
            this.out = dir;
            this.release = releaseWriter;
            return this;
        }

        /** The tokenizer of the greedy sample at each evaluation (unset: no sample). */
        public Builder tokenizer(Tokenizer value) {
            this.tokenizer = value;
            return this;
        }

        /** Model FLOPs per token and the devices' peak FLOP/s, for the MFU (unset: no MFU). */
        public Builder mfu(double modelFlopsPerToken, double peakFlopsPerSecond) {
            this.flopsPerToken = modelFlopsPerToken;
            this.peakFlops = peakFlopsPerSecond;
            return this;
        }

        public Builder progress(Progress value) {
            this.progress = value;
            return this;
        }

        public Trainer build() {
            if (train == null || out == null || release == null || progress == null) {
                throw new IllegalStateException("Trainer: data, output and progress must be set");
            }
            return new Trainer(this);
        }
    }

    /** Ask the loop to checkpoint and stop after the current step (safe from a signal handler thread). */
    public void requestStop() {
        stopRequested = true;
    }

    /** {@link #run} will not be called (the process is stopping first): {@link #awaitFinished} need not wait. */
    public void skip() {
        finished.countDown();
    }

    /** Wait until {@link #run} has returned or thrown, or {@link #skip} was called. */
    public boolean awaitFinished(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Where this session's training-step time went, by phase. */
    public PhaseTimes times() {
        return times;
    }

    void crashAfter(long steps) {
        this.crashAfter = steps;
    }

    /**
     * Train data-parallel across {@code replicas}, whose replica 0 must be this trainer's model. The micro-batch
     * (B rows) is split across them, so B must be a multiple of their number. Call before {@link #run}.
     */
    public void dataParallel(DataParallel replicas) {
        if (replicas.primary() != model) {
            throw new IllegalArgumentException("replica 0 must be the trainer's model");
        }
        if (s.batchSize() % replicas.size() != 0) {
            throw new IllegalArgumentException("batch " + s.batchSize() + " is not a multiple of " + replicas.size()
                    + " replicas");
        }
        this.replicas = replicas;
    }

    /** Train from scratch, or from {@code out/checkpoint.safetensors} when {@code resume}. */
    public Result run(boolean resume) throws IOException {
        try {
            return loop(resume);
        } finally {
            finished.countDown();
        }
    }

    private Result loop(boolean resume) throws IOException {
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
        Files.createDirectories(out);
        Path ckptFile = out.resolve(Checkpoint.FILE);
        try (AdamW opt = new AdamW(params, root, s.adam())) {
            Checkpoint.State st = new Checkpoint.State(0, 0, 0, 0, train.state(), s.seed(), Double.NaN, Double.NaN);
            MetricsLog metrics;
            if (resume) {
                try (NDManager scope = Engines.step(root)) {
                    st = Checkpoint.load(ckptFile, params, opt, scope);
                }
                train.restore(st.data());
                metrics = MetricsLog.resume(out.resolve("metrics.jsonl"), st.step());
                progress.message(String.format(Locale.ROOT, "resuming at step %d (%s tokens seen)", st.step(),
                        LossPlot.tokens(st.tokens())));
            } else {
                metrics = MetricsLog.create(out.resolve("metrics.jsonl"));
            }
            if (replicas != null) {
                replicas.start(); // every replica starts from the (possibly just loaded) weights of replica 0
            }
            try (metrics) {
                return steps(opt, st, metrics, ckptFile);
            }
        }
    }

    private Result steps(AdamW opt, Checkpoint.State st, MetricsLog metrics, Path ckptFile) throws IOException {
        final int b = s.batchSize();
        final int t = s.seqLen();
        long step = st.step();
        long tokens = st.tokens();
        double trainSeconds = st.trainSeconds();
        double lastLoss = st.lastLoss();
        double lastVal = st.lastValLoss();
        long lastSaved = step;
        long sessionStart = System.nanoTime();
        double wallBefore = st.wallSeconds();
        double stepEma = Double.NaN;
        boolean interrupted = false;

        while (step < s.steps()) {
            if (stopRequested) {
                interrupted = true;
                break;
            }
            double lr = s.schedule().lr(step);
            long t0 = System.nanoTime();

            // 1. forward and backward over the micro-batches; gradients accumulate in the parameters
            double lossSum = 0;
            for (int micro = 0; micro < s.accum(); micro++) {
                long ta = System.nanoTime();
                int[] batch = train.next();                         // (B, T+1)
                if (replicas != null) {
                    times.add("data", System.nanoTime() - ta);
                    lossSum += replicas.forwardBackward(batch, b, t, times); // each replica takes B/N rows
                    continue;
                }
                try (NDManager sm = Engines.step(root);
                     GradientCollector gc = Engines.engine().newGradientCollector()) {
                    NDArray xy = sm.create(batch, new Shape(b, t + 1));
                    NDArray x = xy.get(new NDIndex(":, :-1"));      // (B, T) inputs
                    NDArray y = xy.get(new NDIndex(":, 1:"));       // (B, T) targets
                    long tb = System.nanoTime();
                    NDArray logits = model.forward(x);              // (B, T, V)
                    NDArray loss = CrossEntropy.loss(logits, y);    // scalar, mean over B·T
                    lossSum += loss.getFloat();                     // waits for the forward pass (GPU)
                    long tc = System.nanoTime();
                    gc.backward(loss);
                    long td = System.nanoTime();
                    times.add("data", tb - ta);
                    times.add("forward", tc - tb);
                    times.add("backward", td - tc);
                }
            }
            double loss = lossSum / s.accum();
            if (replicas != null) {
                long tr = System.nanoTime();
                replicas.allReduce();                               // replica 0 now holds the whole batch's gradient
                times.add("all_reduce", System.nanoTime() - tr);
            }
            long te = System.nanoTime();

            // 2. the gradient is the mean over micro-batches: sum / accum; clip its global norm
            double norm;
            try (NDManager sm = Engines.step(root)) {
                norm = Gradients.globalNorm(params.values(), sm) / s.accum();
            }
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                String kept = Files.exists(ckptFile)
                        ? String.format(Locale.ROOT, "the last good checkpoint (step %d) is kept in %s", lastSaved, ckptFile)
                        : "no checkpoint had been written yet";
                throw new UserException(TrainExit.DIVERGED, String.format(Locale.ROOT,
                        "step %d: the loss is %s (gradient norm %s%s); stopped: %s. Try a lower --lr", step + 1, loss,
                        norm, nonFinite(), kept));
            }

            // 3. AdamW
            long tf = System.nanoTime();
            opt.step(lr, Gradients.clipScale(norm, s.clip()) / s.accum());
            long tg = System.nanoTime();
            times.add("grad_norm", tf - te);
            times.add("optimizer", tg - tf);
            if (replicas != null) {
                replicas.broadcast();                               // the replicas take replica 0's new weights
                times.add("broadcast", System.nanoTime() - tg);
            }
            step++;
            tokens += s.tokensPerStep();
            lastLoss = loss;
            double dt = (System.nanoTime() - t0) / 1e9;
            trainSeconds += dt;
            stepEma = Double.isNaN(stepEma) ? dt : 0.9 * stepEma + 0.1 * dt;

            // 4. metrics and progress
            double tps = s.tokensPerStep() / dt;
            double mfu = peakFlops > 0 ? tps * flopsPerToken / peakFlops : Double.NaN;
            double wall = wallBefore + (System.nanoTime() - sessionStart) / 1e9;
            StepMetrics m = new StepMetrics(step, tokens, loss, lr, norm, tps, mfu, wall, Double.NaN);

            // 5. evaluation, checkpoint
            boolean evalNow = val != null && ((s.evalEvery() > 0 && step % s.evalEvery() == 0) || step == s.steps());
            if (evalNow) {
                lastVal = validationLoss();
                m = m.withValLoss(lastVal);
            }
            metrics.append(m);
            progress.step(m, (s.steps() - step) * stepEma);
            if (evalNow) {
                progress.message(String.format(Locale.ROOT, "step %d: val loss %.4f%s", step, lastVal, sampleText()));
                writePlot(metrics);
            }
            if (crashAfter > 0 && step >= crashAfter) {
                throw new IllegalStateException("simulated crash after step " + step);
            }
            if (s.saveEvery() > 0 && step % s.saveEvery() == 0 && step < s.steps()) {
                Checkpoint.save(ckptFile, params, opt, new Checkpoint.State(step, tokens, trainSeconds,
                        wallBefore + (System.nanoTime() - sessionStart) / 1e9, train.state(), s.seed(), lastLoss, lastVal));
                lastSaved = step;
            }
        }
        progress.finish();
        double wall = wallBefore + (System.nanoTime() - sessionStart) / 1e9;
        Checkpoint.save(ckptFile, params, opt, new Checkpoint.State(step, tokens, trainSeconds, wall, train.state(),
                s.seed(), lastLoss, lastVal));
        if (interrupted) {
            progress.message("stopped at step " + step + "; checkpoint written to " + ckptFile
                    + " (continue with --resume " + out + ")");
        }
        writePlot(metrics);
        Result r = new Result(step, tokens, trainSeconds, wall, lastLoss, lastVal, interrupted, times);
        release.write(r);
        return r;
    }

    /** ", not finite in: NAME, ..." for the parameters whose gradient holds NaN or inf. */
    private String nonFinite() {
        List<String> bad = new ArrayList<>();
        try (NDManager sm = Engines.step(root)) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(sm);
                float sq = g.square().sum().getFloat();
                if (!Float.isFinite(sq)) {
                    bad.add(e.getKey());
                }
            }
        }
        return nonFinite(bad, params.size());
    }

    /** At most 3 names, then how many in all (a 124M model has 148 tensors: one line, not a screenful). */
    static String nonFinite(List<String> names, int tensors) {
        if (names.isEmpty()) {
            return "";
        }
        if (names.size() == tensors && tensors > 3) {
            return ", not finite in any of the " + tensors + " tensors";
        }
        return ", not finite in: " + String.join(", ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? ", … (" + names.size() + " of " + tensors + " tensors)" : "");
    }

    /**
     * Mean loss over the fixed validation windows (at most {@code evalBatches} batches of B; the same ones every
     * time, so that evaluations compare).
     */
    public double validationLoss() {
        final int b = s.batchSize();
        final int t = val.seqLen();
        double sum = 0;
        int rows = 0;
        int windows = (int) Math.min(val.count(), (long) s.evalBatches() * b);
        for (int from = 0; from < windows; from += b) {
            int[] batch = val.batch(from, Math.min(b, windows - from)); // (n, T+1)
            int n = batch.length / (t + 1);
            try (NDManager sm = Engines.step(root)) {
                NDArray xy = sm.create(batch, new Shape(n, t + 1));
                NDArray logits = model.forward(xy.get(new NDIndex(":, :-1")));
                sum += n * CrossEntropy.loss(logits, xy.get(new NDIndex(":, 1:"))).getFloat();
            }
            rows += n;
        }
        return sum / rows;
    }

    /** " | sample: ..." — a greedy continuation of the fixed prompt, on one line; empty when there is none. */
    private String sampleText() {
        if (tokenizer == null || s.samplePrompt() == null || s.sampleTokens() <= 0) {
            return "";
        }
        int[] ids = tokenizer.encode(s.samplePrompt());
        if (ids.length == 0) {
            return "";
        }
        int[] all = Arrays.copyOf(ids, ids.length + s.sampleTokens());
        int n = ids.length;
        for (int i = 0; i < s.sampleTokens(); i++) {
            int from = Math.max(0, n - s.seqLen());
            try (NDManager sm = Engines.step(root)) {
                NDArray x = sm.create(Arrays.copyOfRange(all, from, n), new Shape(1, n - from));
                NDArray logits = model.forward(x);                                  // (1, len, V)
                all[n++] = (int) logits.get(new NDIndex("0, -1, :")).argMax().getLong();
            }
        }
        String text = tokenizer.decode(all);
        return " | sample: " + text.replace("\n", "\\n");
    }

    private void writePlot(MetricsLog metrics) throws IOException {
        AtomicFile.writeString(out.resolve("loss.svg"), LossPlot.svg(metrics.all(), "loss — " + out.getFileName()));
    }
}
