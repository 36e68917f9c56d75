package llm.compute;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import llm.UserException;
import llm.io.JsonProblem;
import llm.model.ModelConfig;

/**
 * The shape of a decoder-only transformer, as far as counting parameters and FLOPs needs it, read from a
 * HuggingFace-style {@code config.json} (GPT2LMHeadModel or LlamaForCausalLM field names).
 *
 * @param arch         "gpt2" (learned positions, LayerNorm with bias, biased linears, GELU MLP) or "llama"
 *                     (RoPE, RMSNorm, SwiGLU MLP, grouped-query attention, no biases by default)
 * @param vocabSize    V
 * @param nLayer       L
 * @param nEmbd        d, the residual width
 * @param nHead        query heads
 * @param nKvHead      key/value heads (= nHead for GPT-2)
 * @param headDim      d / nHead unless the config says otherwise
 * @param nInner       MLP hidden width (GPT-2: 4d by default; Llama: intermediate_size)
 * @param seqLen       the context the model supports (n_positions / max_position_embeddings)
 * @param tied         the output head shares the token embedding matrix
 * @param attnBias     attention projections have biases (GPT-2: yes; Llama: attention_bias)
 * @param mlpBias      MLP projections have biases (GPT-2: yes; Llama: mlp_bias)
 */
