package llm.model;

import static llm.model.ModelConfig.boolKey;
import static llm.model.ModelConfig.floatKey;
import static llm.model.ModelConfig.optInt;
import static llm.model.ModelConfig.optString;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ModelConfig} to and from HuggingFace {@code config.json}: per family, transformers' own keys and, where a
 * key is absent, the default of its {@code configuration_*.py}.
 * <pre>
 * field            GPT2Config           GPTNeoConfig           GPTNeoXConfig              Llama/Qwen2/MistralConfig
 * vocabSize        vocab_size           vocab_size (50257)     vocab_size (50432)         vocab_size
 * ctx              n_positions          max_position_emb. (2048) max_position_emb. (2048) max_position_embeddings
 * dModel           n_embd               hidden_size (2048)     hidden_size (6144)         hidden_size
 * nLayer           n_layer              num_layers (24)        num_hidden_layers (44)     num_hidden_layers
 * nHead            n_head               num_heads (16)         num_attention_heads (64)   num_attention_heads
 * nKvHead          (= n_head)           (= heads)              (= heads)                  num_key_value_heads
 * dFf              n_inner (null = 4C)  intermediate_size (4C) intermediate_size (24576)  intermediate_size
 * normEps          layer_norm_epsilon   layer_norm_epsilon     layer_norm_eps (1e-5)      rms_norm_eps
 * ropeTheta        -                    -                      rotary_emb_base (10000)    rope_theta
 * rotaryDims       -                    -                      int(head · rotary_pct (0.25)) = head
 * headDim          = C/H                = C/H                  = C/H                      head_dim (null = C/H)
 * activation       activation_function  activation_function    hidden_act (gelu)          hidden_act (silu)
 * parallelResidual -                    -                      use_parallel_residual (true) -
 * qkvBias          -                    -                      -                          Qwen2: always
 * windows          -                    attention_types, window_size (256)   -           Mistral: sliding_window
 *                                                                                         Qwen2: use_sliding_window,
 *                                                                                         sliding_window,
 *                                                                                         max_window_layers, layer_types
 * tiedEmbeddings   tie_word_embeddings (true) (true)           (false)                    (false)
 * </pre>
 * A value this cannot run (another activation, a rope type, attention_bias on Llama) is refused with its key.
 */
final class HfConfigs {
    private HfConfigs() {}

    /**
     * @param shapeOnly for counting ({@code llm cost}): a config without {@code model_type} is recognised by its keys,
     *     the activation and the RoPE scaling (which do not change the counts) are not checked
     */
    static ModelConfig fromJson(JsonObject o, boolean shapeOnly) {
        JsonElement typeValue = o.get("model_type");
        if (typeValue != null && !typeValue.isJsonNull()
                && !(typeValue.isJsonPrimitive() && typeValue.getAsJsonPrimitive().isString())) {
            throw new IllegalArgumentException("model_type is not a string: " + typeValue);
        }
        String type = typeValue == null || typeValue.isJsonNull() ? null : typeValue.getAsString();
        if (type == null && o.has("architectures") && o.get("architectures").isJsonArray()) {
            for (JsonElement e : o.getAsJsonArray("architectures")) {
                for (Architecture a : Architecture.values()) {
                    if (e.isJsonPrimitive() && a.hfClass().equals(e.getAsString())) {
                        type = a.modelType();
                    }
                }
            }
        }
        if (type == null && shapeOnly) {
            type = o.has("n_embd") ? "gpt2" : o.has("hidden_size") ? "llama" : null;
        }
        if (type == null) {
            throw new IllegalArgumentException("no model_type (expected one of " + Architecture.names() + ")");
        }
        Architecture arch = Architecture.fromName(type);
        if (arch == null) {
            throw new IllegalArgumentException("model_type '" + type + "' is not supported (" + Architecture.names()
                    + ")");
        }
        if (shapeOnly) { // the values that do not change the counts: the family's defaults
            o = o.deepCopy();
            o.remove("rope_scaling");
            o.remove("hidden_act");
            o.remove("activation_function");
            if (o.has("rope_parameters") && o.get("rope_parameters").isJsonObject()) {
                o.getAsJsonObject("rope_parameters").remove("rope_type");
            }
        }
        return switch (arch) {
            case GPT2 -> gpt2(o);
            case GPT_NEO -> gptNeo(o);
            case GPT_NEOX -> gptNeox(o);
            case LLAMA, QWEN2, MISTRAL -> llamaShape(arch, o);
        };
    }

