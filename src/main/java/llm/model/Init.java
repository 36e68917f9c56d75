package llm.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Parameter names (exactly as transformers saves them), shapes and random initialisation of every family. */
public final class Init {
    /** How a tensor starts: N(0, std), zeros, or ones. */
    public enum Kind { NORMAL, ZEROS, ONES }

    /**
     * One parameter's place in the model.
     *
     * @param shape in-memory shape; matrices are (out, in)
     * @param conv1d GPT-2 Conv1D: stored on disk transposed, (in, out)
     */
    public record Spec(String name, long[] shape, boolean conv1d, Kind kind, double std) {
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private Init() {}

    static List<Spec> specs(ModelConfig c) {
        List<Spec> s = new ArrayList<>();
        long d = c.dModel(), v = c.vocabSize(), f = c.dFf();
        double std = 0.02;
        double residual = 0.02 / Math.sqrt(2.0 * c.nLayer());
        if (c.arch() == Architecture.GPT2) {
            s.add(new Spec("transformer.wte.weight", new long[] {v, d}, false, Kind.NORMAL, std));
            s.add(new Spec("transformer.wpe.weight", new long[] {c.ctx(), d}, false, Kind.NORMAL, std));
            for (int l = 0; l < c.nLayer(); l++) {
                String p = "transformer.h." + l + ".";
                layerNorm(s, p + "ln_1.", d);
                linear(s, p + "attn.c_attn.", 3 * d, d, true, std);
                linear(s, p + "attn.c_proj.", d, d, true, residual);
                layerNorm(s, p + "ln_2.", d);
                linear(s, p + "mlp.c_fc.", f, d, true, std);
                linear(s, p + "mlp.c_proj.", d, f, true, residual);
            }
            layerNorm(s, "transformer.ln_f.", d);
        } else if (c.arch() == Architecture.GPT_NEO) {
            gptNeo(c, s, std, residual);
        } else if (c.arch() == Architecture.GPT_NEOX) {
            gptNeox(c, s, std, residual);
        } else {
            long kv = c.kvDim(), qd = c.qDim();
            s.add(new Spec("model.embed_tokens.weight", new long[] {v, d}, false, Kind.NORMAL, std));
            for (int l = 0; l < c.nLayer(); l++) {
                String p = "model.layers." + l + ".";
                s.add(new Spec(p + "input_layernorm.weight", new long[] {d}, false, Kind.ONES, 0));
                weight(s, p + "self_attn.q_proj.", qd, d, std);
                weight(s, p + "self_attn.k_proj.", kv, d, std);
                weight(s, p + "self_attn.v_proj.", kv, d, std);
                if (c.qkvBias()) {
                    bias(s, p + "self_attn.q_proj.", qd);
                    bias(s, p + "self_attn.k_proj.", kv);
                    bias(s, p + "self_attn.v_proj.", kv);
                }
                weight(s, p + "self_attn.o_proj.", d, qd, residual);
                s.add(new Spec(p + "post_attention_layernorm.weight", new long[] {d}, false, Kind.ONES, 0));
                weight(s, p + "mlp.gate_proj.", f, d, std);
                weight(s, p + "mlp.up_proj.", f, d, std);
                weight(s, p + "mlp.down_proj.", d, f, residual);
            }
            s.add(new Spec("model.norm.weight", new long[] {d}, false, Kind.ONES, 0));
        }
        if (!c.tiedEmbeddings()) {
            s.add(new Spec(headName(c), new long[] {v, d}, false, Kind.NORMAL, std));
        }
        return s;
    }

    /** A LayerNorm's {@code weight} (ones) and {@code bias} (zeros) of width d. */
    private static void layerNorm(List<Spec> s, String prefix, long d) {
        s.add(new Spec(prefix + "weight", new long[] {d}, false, Kind.ONES, 0));
        bias(s, prefix, d);
    }

    /** A projection's {@code weight} (out, in), N(0, std), and its {@code bias} (zeros); Conv1D stores it (in, out). */
    private static void linear(List<Spec> s, String prefix, long out, long in, boolean conv1d, double std) {
        s.add(new Spec(prefix + "weight", new long[] {out, in}, conv1d, Kind.NORMAL, std));
        bias(s, prefix, out);
    }

    /** A bias-free projection's {@code weight} (out, in), N(0, std). */
    private static void weight(List<Spec> s, String prefix, long out, long in, double std) {
        s.add(new Spec(prefix + "weight", new long[] {out, in}, false, Kind.NORMAL, std));
    }

