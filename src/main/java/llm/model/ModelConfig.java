package llm.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.function.Function;

/**
 * The shape of a model: everything needed to build it, nothing about its weights.
 *
 * <p>Field names are ours; {@link #toHfJson()} / {@link #fromHfJson} map them to HuggingFace's config keys
 * ({@link HfConfigs} holds the per-family key tables and defaults).
 *
 * @param arch            the family (decides tensor names and the block shape)
 * @param vocabSize       rows of the embedding and the head
 * @param ctx             positions (max_position_embeddings / n_positions)
 * @param dModel          width of the residual stream (hidden_size / n_embd)
 * @param nLayer          blocks
 * @param nHead           query heads
 * @param nKvHead         key/value heads (grouped-query attention; = nHead for the GPT-2 shape)
 * @param dFf             feed-forward width
 * @param normEps         LayerNorm / RMSNorm epsilon
 * @param ropeTheta       RoPE base (rope_theta, rotary_emb_base); unused with learned positions
 * @param tiedEmbeddings  the head is the input embedding
 * @param ropeScaling     RoPE frequency scaling, or null
 * @param headDim         width of one head (0 given: dModel / nHead); Mistral and Llama 3 may set another
 * @param rotaryDims      dims at the start of each head that RoPE turns (0 given: the whole head for rotary
 *                        families; GPT-NeoX: rotary_pct of it); 0 for learned positions
 * @param activation      the MLP's activation (null given: the family's: gelu_new, silu)
 * @param parallelResidual GPT-NeoX's x + attn(ln1(x)) + mlp(ln2(x)) (else x += attn(ln1 x); x += mlp(ln2 x))
 * @param qkvBias         biases on the q/k/v projections of the Llama shape (Qwen2)
 * @param scaledAttention scores divided by √headDim (GPT-Neo: false)
 * @param windows         per layer, how many positions (the query's own included) attention sees, 0 for all;
 *                        empty: every layer global (GPT-Neo local layers, Mistral / Qwen2 sliding window)
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
        RopeScaling ropeScaling,
        int headDim,
        int rotaryDims,
        Activation activation,
        boolean parallelResidual,
        boolean qkvBias,
        boolean scaledAttention,
        java.util.List<Integer> windows) {

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
        if (headDim == 0) {
            if (dModel % nHead != 0) {
                throw new IllegalArgumentException("model width " + dModel + " is not a multiple of the " + nHead
                        + " heads");
            }
            headDim = dModel / nHead;
        }
        positive("head size", headDim);
        if (!arch.llamaShape() && headDim * nHead != dModel) {
            throw new IllegalArgumentException(arch + ": heads × head size (" + nHead + " × " + headDim
                    + ") must equal the model width " + dModel);
        }
        if (nHead % nKvHead != 0) {
            throw new IllegalArgumentException(nHead + " heads are not a multiple of the " + nKvHead + " kv heads");
        }
        if (!arch.llamaShape() && nKvHead != nHead) {
            throw new IllegalArgumentException(arch + " has no grouped-query attention (kv heads must equal heads)");
        }
        if (!arch.rotary()) {
            if (rotaryDims != 0) {
                throw new IllegalArgumentException(arch + " has learned positions, no rotary dims");
            }
        } else {
            if (rotaryDims == 0) {
                rotaryDims = headDim;
            }
            if (rotaryDims % 2 != 0 || rotaryDims < 0 || rotaryDims > headDim) {
                throw new IllegalArgumentException(arch + ": rotary dims " + rotaryDims + " must be even and within"
                        + " the head size " + headDim + " (RoPE)");
            }
        }
        if (ropeScaling != null && !arch.rotary()) {
            throw new IllegalArgumentException("rope_scaling applies to rotary positions only");
        }
        if (activation == null) {
            activation = arch.llamaShape() ? Activation.SILU : arch == Architecture.GPT_NEOX ? Activation.GELU
                    : Activation.GELU_TANH;
        }
        if ((activation == Activation.SILU) != arch.llamaShape()) {
            throw new IllegalArgumentException(arch + ": activation " + activation.hfName() + " does not fit its MLP");
        }
        if (parallelResidual && arch != Architecture.GPT_NEOX) {
            throw new IllegalArgumentException("parallel residual is GPT-NeoX's");
        }
        if (qkvBias && !arch.llamaShape()) {
            throw new IllegalArgumentException("qkv bias is an option of the Llama shape");
        }
        if (!scaledAttention && arch != Architecture.GPT_NEO) {
            throw new IllegalArgumentException("unscaled attention scores are GPT-Neo's");
        }
        windows = windows == null ? java.util.List.of() : java.util.List.copyOf(windows);
        if (!windows.isEmpty()) {
            if (windows.size() != nLayer) {
                throw new IllegalArgumentException(windows.size() + " attention windows for " + nLayer + " layers");
            }
            for (int w : windows) {
                if (w < 0) {
                    throw new IllegalArgumentException("attention window " + w + " is negative");
                }
            }
            if (windows.stream().allMatch(w -> w == 0)) {
                windows = java.util.List.of();
            }
        }
        if (!(normEps > 0)) {
            throw new IllegalArgumentException("norm epsilon must be positive");
        }
    }

    /** The GPT-2 / Llama shape of before the other families: default head size, rotary dims and activation. */
    public ModelConfig(Architecture arch, int vocabSize, int ctx, int dModel, int nLayer, int nHead, int nKvHead,
            int dFf, float normEps, float ropeTheta, boolean tiedEmbeddings, RopeScaling ropeScaling) {
        this(arch, vocabSize, ctx, dModel, nLayer, nHead, nKvHead, dFf, normEps, ropeTheta, tiedEmbeddings,
                ropeScaling, 0, 0, null, false, false, true, java.util.List.of());
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

    /** The RoPE inverse frequencies (rotaryDims / 2), with {@link #ropeScaling} applied. */
    public float[] ropeInverseFrequencies() {
        return RopeScaling.inverseFrequencies(rotaryDims, ropeTheta, ropeScaling);
    }

    /** The same config with a RoPE scaling (rotary families only). */
    public ModelConfig withRopeScaling(RopeScaling scaling) {
        return new ModelConfig(arch, vocabSize, ctx, dModel, nLayer, nHead, nKvHead, dFf, normEps, ropeTheta,
                tiedEmbeddings, scaling, headDim, rotaryDims, activation, parallelResidual, qkvBias, scaledAttention,
                windows);
    }

    /** The same config with fewer layers and vocabulary rows (a stand-in of the same widths). */
    public ModelConfig shrunk(int layers, int vocab) {
        return new ModelConfig(arch, vocab, ctx, dModel, layers, nHead, nKvHead, dFf, normEps, ropeTheta,
                tiedEmbeddings, ropeScaling, headDim, rotaryDims, activation, parallelResidual, qkvBias,
                scaledAttention, windows.isEmpty() ? windows : windows.subList(0, layers));
    }

    /** Width of the query projection and of the attention's output: nHead · headDim. */
    public int qDim() {
        return nHead * headDim;
    }

    /** Width of the key/value projections: nKvHead · headDim. */
    public int kvDim() {
        return nKvHead * headDim;
    }

    /** Layer {@code l}'s attention window: positions seen (the query's own included), 0 for all. */
    public int window(int l) {
        return windows.isEmpty() ? 0 : windows.get(l);
    }

    /**
     * What sets this family's blocks apart, in a line for {@code llm info}: norm, positions, activation, residual,
     * biases, attention scale and windows, embeddings (GPT-2 and Llama: the line info always printed). E.g. "layernorm eps 1e-05, rope theta 10000 on 16 of 64 head
     * dims, gelu, parallel residual, untied embeddings".
     */
    public String features() {
        if (arch == Architecture.GPT2 || arch == Architecture.LLAMA) { // as info printed them before the other families
            return String.format(java.util.Locale.ROOT, "norm eps %.1e%s, %s embeddings", normEps,
                    arch == Architecture.LLAMA ? String.format(java.util.Locale.ROOT, ", rope theta %.0f%s", ropeTheta,
                            ropeScaling == null ? "" : " scaled " + ropeScaling) : "",
                    tiedEmbeddings ? "tied" : "untied")
                    + (headDim * nHead != dModel ? ", head_dim " + headDim : "");
        }
        java.util.List<String> f = new java.util.ArrayList<>();
        f.add(String.format(java.util.Locale.ROOT, "%s eps %.0e", arch.llamaShape() ? "rmsnorm" : "layernorm", normEps));
        if (arch.rotary()) {
            f.add(String.format(java.util.Locale.ROOT, "rope theta %.0f%s%s", ropeTheta,
                    rotaryDims < headDim ? " on " + rotaryDims + " of " + headDim + " head dims" : "",
                    ropeScaling == null ? "" : " scaled " + ropeScaling));
        } else {
            f.add("learned positions");
        }
        f.add(arch.llamaShape() ? "swiglu (silu)" : activation.hfName());
        if (arch == Architecture.GPT_NEOX) {
            f.add(parallelResidual ? "parallel residual" : "sequential residual");
        }
        if (qkvBias) {
            f.add("q/k/v biases");
        }
        if (!scaledAttention) {
            f.add("unscaled attention scores");
        }
        if (!windows.isEmpty()) {
            long local = windows.stream().filter(w -> w > 0).count();
            int w = windows.stream().filter(x -> x > 0).findFirst().orElse(0);
            f.add(local == nLayer ? "attention window " + w + " on every layer"
                    : "attention window " + w + " on " + local + " of " + nLayer + " layers");
        }
        f.add(tiedEmbeddings ? "tied embeddings" : "untied embeddings");
        return String.join(", ", f);
    }

    // ---- parameter counts (HF module layout; a tied head is counted once) ----

    /** Token embedding (wte / embed_tokens): V·d. */
    public long tokenEmbedding() {
        return (long) vocabSize * dModel;
    }

    /** Learned position embedding (wpe): GPT-2 and GPT-Neo, ctx·d. */
    public long positionEmbedding() {
        return arch.rotary() ? 0 : (long) ctx * dModel;
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

    /** The attention width H·head_dim (d for most shapes) used by the attention FLOPs term. */
    public int attnDim() {
        return qDim();
    }

    /** All parameters, tied embeddings counted once (GPT-2 124M: 124,439,808); by part: {@link ParameterCount}. */
    public long parameterCount() {
        return ParameterCount.of(this).total();
    }

    /** This config as a HuggingFace {@code config.json} object ({@code architectures}, {@code model_type}, ...). */
    public JsonObject toHfJson() {
        return HfConfigs.toJson(this);
    }

    /**
     * Read a HuggingFace {@code config.json} object of a model this toolkit builds.
     *
     * @throws IllegalArgumentException naming the key that is missing, unsupported or out of range
     */
    public static ModelConfig fromHfJson(JsonObject o) {
        return HfConfigs.fromJson(o, false);
    }

    /**
     * The shape of a config.json for counting parameters and FLOPs ({@code llm cost}): a config without
     * {@code model_type} is recognised by its keys ({@code n_embd}: gpt2, {@code hidden_size}: llama), and the
     * activation and RoPE scaling, which do not change the counts, are not checked.
     *
     * @throws IllegalArgumentException naming the key that is missing, unsupported or out of range
     */
    public static ModelConfig shapeFromHfJson(JsonObject o) {
        return HfConfigs.fromJson(o, true);
    }

    static int intKey(JsonObject o, String key, String alt) {
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

    static float floatKey(JsonObject o, String key, float dflt) {
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

    static String optString(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }
}