    private static ModelConfig gpt2(JsonObject o) {
        int c = ModelConfig.intKey(o, "n_embd", null);
        Integer inner = optInt(o, "n_inner");
        int nHead = ModelConfig.intKey(o, "n_head", null);
        Activation act = activation(o, "activation_function", "gelu_new", false);
        if (act != Activation.GELU_TANH) {
            throw new IllegalArgumentException("activation_function '" + optString(o, "activation_function")
                    + "' is not supported for gpt2 (gelu_new or gelu_pytorch_tanh: GELU's tanh approximation)");
        }
        return new ModelConfig(Architecture.GPT2, ModelConfig.intKey(o, "vocab_size", null),
                ModelConfig.intKey(o, "n_positions", "n_ctx"), c, ModelConfig.intKey(o, "n_layer", null), nHead, nHead,
                inner == null ? 4 * c : inner, floatKey(o, "layer_norm_epsilon", 1e-5f), 10000f,
                boolKey(o, "tie_word_embeddings", true), null);
    }

    private static ModelConfig gptNeo(JsonObject o) {
        int c = intOr(o, "hidden_size", 2048);
        int layers = intOr(o, "num_layers", 24);
        int heads = intOr(o, "num_heads", 16);
        Integer inner = optInt(o, "intermediate_size");
        int window = intOr(o, "window_size", 256);
        List<Integer> windows = new ArrayList<>();
        for (String t : attentionLayers(o)) {
            windows.add(t.equals("local") ? window : 0);
        }
        if (windows.size() != layers) {
            throw new IllegalArgumentException("attention_types give " + windows.size() + " layers, but num_layers is "
                    + layers);
        }
        return new ModelConfig(Architecture.GPT_NEO, intOr(o, "vocab_size", 50257),
                intOr(o, "max_position_embeddings", 2048), c, layers, heads, heads, inner == null ? 4 * c : inner,
                floatKey(o, "layer_norm_epsilon", 1e-5f), 10000f, boolKey(o, "tie_word_embeddings", true), null, 0, 0,
                activation(o, "activation_function", "gelu_new", false), false, false, false, windows);
    }

    /** GPTNeoConfig.expand_attention_types_params: [[["global", "local"], 12]] → global, local, ... (24). */
    private static List<String> attentionLayers(JsonObject o) {
        JsonElement types = o.get("attention_types");
        List<String> out = new ArrayList<>();
        if (types == null || types.isJsonNull()) {
            for (int i = 0; i < 12; i++) {
                out.add("global");
                out.add("local");
            }
            return out;
        }
        try {
            for (JsonElement item : types.getAsJsonArray()) {
                JsonArray pair = item.getAsJsonArray();
                int times = pair.get(1).getAsInt();
                if (times < 0 || times > 100_000) {
                    throw new IllegalArgumentException("attention_types: repeat count " + times + " out of range");
                }
                for (int i = 0; i < times; i++) {
                    for (JsonElement t : pair.get(0).getAsJsonArray()) {
                        String s = t.getAsString();
                        if (!s.equals("global") && !s.equals("local")) {
                            throw new IllegalArgumentException("attention_types: '" + s + "' is not supported (global"
                                    + " or local)");
                        }
                        out.add(s);
                    }
                }
            }
        } catch (IllegalStateException | UnsupportedOperationException | IndexOutOfBoundsException
                | NumberFormatException e) {
            throw new IllegalArgumentException("attention_types is not a list of [[types...], count]: " + types);
        }
        return out;
    }