public record ModelShape(String arch, int vocabSize, int nLayer, int nEmbd, int nHead, int nKvHead, int headDim,
        int nInner, int seqLen, boolean tied, boolean attnBias, boolean mlpBias) {

    public ModelShape {
        if (!arch.equals("gpt2") && !arch.equals("llama")) {
            throw UserException.usage("unsupported architecture '" + arch + "' (expected gpt2 or llama)");
        }
        if (vocabSize <= 0 || nLayer <= 0 || nEmbd <= 0 || nHead <= 0 || nKvHead <= 0 || headDim <= 0 || nInner <= 0
                || seqLen <= 0) {
            throw UserException.usage("model shape: every size must be positive (" + arch + ", vocab " + vocabSize
                    + ", layers " + nLayer + ", d " + nEmbd + ", heads " + nHead + "/" + nKvHead + ", mlp " + nInner
                    + ", ctx " + seqLen + ")");
        }
    }

    /** GPT-2 with HF defaults: MLP 4d, biases, tied head. */
    public static ModelShape gpt2(int vocabSize, int nLayer, int nEmbd, int nHead, int seqLen) {
        return new ModelShape("gpt2", vocabSize, nLayer, nEmbd, nHead, nHead, nEmbd / nHead, 4 * nEmbd, seqLen, true,
                true, true);
    }

    /** Llama without biases. */
    public static ModelShape llama(int vocabSize, int nLayer, int nEmbd, int nHead, int nKvHead, int nInner,
            int seqLen, boolean tied) {
        return new ModelShape("llama", vocabSize, nLayer, nEmbd, nHead, nKvHead, nEmbd / nHead, nInner, seqLen, tied,
                false, false);
    }

    /**
     * Read {@code config.json} from a release directory, beside a {@code .safetensors} file of one, or the file
     * itself; a llama2.c checkpoint ({@code .bin}
     * starting with its 7-int header) is read from its header.
     */
    public static ModelShape read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json")
                : dirOrFile.getFileName().toString().endsWith(".safetensors") // the weights of a release: its config
                        ? dirOrFile.toAbsolutePath().resolveSibling("config.json") : dirOrFile;
        if (!Files.isDirectory(dirOrFile) && file.getFileName().toString().endsWith(".bin") && Files.isRegularFile(file)) {
            return readLlama2c(file);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw UserException.runtime(file + ": cannot read (" + (Files.exists(file) ? e.getMessage() : "no such file")
                    + ")");
        }
        JsonElement e;
        try {
            e = JsonParser.parseString(text);
        } catch (JsonParseException ex) { // in words, as sample/score/info say it (Release.readConfig)
            throw UserException.runtime(file + ": not valid JSON (" + JsonProblem.describe(ex) + ")");
        }
        if (!e.isJsonObject()) {
            throw UserException.runtime(file + ": not a JSON object");
        }
        return fromConfig(e.getAsJsonObject(), file.toString());
    }

    /**
     * llama2.c's checkpoint header: 7 little-endian int32 — dim, hidden_dim, n_layers, n_heads, n_kv_heads,
     * vocab_size (negative: the classifier is not shared with the embedding), seq_len.
     */
    public static ModelShape readLlama2c(Path file) {
        byte[] head;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(28);
        } catch (IOException e) {
            throw UserException.runtime(file + ": cannot read: " + e.getMessage());
        }
        if (head.length < 28) {
            throw UserException.runtime(file + ": not a llama2.c checkpoint (shorter than its 28-byte header)");
        }
        java.nio.IntBuffer h = java.nio.ByteBuffer.wrap(head).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        int dim = h.get(0);
        int hidden = h.get(1);
        int layers = h.get(2);
        int heads = h.get(3);
        int kv = h.get(4);
        int vocab = h.get(5);
        int seq = h.get(6);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kv <= 0 || vocab == 0 || seq <= 0
                || dim % heads != 0 || dim > 1 << 16 || layers > 1 << 10) {
            throw UserException.runtime(file + ": not a llama2.c checkpoint (implausible header " + dim + ", " + hidden
                    + ", " + layers + ", " + heads + ", " + kv + ", " + vocab + ", " + seq + ")");
        }
        return llama(Math.abs(vocab), layers, dim, heads, kv, hidden, seq, vocab > 0);
    }

    /** From a parsed config.json; {@code name} is used in error messages. */
    public static ModelShape fromConfig(JsonObject c, String name) {
        JsonElement typeValue = c.get("model_type");
        if (typeValue != null && !typeValue.isJsonNull()
                && !(typeValue.isJsonPrimitive() && typeValue.getAsJsonPrimitive().isString())) {
            throw UserException.runtime(name + ": model_type is not a string: " + typeValue);
        }
        String type = typeValue == null || typeValue.isJsonNull() ? null : typeValue.getAsString();
        if (type == null) {
            type = c.has("n_embd") ? "gpt2" : c.has("hidden_size") ? "llama" : null;
        }
        if (type == null) {
            throw UserException.runtime(name + ": no model_type (expected gpt2 or llama)");
        }
        type = type.toLowerCase(Locale.ROOT);
        try {
            switch (type) {
                case "gpt2" -> {
                    int d = need(c, "n_embd", name);
                    int h = need(c, "n_head", name);
                    Integer nInner = ModelConfig.optInt(c, "n_inner");
                    int inner = nInner != null ? nInner : 4 * d;
                    return new ModelShape("gpt2", need(c, "vocab_size", name), need(c, "n_layer", name), d, h, h, d / h,
                            inner, need(c, "n_positions", name), bool(c, "tie_word_embeddings", true), true, true);
                }
                case "llama", "mistral" -> {
                    int d = need(c, "hidden_size", name);
                    int h = need(c, "num_attention_heads", name);
                    Integer nKv = ModelConfig.optInt(c, "num_key_value_heads");
                    Integer headDim = ModelConfig.optInt(c, "head_dim");
                    int kv = nKv != null ? nKv : h;
                    int hd = headDim != null ? headDim : d / h;
                    return new ModelShape("llama", need(c, "vocab_size", name), need(c, "num_hidden_layers", name), d, h,
                            kv, hd, need(c, "intermediate_size", name), need(c, "max_position_embeddings", name),
                            bool(c, "tie_word_embeddings", false), bool(c, "attention_bias", false), bool(c, "mlp_bias", false));
                }
                default -> throw UserException.runtime(name + ": model_type '" + type + "' is not supported (gpt2, llama)");
            }
        } catch (IllegalArgumentException e) { // "n_embd is not a number: \"abc\"", as ModelConfig says it
            throw UserException.runtime(name + ": " + e.getMessage());
        } catch (UserException e) {
            if (e.exitCode() == UserException.USAGE) {
                throw UserException.runtime(name + ": " + e.getMessage());
            }
            throw e;
        }
    }

    // ---- parameter counts (HF module layout; a tied head is counted once) ----

    /** Token embedding (wte / embed_tokens): V·d. */
    public long tokenEmbedding() {
        return (long) vocabSize * nEmbd;
    }

    /** Learned position embedding (wpe): GPT-2 only, ctx·d. */
    public long positionEmbedding() {
        return arch.equals("gpt2") ? (long) seqLen * nEmbd : 0;
    }

    /** Attention projections of one layer: q, k, v, o (with biases where the model has them). */
    public long attentionPerLayer() {
        long q = (long) nHead * headDim;
        long kv = (long) nKvHead * headDim;
        long w = nEmbd * q + 2L * nEmbd * kv + q * nEmbd;
        long b = attnBias ? q + 2 * kv + nEmbd : 0; // q, k, v and output-projection biases
        return w + b;
    }

    /** MLP of one layer: GPT-2 c_fc + c_proj; Llama gate + up + down. */
    public long mlpPerLayer() {
        if (arch.equals("gpt2")) {
            return 2L * nEmbd * nInner + (mlpBias ? nInner + nEmbd : 0);
        }
        return 3L * nEmbd * nInner + (mlpBias ? 2L * nInner + nEmbd : 0);
    }

    /** Norm weights: two per layer plus the final one (LayerNorm has a bias too). */
    public long norms() {
        long one = arch.equals("gpt2") ? 2L * nEmbd : nEmbd;
        return (2L * nLayer + 1) * one;
    }

    /** The output head's own weights: 0 when tied to the token embedding. */
    public long head() {
        return tied ? 0 : (long) vocabSize * nEmbd;
    }

    /** All parameters, a tied head counted once. GPT-2 124M: 124,439,808. */
    public long params() {
        return tokenEmbedding() + positionEmbedding() + nLayer * (attentionPerLayer() + mlpPerLayer()) + norms() + head();
    }

    /** Parameters without the token and position embeddings (Kaplan et al.'s N); an untied head stays in. */
    public long nonEmbeddingParams() {
        return params() - tokenEmbedding() - positionEmbedding();
    }

    /**
     * Parameters that take part in a matmul per token: every weight but the embedding lookups, plus the output
     * head (which is the token embedding matrix when tied). This is the N of the 6·N FLOPs term.
     */
    public long matmulParams() {
        return nonEmbeddingParams() + (tied ? tokenEmbedding() : 0);
    }

    /** The attention width H·head_dim (d for the usual shapes) used by the attention FLOPs term. */
    public int attnDim() {
        return nHead * headDim;
    }

    public ModelShape withSeqLen(int ctx) {
        return new ModelShape(arch, vocabSize, nLayer, nEmbd, nHead, nKvHead, headDim, nInner, ctx, tied, attnBias,
                mlpBias);
    }

    private static int need(JsonObject c, String key, String name) {
        Integer v = ModelConfig.optInt(c, key);
        if (v == null) {
            throw UserException.runtime(name + ": missing \"" + key + "\"");
        }
        return v;
    }

    private static boolean bool(JsonObject c, String key, boolean dflt) {
        return ModelConfig.boolKey(c, key, dflt);
    }
}
