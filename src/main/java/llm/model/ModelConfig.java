package llm.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.function.Function;

/**
 * The shape of a model: everything needed to build it, nothing about its weights.
 *
 * <p>Field names are ours; {@link #toHfJson()} / {@link #fromHfJson} map them to HuggingFace's config keys:
 * <pre>
 * field           GPT2Config            LlamaConfig
 * vocabSize       vocab_size            vocab_size
 * ctx             n_positions           max_position_embeddings
 * dModel          n_embd                hidden_size
 * nLayer          n_layer               num_hidden_layers
 * nHead           n_head                num_attention_heads
 * nKvHead         (= n_head)            num_key_value_heads
 * dFf             n_inner (null = 4C)   intermediate_size
 * normEps         layer_norm_epsilon    rms_norm_eps
 * ropeTheta       (unused)              rope_theta
 * tiedEmbeddings  tie_word_embeddings   tie_word_embeddings
 * ropeScaling     (unused)              rope_scaling (null, linear or llama3)
 * </pre>
 */
public record ModelConfig(
        Architecture arch,
        int vocabSize,
        int ctx,
        int dModel,
        int nLayer,
        int nHead,
        int nKvHead,
        int dFf,
        float normEps,
        float ropeTheta,
        boolean tiedEmbeddings,
        RopeScaling ropeScaling) {

    public ModelConfig {
        if (arch == null) {
            throw new IllegalArgumentException("architecture missing");
        }
        positive("vocab_size", vocabSize);
        positive("context length", ctx);
        positive("model width", dModel);
        positive("layers", nLayer);
        positive("heads", nHead);
        positive("kv heads", nKvHead);
        positive("feed-forward width", dFf);
        if (dModel % nHead != 0) {
            throw new IllegalArgumentException("model width " + dModel + " is not a multiple of the " + nHead + " heads");
        }
        if (nHead % nKvHead != 0) {
            throw new IllegalArgumentException(nHead + " heads are not a multiple of the " + nKvHead + " kv heads");
        }
        if (arch == Architecture.GPT2 && nKvHead != nHead) {
            throw new IllegalArgumentException("gpt2 has no grouped-query attention (kv heads must equal heads)");
        }
        if (arch == Architecture.LLAMA && (dModel / nHead) % 2 != 0) {
            throw new IllegalArgumentException("llama head size " + dModel / nHead + " must be even (RoPE)");
        }
        if (ropeScaling != null && arch != Architecture.LLAMA) {
            throw new IllegalArgumentException("rope_scaling applies to llama only");
        }
        if (!(normEps > 0)) {
            throw new IllegalArgumentException("norm epsilon must be positive");
        }
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, not " + v);
        }
    }

    /** A GPT-2 shape: feed-forward 4·C, LayerNorm eps 1e-5, tied embeddings (GPT-2 124M: 50257, 1024, 768, 12, 12). */
    public static ModelConfig gpt2(int vocabSize, int ctx, int dModel, int nLayer, int nHead) {
        return new ModelConfig(Architecture.GPT2, vocabSize, ctx, dModel, nLayer, nHead, nHead, 4 * dModel,
                1e-5f, 10000f, true, null);
    }

    /** A Llama shape: RMSNorm eps 1e-5, rope theta 10000. */
    public static ModelConfig llama(int vocabSize, int ctx, int dModel, int nLayer, int nHead, int nKvHead, int dFf,
            boolean tiedEmbeddings) {
        return new ModelConfig(Architecture.LLAMA, vocabSize, ctx, dModel, nLayer, nHead, nKvHead, dFf, 1e-5f,
                10000f, tiedEmbeddings, null);
    }

    /** The RoPE inverse frequencies (headDim / 2), with {@link #ropeScaling} applied. */
    public float[] ropeInverseFrequencies() {
        return RopeScaling.inverseFrequencies(headDim(), ropeTheta, ropeScaling);
    }

    /** The same config with a RoPE scaling (llama only). */
    public ModelConfig withRopeScaling(RopeScaling scaling) {
        return new ModelConfig(arch, vocabSize, ctx, dModel, nLayer, nHead, nKvHead, dFf, normEps, ropeTheta,
                tiedEmbeddings, scaling);
    }

    public int headDim() {
        return dModel / nHead;
    }

    /** Width of the key/value projections: nKvHead · headDim. */
    public int kvDim() {
        return nKvHead * headDim();
    }

    // ---- parameter counts (HF module layout; a tied head is counted once) ----

    /** Token embedding (wte / embed_tokens): V·d. */
    public long tokenEmbedding() {
        return (long) vocabSize * dModel;
    }

    /** Learned position embedding (wpe): GPT-2 only, ctx·d. */
    public long positionEmbedding() {
        return arch == Architecture.GPT2 ? (long) ctx * dModel : 0;
    }

    /** Parameters without the token and position embeddings (Kaplan et al.'s N); an untied head stays in. */
    public long nonEmbeddingParams() {
        return parameterCount() - tokenEmbedding() - positionEmbedding();
    }

    /**
     * Parameters that take part in a matmul per token: every weight but the embedding lookups, plus the output
     * head (which is the token embedding matrix when tied). This is the N of the 6·N FLOPs term.
     */
    public long matmulParams() {
        return nonEmbeddingParams() + (tiedEmbeddings ? tokenEmbedding() : 0);
    }

    /** The attention width H·head_dim (= d) used by the attention FLOPs term. */
    public int attnDim() {
        return nHead * headDim();
    }

    /** All parameters, tied embeddings counted once (GPT-2 124M: 124,439,808); by part: {@link ParameterCount}. */
    public long parameterCount() {
        return ParameterCount.of(this).total();
    }

    /** This config as a HuggingFace {@code config.json} object ({@code architectures}, {@code model_type}, ...). */
    public JsonObject toHfJson() {
        JsonObject o = new JsonObject();
        JsonArray archs = new JsonArray();
        archs.add(arch.hfClass());
        o.add("architectures", archs);
        o.addProperty("model_type", arch.modelType());
        if (arch == Architecture.GPT2) {
            o.addProperty("vocab_size", vocabSize);
            o.addProperty("n_positions", ctx);
            o.addProperty("n_ctx", ctx);
            o.addProperty("n_embd", dModel);
            o.addProperty("n_layer", nLayer);
            o.addProperty("n_head", nHead);
            if (dFf != 4 * dModel) {
                o.addProperty("n_inner", dFf);
            } else {
                o.add("n_inner", JsonNull.INSTANCE);
            }
            o.addProperty("activation_function", "gelu_new");
            o.addProperty("layer_norm_epsilon", normEps);
            o.addProperty("initializer_range", 0.02);
            o.addProperty("resid_pdrop", 0.0);
            o.addProperty("embd_pdrop", 0.0);
            o.addProperty("attn_pdrop", 0.0);
            o.addProperty("scale_attn_weights", true);
            o.addProperty("tie_word_embeddings", tiedEmbeddings);
        } else {
            o.addProperty("vocab_size", vocabSize);
            o.addProperty("max_position_embeddings", ctx);
            o.addProperty("hidden_size", dModel);
            o.addProperty("intermediate_size", dFf);
            o.addProperty("num_hidden_layers", nLayer);
            o.addProperty("num_attention_heads", nHead);
            o.addProperty("num_key_value_heads", nKvHead);
            o.addProperty("head_dim", headDim());
            o.addProperty("hidden_act", "silu");
            o.addProperty("rms_norm_eps", normEps);
            o.addProperty("rope_theta", ropeTheta);
            o.add("rope_scaling", ropeScaling == null ? JsonNull.INSTANCE : ropeScaling.toHfJson());
            o.addProperty("attention_bias", false);
            o.addProperty("mlp_bias", false);
            o.addProperty("initializer_range", 0.02);
            o.addProperty("tie_word_embeddings", tiedEmbeddings);
        }
        o.addProperty("torch_dtype", "float32");
        return o;
    }

    /**
     * Read a HuggingFace {@code config.json} object of a model this toolkit builds.
     *
     * @throws IllegalArgumentException naming the key that is missing, unsupported or out of range
     */
    public static ModelConfig fromHfJson(JsonObject o) {
        return fromHfJson(o, false);
    }

    /**
     * The shape of a config.json for counting parameters and FLOPs ({@code llm cost}), also of models this toolkit
     * does not run: {@code model_type} mistral reads as llama (the same layout), a config without
     * {@code model_type} is recognised by its keys ({@code n_embd}: gpt2, {@code hidden_size}: llama), and the
     * activation and RoPE scaling, which do not change the counts, are not checked.
     *
     * @throws IllegalArgumentException naming the key that is missing, unsupported or out of range
     */
    public static ModelConfig shapeFromHfJson(JsonObject o) {
        return fromHfJson(o, true);
    }

    private static ModelConfig fromHfJson(JsonObject o, boolean shapeOnly) {
        Architecture arch = architecture(o, shapeOnly);
        if (arch == Architecture.GPT2) {
            int c = intKey(o, "n_embd", null);
            Integer inner = optInt(o, "n_inner");
            String act = optString(o, "activation_function");
            if (!shapeOnly && act != null && !act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
                throw new IllegalArgumentException("activation_function '" + act + "' is not supported (gelu_new or"
                        + " gelu_pytorch_tanh: GELU's tanh approximation)");
            }
            int nHead = intKey(o, "n_head", null);
            return new ModelConfig(arch, intKey(o, "vocab_size", null), intKey(o, "n_positions", "n_ctx"), c,
                    intKey(o, "n_layer", null), nHead, nHead, inner == null ? 4 * c : inner,
                    floatKey(o, "layer_norm_epsilon", 1e-5f), 10000f, boolKey(o, "tie_word_embeddings", true), null);
        }
        int c = intKey(o, "hidden_size", null);
        int nHead = intKey(o, "num_attention_heads", null);
        Integer kv = optInt(o, "num_key_value_heads");
        Integer headDim = optInt(o, "head_dim");
        if (headDim != null && headDim != c / nHead) {
            throw new IllegalArgumentException("head_dim " + headDim + " differs from hidden_size / num_attention_heads"
                    + " (" + c / nHead + "); not supported");
        }
        if (boolKey(o, "attention_bias", false) || boolKey(o, "mlp_bias", false)) {
            throw new IllegalArgumentException("attention_bias / mlp_bias are not supported");
        }
        String act = optString(o, "hidden_act");
        if (!shapeOnly && act != null && !act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (silu)");
        }
        return new ModelConfig(arch, intKey(o, "vocab_size", null), intKey(o, "max_position_embeddings", null), c,
                intKey(o, "num_hidden_layers", null), nHead, kv == null ? nHead : kv,
                intKey(o, "intermediate_size", null), floatKey(o, "rms_norm_eps", 1e-6f),
                floatKey(o, "rope_theta", 10000f), boolKey(o, "tie_word_embeddings", false),
                shapeOnly ? null : RopeScaling.fromHfJson(o.get("rope_scaling")));
    }

    /** From {@code model_type}, else {@code architectures}; {@code shapeOnly}: mistral and key-based guesses too. */
    private static Architecture architecture(JsonObject o, boolean shapeOnly) {
        JsonElement typeValue = o.get("model_type");
        if (typeValue != null && !typeValue.isJsonNull()
                && !(typeValue.isJsonPrimitive() && typeValue.getAsJsonPrimitive().isString())) {
            throw new IllegalArgumentException("model_type is not a string: " + typeValue);
        }
        String type = typeValue == null || typeValue.isJsonNull() ? null : typeValue.getAsString();
        if (type == null && o.has("architectures") && o.get("architectures").isJsonArray()) {
            for (JsonElement e : o.getAsJsonArray("architectures")) {
                for (Architecture a : Architecture.values()) {
                    if (a.hfClass().equals(e.getAsString())) {
                        type = a.modelType();
                    }
                }
            }
        }
        if (type == null && shapeOnly) {
            type = o.has("n_embd") ? "gpt2" : o.has("hidden_size") ? "llama" : null;
        }
        if (type == null) {
            throw new IllegalArgumentException("no model_type (expected gpt2 or llama)");
        }
        Architecture arch = shapeOnly && type.equalsIgnoreCase("mistral") ? Architecture.LLAMA
                : Architecture.fromName(type);
        if (arch == null) {
            throw new IllegalArgumentException("model_type '" + type + "' is not supported (gpt2 or llama)");
        }
        return arch;
    }

    private static int intKey(JsonObject o, String key, String alt) {
        Integer v = optInt(o, key);
        if (v == null && alt != null) {
            v = optInt(o, alt);
        }
        if (v == null) {
            throw new IllegalArgumentException("missing key " + key);
        }
        return v;
    }

    /**
     * An optional whole-number key of a config.json: null when absent or null.
     *
     * @throws IllegalArgumentException "KEY is not a number: VALUE" / "KEY is not an integer: VALUE"
     */
    public static Integer optInt(JsonObject o, String key) {
        Double d = optNumber(o, key, JsonElement::getAsDouble);
        if (d == null) {
            return null;
        }
        if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(key + " is not an integer: " + o.get(key));
        }
        return d.intValue();
    }

    private static float floatKey(JsonObject o, String key, float dflt) {
        Float f = optNumber(o, key, JsonElement::getAsFloat);
        return f == null ? dflt : f;
    }

    /** An optional number read with {@code as}: null when absent or null; "KEY is not a number: VALUE" otherwise. */
    private static <T> T optNumber(JsonObject o, String key, Function<JsonElement, T> as) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        try {
            return as.apply(e);
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException ex) {
            throw new IllegalArgumentException(key + " is not a number: " + e);
        }
    }

    /**
     * An optional true/false key of a config.json.
     *
     * @throws IllegalArgumentException "KEY is not true/false: VALUE"
     */
    public static boolean boolKey(JsonObject o, String key, boolean dflt) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return dflt;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException(key + " is not true/false: " + e);
        }
        return e.getAsBoolean();
    }

    private static String optString(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }
}