    private static ModelConfig gptNeox(JsonObject o) {
        int c = intOr(o, "hidden_size", 6144);
        int heads = intOr(o, "num_attention_heads", 64);
        if (!boolKey(o, "attention_bias", true)) {
            throw new IllegalArgumentException("attention_bias false is not supported for gpt_neox");
        }
        JsonObject rp = o.has("rope_parameters") && o.get("rope_parameters").isJsonObject()
                ? o.getAsJsonObject("rope_parameters") : new JsonObject();
        double pct = doubleOr(rp, "partial_rotary_factor", doubleOr(o, "partial_rotary_factor",
                doubleOr(o, "rotary_pct", 0.25)));
        if (!(pct > 0 && pct <= 1)) {
            throw new IllegalArgumentException("rotary_pct must be within (0, 1], not " + pct);
        }
        if (c % heads != 0) {
            throw new IllegalArgumentException("hidden_size " + c + " is not a multiple of num_attention_heads " + heads);
        }
        int rotary = (int) ((c / heads) * pct); // as GPTNeoXAttention: int(head_size * rotary_pct)
        float theta = floatKey(rp, "rope_theta", floatKey(o, "rope_theta", floatKey(o, "rotary_emb_base", 10000f)));
        return new ModelConfig(Architecture.GPT_NEOX, intOr(o, "vocab_size", 50432),
                intOr(o, "max_position_embeddings", 2048), c, intOr(o, "num_hidden_layers", 44), heads, heads,
                intOr(o, "intermediate_size", 24576), floatKey(o, "layer_norm_eps", 1e-5f), theta,
                boolKey(o, "tie_word_embeddings", false), ropeScaling(o, rp), 0, rotary,
                activation(o, "hidden_act", "gelu", false), boolKey(o, "use_parallel_residual", true), false, true,
                List.of());
    }

    private static ModelConfig llamaShape(Architecture arch, JsonObject o) {
        boolean llama = arch == Architecture.LLAMA;
        int c = ModelConfig.intKey(o, "hidden_size", null);
        int nHead = ModelConfig.intKey(o, "num_attention_heads", null);
        int layers = ModelConfig.intKey(o, "num_hidden_layers", null);
        Integer kv = optInt(o, "num_key_value_heads");
        Integer headDim = optInt(o, "head_dim");
        if (llama && (boolKey(o, "attention_bias", false) || boolKey(o, "mlp_bias", false))) {
            throw new IllegalArgumentException("attention_bias / mlp_bias are not supported for llama");
        }
        JsonObject rp = o.has("rope_parameters") && o.get("rope_parameters").isJsonObject()
                ? o.getAsJsonObject("rope_parameters") : new JsonObject();
        float theta = floatKey(rp, "rope_theta", floatKey(o, "rope_theta", 10000f));
        List<Integer> windows = switch (arch) {
            case MISTRAL -> mistralWindows(o, layers);
            case QWEN2 -> qwen2Windows(o, layers);
            default -> List.of();
        };
        return new ModelConfig(arch, ModelConfig.intKey(o, "vocab_size", null),
                ModelConfig.intKey(o, "max_position_embeddings", null), c, layers, nHead, kv == null ? nHead : kv,
                ModelConfig.intKey(o, "intermediate_size", null), floatKey(o, "rms_norm_eps", 1e-6f), theta,
                boolKey(o, "tie_word_embeddings", false), ropeScaling(o, rp), headDim == null ? 0 : headDim, 0,
                activation(o, "hidden_act", "silu", true), false, arch == Architecture.QWEN2, true, windows);
    }

    /** MistralConfig: sliding_window (default 4096; null: none) on every layer. */
    private static List<Integer> mistralWindows(JsonObject o, int layers) {
        Integer w = o.has("sliding_window") ? optInt(o, "sliding_window") : Integer.valueOf(4096);
        return w == null ? List.of() : java.util.Collections.nCopies(layers, positiveWindow("sliding_window", w));
    }

    /**
     * Qwen2Config: sliding_window counts only when use_sliding_window; then layer_types, or else the layers from
     * max_window_layers on, use it.
     */
    private static List<Integer> qwen2Windows(JsonObject o, int layers) {
        if (!boolKey(o, "use_sliding_window", false)) {
            return List.of();
        }
        Integer w = o.has("sliding_window") ? optInt(o, "sliding_window") : Integer.valueOf(4096);
        if (w == null) {
            return List.of();
        }
        positiveWindow("sliding_window", w);
        List<Integer> out = new ArrayList<>();
        JsonElement types = o.get("layer_types");
        if (types != null && types.isJsonArray()) {
            for (JsonElement t : types.getAsJsonArray()) {
                String s = t.isJsonPrimitive() ? t.getAsString() : String.valueOf(t);
                if (!s.equals("full_attention") && !s.equals("sliding_attention")) {
                    throw new IllegalArgumentException("layer_types: '" + s + "' is not supported (full_attention or"
                            + " sliding_attention)");
                }
                out.add(s.equals("sliding_attention") ? w : 0);
            }
            if (out.size() != layers) {
                throw new IllegalArgumentException("layer_types has " + out.size() + " entries for " + layers
                        + " layers");
            }
            return out;
        }
        int full = intOr(o, "max_window_layers", 28);
        for (int l = 0; l < layers; l++) {
            out.add(l >= full ? w : 0);
        }
        return out;
    }

