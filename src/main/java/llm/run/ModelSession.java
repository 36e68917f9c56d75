package llm.run;

import ai.djl.ndarray.NDManager;
import llm.engine.DeviceSpec;
import llm.engine.Engines;
import llm.eval.LogProbs;
import llm.generate.Stepper;
import llm.model.Decoder;
import llm.model.LanguageModel;
import llm.model.ModelArrays;
import llm.model.ModelConfig;
import llm.model.Models;
import llm.tokenizer.Tokenizer;

/**
 * One model opened for one command: the model (on the engine, under a root manager this session owns) or, for
 * decoding on a CPU-only machine, its weights as plain Java arrays with the engine never started; the tokenizer
 * (checked against the model's vocabulary). Offers a decoder, {@link LogProbs} and a batched continuer. Close it
 * to free the native memory.
 */
public final class ModelSession implements AutoCloseable {
    private final ModelRef ref;
    private final NDManager root;       // null when engine-free
    private final LanguageModel model;  // null when engine-free
    private ModelArrays arrays;         // engine-free only, until a decoder takes them
    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final int threads;
    private final long loadNanos;

    /** What was read: the model on the engine under its root manager, or (engine-free) its arrays alone. */
    private record Weights(NDManager root, LanguageModel model, ModelArrays arrays) {
        ModelConfig config() {
            return model != null ? model.config() : arrays.config();
        }
    }

    private ModelSession(ModelRef ref, Weights weights, Tokenizer tokenizer, int threads, long loadNanos) {
        this.ref = ref;
        this.root = weights.root();
        this.model = weights.model();
        this.arrays = weights.arrays();
        this.config = weights.config();
        this.tokenizer = tokenizer;
        this.threads = threads;
        this.loadNanos = loadNanos;
    }

    /** The weights read since {@code loadStart}: add the tokenizer, checked against the model's vocabulary. */
    private static ModelSession withTokenizer(ModelRef ref, Weights weights, int threads, long loadStart) {
        Tokenizer tokenizer = ref.loadTokenizer();
        long loadNanos = System.nanoTime() - loadStart;
        ModelRef.checkCompatible(tokenizer, weights.config());
        return new ModelSession(ref, weights, tokenizer, threads, loadNanos);
    }

    /** Load the model on the engine at {@code where}, then its tokenizer. */
    public static ModelSession open(ModelRef ref, Placement where) {
        NDManager root = Engines.newRoot(where.device());
        try {
            long t0 = System.nanoTime();
            Weights weights = new Weights(root, Models.load(ref.path(), ref.format(), root), null);
            return withTokenizer(ref, weights, where.threads(), t0);
        } catch (RuntimeException | Error e) {
            root.close();
            throw e;
        }
    }

    /**
     * Open for decoding only ({@code llm sample}). On a CPU-only machine the Java decoder needs no tensors, so the
     * weights are read into arrays and libtorch's start-up (~0.5 s of a short run) is skipped; the system properties
     * {@code -Dllm.decoder=djl} or {@code -Dllm.engineFree=false} load through the engine anyway (for comparisons).
     * Off the GPU the JIT first starts compiling the CPU decoder on steps of this model's shape while it loads.
     */
    public static ModelSession openForDecoding(ModelRef ref, DeviceSpec device, int threads) {
        if (device.kind() != DeviceSpec.Kind.GPU) {
            Decoder.warmUp(ref.peekConfig(), threads);
        }
        boolean engineFree = Engines.cpuOnly(device) && !"djl".equals(System.getProperty("llm.decoder"))
                && !"false".equals(System.getProperty("llm.engineFree"));
        if (!engineFree) {
            return open(ref, Placement.resolve(device, threads));
        }
        long t0 = System.nanoTime();
        return withTokenizer(ref, new Weights(null, null, Models.loadArrays(ref.path(), ref.format())), threads, t0);
    }

    /** Where the model came from (its format decides end-of-text and printing conventions). */
    public ModelRef ref() {
        return ref;
    }

    /** The tokenizer, checked to fit the model's vocabulary. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Whether the engine was left unstarted (the weights are Java arrays). */
    public boolean engineFree() {
        return root == null;
    }

    /** Seconds spent reading the model and its tokenizer. */
    public double loadSeconds() {
        return loadNanos / 1e9;
    }

    /** Parameters of the model as loaded. */
    public long parameterCount() {
        return model != null ? model.parameterCount() : arrays.parameterCount();
    }

    /** The model's shape. */
    public ModelConfig config() {
        return config;
    }

    /**
     * A one-row decoder holding {@code capacity} positions: the Java decoder when engine-free (it takes the arrays:
     * call this once), else the model's default. The caller closes it.
     */
    public Decoder decoder(int capacity) {
        if (root == null) {
            Decoder d = new Decoder(arrays, 1, capacity, threads);
            arrays = null; // the decoder keeps what it needs: let the rest go
            return d;
        }
        return new Decoder(model, root, 1, capacity, Decoder.Impl.AUTO, threads);
    }

    /** A decoder as the generation loop sees it, restarted at each prompt. */
    public static Stepper stepper(Decoder decoder) {
        return new DecoderStepper(decoder, decoder.capacity());
    }

    /** Log-probabilities of targets under this model (engine only). */
    public LogProbs logProbs() {
        return new ModelLogProbs(engineModel(), root);
    }

    /**
     * Batched continuation for memorization checks (engine only); {@code vocabLimit} is the tokenizer's vocabulary
     * size (ids from it up are never picked). The caller closes it.
     */
    public ModelContinuer continuer(int vocabLimit) {
        return new ModelContinuer(engineModel(), root, threads, vocabLimit);
    }

    private LanguageModel engineModel() {
        if (model == null) {
            throw new IllegalStateException("opened without the engine (openForDecoding)");
        }
        return model;
    }

    @Override
    public void close() {
        if (root != null) {
            root.close();
        }
    }
}
