package llm.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parameters of a model shape (every family), by part, computed from the config alone (the one count:
 * {@link ModelConfig#parameterCount()} is its total); tied input/output embeddings are
 * counted once (under embeddings, the head then counts 0).
 *
 * <pre>
 * part        GPT-2 (C = width, F = feed-forward, V = vocab, T = ctx, L = layers)      Llama (K = kv width)
 * embeddings  V·C + T·C (wte, wpe)                                                      V·C (embed_tokens)
 * attention   L·(C·3C + 3C + C·C + C) (c_attn, c_proj with biases)                      L·(2·C·C + 2·C·K) (q,k,v,o)
 * mlp         L·(C·F + F + F·C + C) (c_fc, c_proj with biases)                          L·3·C·F (gate, up, down)
 * norms       L·2·2C + 2C (ln_1, ln_2, ln_f: weight and bias)                           L·2·C + C (RMSNorm weights)
 * head        V·C when untied, else 0                                                   same
 * </pre>
 * GPT-2 124M (V 50257, T 1024, C 768, L 12, tied): 124,439,808.
 */
public record ParameterCount(long embeddings, long attention, long mlp, long norms, long head) {
    /** The parts in display order, and the names {@code --json} uses. */
    public static final String[] PARTS = {"embeddings", "attention", "mlp", "norms", "head"};

    public long total() {
        return embeddings + attention + mlp + norms + head;
    }

    /** part name → count, in {@link #PARTS} order. */
    public Map<String, Long> byPart() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("embeddings", embeddings);
        m.put("attention", attention);
        m.put("mlp", mlp);
        m.put("norms", norms);
        m.put("head", head);
        return m;
    }

    /**
     * The counts of a model shape, any family: its tensors ({@link Init#specs}, the names transformers saves) summed
     * by {@link #partOf}.
     */
    public static ParameterCount of(ModelConfig c) {
        long[] by = new long[PARTS.length];
        List<String> parts = Arrays.asList(PARTS);
        for (Init.Spec s : Init.specs(c)) {
            String part = partOf(s.name());
            if (part == null) {
                throw new IllegalStateException("tensor " + s.name() + " belongs to no part");
            }
            by[parts.indexOf(part)] += s.size();
        }
        return new ParameterCount(by[0], by[1], by[2], by[3], by[4]);
    }

    /** A GPT-2 shape: learned positions, LayerNorm and linear biases. */
    public static ParameterCount gpt2(long vocab, long ctx, long width, long layers, long ff, boolean tied) {
        long c = width;
        return new ParameterCount(
                vocab * c + ctx * c,
                layers * (c * 3 * c + 3 * c + c * c + c),
                layers * (c * ff + ff + ff * c + c),
                layers * 4 * c + 2 * c,
                tied ? 0 : vocab * c);
    }

    /** A Llama shape: RoPE (no position table), RMSNorm, SwiGLU, grouped-query attention, no biases. */
    public static ParameterCount llama(long vocab, long width, long layers, long heads, long kvHeads, long ff,
            boolean tied) {
        long c = width;
        long kv = c / heads * kvHeads;
        return new ParameterCount(
                vocab * c,
                layers * (2 * c * c + 2 * c * kv),
                layers * 3 * c * ff,
                layers * 2 * c + c,
                tied ? 0 : vocab * c);
    }

    /** Which part a tensor belongs to, from its HuggingFace (or llama2.c-style) name; null when unknown. */
    public static String partOf(String tensorName) {
        String n = tensorName.toLowerCase(Locale.ROOT);
        if (n.contains("lm_head") || n.startsWith("embed_out") || n.equals("output.weight") || n.endsWith(".wcls")
                || n.equals("wcls")) {
            return "head";
        }
        if (n.contains("wte") || n.contains("wpe") || n.contains("embed_tokens") || n.contains("embed_in")
                || n.contains("tok_embeddings") || n.contains("token_embedding")) {
            return "embeddings";
        }
        if (n.contains("ln_") || n.contains("norm")) {
            return "norms";
        }
        if (n.contains("attn") || n.contains("attention") || n.matches(".*\\.(q|k|v|o)_proj\\..*")
                || n.matches(".*\\.w[qkvo](\\..*)?")) {
            return "attention";
        }
        if (n.contains("mlp") || n.contains("feed_forward") || n.contains("ffn")
                || n.matches(".*\\.(gate|up|down)_proj\\..*") || n.matches(".*\\.w[123](\\..*)?")) {
            return "mlp";
        }
        return null;
    }

    /** Tally tensor sizes by part (element counts keyed by name); unknown names go under "other". */
    public static Map<String, Long> tally(Map<String, Long> elementsByTensor) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String p : PARTS) {
            m.put(p, 0L);
        }
        for (Map.Entry<String, Long> e : elementsByTensor.entrySet()) {
            String p = partOf(e.getKey());
            m.merge(p == null ? "other" : p, e.getValue(), Long::sum);
        }
        return m;
    }
}