    private static void bias(List<Spec> s, String prefix, long n) {
        s.add(new Spec(prefix + "bias", new long[] {n}, false, Kind.ZEROS, 0));
    }

    /** The input embedding's tensor name. */
    static String embeddingName(ModelConfig c) {
        return switch (c.arch()) {
            case GPT2, GPT_NEO -> "transformer.wte.weight";
            case GPT_NEOX -> "gpt_neox.embed_in.weight";
            case LLAMA, QWEN2, MISTRAL -> "model.embed_tokens.weight";
        };
    }

    /** The final norm's tensor-name prefix ({@code weight}, and {@code bias} but in the Llama shape). */
    static String finalNormName(ModelConfig c) {
        return switch (c.arch()) {
            case GPT2, GPT_NEO -> "transformer.ln_f.";
            case GPT_NEOX -> "gpt_neox.final_layer_norm.";
            case LLAMA, QWEN2, MISTRAL -> "model.norm.";
        };
    }

    /** The head's tensor name: the embedding when tied, else lm_head (GPT-NeoX: embed_out). */
    static String headName(ModelConfig c) {
        if (c.tiedEmbeddings()) {
            return embeddingName(c);
        }
        return c.arch() == Architecture.GPT_NEOX ? "embed_out.weight" : "lm_head.weight";
    }

    /** GPTNeoForCausalLM: GPT-2's names, but nn.Linear (out, in) and q/k/v apart, without bias. */
    private static void gptNeo(ModelConfig c, List<Spec> s, double std, double residual) {
        long d = c.dModel(), f = c.dFf();
        s.add(new Spec("transformer.wte.weight", new long[] {c.vocabSize(), d}, false, Kind.NORMAL, std));
        s.add(new Spec("transformer.wpe.weight", new long[] {c.ctx(), d}, false, Kind.NORMAL, std));
        for (int l = 0; l < c.nLayer(); l++) {
            String p = "transformer.h." + l + ".";
            layerNorm(s, p + "ln_1.", d);
            weight(s, p + "attn.attention.k_proj.", d, d, std);
            weight(s, p + "attn.attention.v_proj.", d, d, std);
            weight(s, p + "attn.attention.q_proj.", d, d, std);
            linear(s, p + "attn.attention.out_proj.", d, d, false, residual);
            layerNorm(s, p + "ln_2.", d);
            linear(s, p + "mlp.c_fc.", f, d, false, std);
            linear(s, p + "mlp.c_proj.", d, f, false, residual);
        }
        layerNorm(s, "transformer.ln_f.", d);
    }

    /** GPTNeoXForCausalLM: query_key_value's rows are per head, (H, 3, hd): q, k, v of head 0, then head 1, ... */
    private static void gptNeox(ModelConfig c, List<Spec> s, double std, double residual) {
        long d = c.dModel(), f = c.dFf();
        s.add(new Spec("gpt_neox.embed_in.weight", new long[] {c.vocabSize(), d}, false, Kind.NORMAL, std));
        for (int l = 0; l < c.nLayer(); l++) {
            String p = "gpt_neox.layers." + l + ".";
            layerNorm(s, p + "input_layernorm.", d);
            layerNorm(s, p + "post_attention_layernorm.", d);
            linear(s, p + "attention.query_key_value.", 3 * d, d, false, std);
            linear(s, p + "attention.dense.", d, d, false, residual);
            linear(s, p + "mlp.dense_h_to_4h.", f, d, false, std);
            linear(s, p + "mlp.dense_4h_to_h.", d, f, false, residual);
        }
        layerNorm(s, "gpt_neox.final_layer_norm.", d);
    }

    /** Fresh weights from {@code seed}, drawn in Java (same numbers on every device). */
    static List<Parameter> random(ModelConfig c, NDManager manager, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Parameter> out = new ArrayList<>();
        for (Spec s : specs(c)) {
            long n = s.size();
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(s.name() + " is too large (" + n + " values)");
            }
            float[] data = new float[(int) n];
            switch (s.kind()) {
                case NORMAL -> {
                    for (int i = 0; i < data.length; i++) {
                        data[i] = (float) (rng.nextGaussian() * s.std());
                    }
                }
                case ONES -> java.util.Arrays.fill(data, 1f);
                case ZEROS -> { }
            }
            out.add(new Parameter(s.name(), manager.create(data, new Shape(s.shape())), s.conv1d()));
        }
        return out;
    }
}
