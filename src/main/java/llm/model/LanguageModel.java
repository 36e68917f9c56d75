package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A decoder-only transformer on DJL: {@link Gpt2}, {@link Llama} (also Qwen2, Mistral), {@link GptNeoX}, {@link GptNeo}.
 *
 * <h2>Training with it</h2>
 * <pre>{@code
 * try (NDManager root = Engines.newRoot(device)) {
 *     LanguageModel model = LanguageModel.create(ModelConfig.gpt2(vocab, 256, 256, 4, 8), root, seed);
 *     for (Parameter p : model.parameters()) p.array().setRequiresGradient(true);
 *     for (int step = 0; step < steps; step++) {
 *         try (NDManager s = Engines.step(root);
 *              GradientCollector gc = Engine.getInstance().newGradientCollector()) {
 *             NDArray ids = s.create(batchIds, new Shape(B, T));        // int32 (B, T)
 *             NDArray logits = model.forward(ids);                      // (B, T, V), lives in s
 *             NDArray loss = crossEntropy(logits.reshape(B * T, V), targets);
 *             gc.backward(loss);
 *         }
 *         for (Parameter p : model.parameters()) {                      // outside the collector:
 *             p.array().subi(p.array().getGradient().mul(lr));          // update in place
 *         }
 *     }
 *     Release.write(outDir, model, tokenizerJson, null);
 * }
 * }</pre>
 * Parameters are plain NDArrays in the manager given at construction; their names are the HF tensor names and
 * their order is fixed (embeddings, blocks in order, final norm, head), so optimizer state can be kept per name or
 * per index. Matrices are (out, in) in memory; GPT-2's Conv1D tensors are transposed only on disk
 * ({@link Parameter#conv1d()}). Weight tying: GPT-2's head is {@code wte} itself (no separate parameter).
 *
 * <h2>Generating with it</h2>
 * {@link #newCache} makes a {@link KvCache} for one generation; {@link #forward(NDArray, KvCache, boolean)} feeds
 * the next T tokens of B sequences that are all at the same position.
 */
public abstract sealed class LanguageModel permits Gpt2, Llama, GptNeoX, GptNeo {
    protected final ModelConfig config;
    protected final Map<String, Parameter> params;
    private final NDArray normW, normB; // (C): the final norm; normB null for RMSNorm (the Llama shape)
    private final NDArray lmHead; // (V, C): the token embeddings when tied

    protected LanguageModel(ModelConfig config, List<Parameter> parameters) {
        this.config = config;
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            m.put(p.name(), p);
        }
        this.params = Collections.unmodifiableMap(m);
        String norm = Init.finalNormName(config);
        normW = w(norm + "weight");
        normB = config.arch().llamaShape() ? null : w(norm + "bias");
        lmHead = w(Init.headName(config));
    }

    /** A fresh model with random weights (GPT-2 scheme: N(0, 0.02), residual projections / sqrt(2·layers)). */
    public static LanguageModel create(ModelConfig config, NDManager manager, long seed) {
        return build(config, Init.random(config, manager, seed));
    }

    /** A model over existing parameters (names and shapes as {@link #expectedShapes} lists). */
    public static LanguageModel build(ModelConfig config, List<Parameter> parameters) {
        return switch (config.arch()) {
            case GPT2 -> new Gpt2(config, parameters);
            case LLAMA, QWEN2, MISTRAL -> new Llama(config, parameters);
            case GPT_NEOX -> new GptNeoX(config, parameters);
            case GPT_NEO -> new GptNeo(config, parameters);
        };
    }

    /** Parameter names in order with their in-memory shapes (out, in), and whether HF stores them as Conv1D. */
    public static List<Init.Spec> expectedShapes(ModelConfig config) {
        return Init.specs(config);
    }

    public ModelConfig config() {
        return config;
    }

    /** The parameters in a fixed order, named by their HF tensor names. */
    public List<Parameter> parameters() {
        return List.copyOf(params.values());
    }

    public Parameter parameter(String name) {
        Parameter p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return p;
    }

    protected NDArray w(String name) {
        return parameter(name).array();
    }

    /** One block per layer, in order, each built from its tensor-name prefix {@code prefix + l + "."}. */
    protected <B> B[] blocks(String prefix, IntFunction<B[]> array, Function<String, B> block) {
        B[] blocks = array.apply(config.nLayer());
        for (int l = 0; l < blocks.length; l++) {
            blocks[l] = block.apply(prefix + l + ".");
        }
        return blocks;
    }

    /** Total number of parameters (tied embeddings counted once). */
    public long parameterCount() {
        return params.values().stream().mapToLong(Parameter::size).sum();
    }

    /**
     * Full-sequence forward for training and scoring: ids (B, T) int32 -> logits (B, T, V), in the manager of
     * {@code ids}. Differentiable (use under a GradientCollector).
     */
    public NDArray forward(NDArray ids) {
        return forward(ids, null, false);
    }

    /**
     * Incremental forward: feeds ids (B, T) at positions cache.length() .. +T-1, stores their keys and values in
     * {@code cache} and advances it. Returns logits (B, T, V), or (B, 1, V) for the last position only when
     * {@code lastOnly}. With a null cache this is the full forward from position 0.
     */
    public NDArray forward(NDArray ids, KvCache cache, boolean lastOnly) {
        int t = (int) ids.getShape().get(1);
        int pos = cache == null ? 0 : cache.length();
        if (pos + t > config.ctx()) {
            throw new IllegalArgumentException("positions " + pos + ".." + (pos + t - 1) + " exceed the context "
                    + config.ctx());
        }
        NDArray x = hidden(ids, cache, pos);
        if (cache != null) {
            cache.advance(t);
        }
        if (lastOnly && t > 1) {
            x = x.get(new NDIndex(":, -1:, :"));
        }
        return head(x, cache);
    }

    /** A KV cache for one generation of {@code batch} sequences of up to {@code capacity} positions. */
    public KvCache newCache(NDManager manager, int batch, int capacity) {
        return new KvCache(manager, config, batch, capacity);
    }

    /** The final hidden states before the last norm: (B, T, C). */
    protected abstract NDArray hidden(NDArray ids, KvCache cache, int pos);

    /** Final norm (LayerNorm, or RMSNorm in the Llama shape) and the head: (B, T, C) -> (B, T, V). */
    private NDArray head(NDArray x, KvCache cache) {
        NDArray n = normB == null ? Layers.rmsNorm(x, normW, config.normEps())
                : Layers.layerNorm(x, normW, normB, config.normEps());
        return Layers.linear(cache, n, lmHead, null);
    }
}