    private static int positiveWindow(String key, int w) {
        if (w <= 0) {
            throw new IllegalArgumentException(key + " must be positive, not " + w);
        }
        return w;
    }

    /** rope_scaling, or a non-default rope_type in rope_parameters (transformers 5); null when none. */
    private static RopeScaling ropeScaling(JsonObject o, JsonObject ropeParameters) {
        RopeScaling s = RopeScaling.fromHfJson(o.get("rope_scaling"));
        if (s == null && ropeParameters.has("rope_type")) {
            s = RopeScaling.fromHfJson(ropeParameters);
        }
        return s;
    }

    private static Activation activation(JsonObject o, String key, String dflt, boolean gated) {
        String name = optString(o, key);
        return Activation.fromHf(key, name == null ? dflt : name, gated);
    }

    private static int intOr(JsonObject o, String key, int dflt) {
        Integer v = optInt(o, key);
        return v == null ? dflt : v;
    }

    private static double doubleOr(JsonObject o, String key, double dflt) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return dflt;
        }
        try {
            return e.getAsDouble();
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException ex) {
            throw new IllegalArgumentException(key + " is not a number: " + e);
        }
    }

    // ---- writing ----

    static JsonObject toJson(ModelConfig c) {
        JsonObject o = new JsonObject();
        JsonArray archs = new JsonArray();
        archs.add(c.arch().hfClass());
        o.add("architectures", archs);
        o.addProperty("model_type", c.arch().modelType());
        switch (c.arch()) {
            case GPT2 -> gpt2Json(c, o);
            case GPT_NEO -> gptNeoJson(c, o);
            case GPT_NEOX -> gptNeoxJson(c, o);
            case LLAMA, QWEN2, MISTRAL -> llamaJson(c, o);
        }
        o.addProperty("torch_dtype", "float32");
        return o;
    }

    private static void gpt2Json(ModelConfig c, JsonObject o) {
        o.addProperty("vocab_size", c.vocabSize());
        o.addProperty("n_positions", c.ctx());
        o.addProperty("n_ctx", c.ctx());
        o.addProperty("n_embd", c.dModel());
        o.addProperty("n_layer", c.nLayer());
        o.addProperty("n_head", c.nHead());
        if (c.dFf() != 4 * c.dModel()) {
            o.addProperty("n_inner", c.dFf());
        } else {
            o.add("n_inner", JsonNull.INSTANCE);
        }
        o.addProperty("activation_function", "gelu_new");
        o.addProperty("layer_norm_epsilon", c.normEps());
        o.addProperty("initializer_range", 0.02);
        o.addProperty("resid_pdrop", 0.0);
        o.addProperty("embd_pdrop", 0.0);
        o.addProperty("attn_pdrop", 0.0);
        o.addProperty("scale_attn_weights", true);
        o.addProperty("tie_word_embeddings", c.tiedEmbeddings());
    }

    private static void gptNeoJson(ModelConfig c, JsonObject o) {
        o.addProperty("vocab_size", c.vocabSize());
        o.addProperty("max_position_embeddings", c.ctx());
        o.addProperty("hidden_size", c.dModel());
        o.addProperty("num_layers", c.nLayer());
        o.addProperty("num_heads", c.nHead());
        if (c.dFf() != 4 * c.dModel()) {
            o.addProperty("intermediate_size", c.dFf());
        } else {
            o.add("intermediate_size", JsonNull.INSTANCE);
        }
        int window = 0;
        JsonArray types = new JsonArray();
        JsonArray layers = new JsonArray();
        for (int l = 0; l < c.nLayer(); l++) {
            if (c.window(l) > 0) {
                if (window != 0 && window != c.window(l)) {
                    throw new IllegalArgumentException("gpt_neo has one window_size for all local layers");
                }
                window = c.window(l);
            }
            String t = c.window(l) > 0 ? "local" : "global";
            JsonArray one = new JsonArray();
            JsonArray names = new JsonArray();
            names.add(t);
            one.add(names);
            one.add(1);
            types.add(one);
            layers.add(t);
        }
        o.add("attention_types", types);
        o.add("attention_layers", layers);
        o.addProperty("window_size", window == 0 ? 256 : window);
        o.addProperty("activation_function", c.activation().hfName());
        o.addProperty("layer_norm_epsilon", c.normEps());
        o.addProperty("initializer_range", 0.02);
        o.addProperty("resid_dropout", 0.0);
        o.addProperty("embed_dropout", 0.0);
        o.addProperty("attention_dropout", 0.0);
        o.addProperty("tie_word_embeddings", c.tiedEmbeddings());
    }

    private static void gptNeoxJson(ModelConfig c, JsonObject o) {
        o.addProperty("vocab_size", c.vocabSize());
        o.addProperty("max_position_embeddings", c.ctx());
        o.addProperty("hidden_size", c.dModel());
        o.addProperty("num_hidden_layers", c.nLayer());
        o.addProperty("num_attention_heads", c.nHead());
        o.addProperty("intermediate_size", c.dFf());
        o.addProperty("hidden_act", c.activation().hfName());
        o.addProperty("rotary_pct", c.rotaryDims() / (double) c.headDim());
        o.addProperty("rotary_emb_base", c.ropeTheta());
        o.addProperty("layer_norm_eps", c.normEps());
        o.addProperty("use_parallel_residual", c.parallelResidual());
        o.addProperty("attention_bias", true);
        o.add("rope_scaling", c.ropeScaling() == null ? JsonNull.INSTANCE : c.ropeScaling().toHfJson());
        o.addProperty("initializer_range", 0.02);
        o.addProperty("tie_word_embeddings", c.tiedEmbeddings());
    }

    private static void llamaJson(ModelConfig c, JsonObject o) {
        o.addProperty("vocab_size", c.vocabSize());
        o.addProperty("max_position_embeddings", c.ctx());
        o.addProperty("hidden_size", c.dModel());
        o.addProperty("intermediate_size", c.dFf());
        o.addProperty("num_hidden_layers", c.nLayer());
        o.addProperty("num_attention_heads", c.nHead());
        o.addProperty("num_key_value_heads", c.nKvHead());
        o.addProperty("head_dim", c.headDim());
        o.addProperty("hidden_act", "silu");
        o.addProperty("rms_norm_eps", c.normEps());
        o.addProperty("rope_theta", c.ropeTheta());
        o.add("rope_scaling", c.ropeScaling() == null ? JsonNull.INSTANCE : c.ropeScaling().toHfJson());
        switch (c.arch()) {
            case MISTRAL -> mistralWindowsJson(c, o);
            case QWEN2 -> qwen2WindowsJson(c, o);
            default -> {
                o.addProperty("attention_bias", false);
                o.addProperty("mlp_bias", false);
            }
        }
        o.addProperty("initializer_range", 0.02);
        o.addProperty("tie_word_embeddings", c.tiedEmbeddings());
    }

    private static void mistralWindowsJson(ModelConfig c, JsonObject o) {
        int w = c.window(0);
        for (int l = 0; l < c.nLayer(); l++) {
            if (c.window(l) != w) {
                throw new IllegalArgumentException("mistral has one sliding_window for every layer");
            }
        }
        if (w == 0) {
            o.add("sliding_window", JsonNull.INSTANCE);
        } else {
            o.addProperty("sliding_window", w);
        }
    }

    private static void qwen2WindowsJson(ModelConfig c, JsonObject o) {
        int w = 0;
        JsonArray types = new JsonArray();
        for (int l = 0; l < c.nLayer(); l++) {
            if (c.window(l) > 0) {
                if (w != 0 && w != c.window(l)) {
                    throw new IllegalArgumentException("qwen2 has one sliding_window for its sliding layers");
                }
                w = c.window(l);
            }
            types.add(c.window(l) > 0 ? "sliding_attention" : "full_attention");
        }
        int firstSliding = c.nLayer();
        while (firstSliding > 0 && c.window(firstSliding - 1) > 0) {
            firstSliding--;
        }
        o.addProperty("use_sliding_window", w > 0);
        o.addProperty("sliding_window", w > 0 ? w : 4096);
        o.addProperty("max_window_layers", firstSliding);
        o.add("layer_types", types);
    }
}
