package llm.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Parameter names, shapes and random initialisation of both architectures. */
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
                s.add(new Spec(p + "ln_1.weight", new long[] {d}, false, Kind.ONES, 0));
                s.add(new Spec(p + "ln_1.bias", new long[] {d}, false, Kind.ZEROS, 0));
                s.add(new Spec(p + "attn.c_attn.weight", new long[] {3 * d, d}, true, Kind.NORMAL, std));
                s.add(new Spec(p + "attn.c_attn.bias", new long[] {3 * d}, false, Kind.ZEROS, 0));
                s.add(new Spec(p + "attn.c_proj.weight", new long[] {d, d}, true, Kind.NORMAL, residual));
                s.add(new Spec(p + "attn.c_proj.bias", new long[] {d}, false, Kind.ZEROS, 0));
                s.add(new Spec(p + "ln_2.weight", new long[] {d}, false, Kind.ONES, 0));
                s.add(new Spec(p + "ln_2.bias", new long[] {d}, false, Kind.ZEROS, 0));
                s.add(new Spec(p + "mlp.c_fc.weight", new long[] {f, d}, true, Kind.NORMAL, std));
                s.add(new Spec(p + "mlp.c_fc.bias", new long[] {f}, false, Kind.ZEROS, 0));
                s.add(new Spec(p + "mlp.c_proj.weight", new long[] {d, f}, true, Kind.NORMAL, residual));
                s.add(new Spec(p + "mlp.c_proj.bias", new long[] {d}, false, Kind.ZEROS, 0));
            }
            s.add(new Spec("transformer.ln_f.weight", new long[] {d}, false, Kind.ONES, 0));
            s.add(new Spec("transformer.ln_f.bias", new long[] {d}, false, Kind.ZEROS, 0));
        } else {
            long kv = c.kvDim();
            s.add(new Spec("model.embed_tokens.weight", new long[] {v, d}, false, Kind.NORMAL, std));
            for (int l = 0; l < c.nLayer(); l++) {
                String p = "model.layers." + l + ".";
                s.add(new Spec(p + "input_layernorm.weight", new long[] {d}, false, Kind.ONES, 0));
                s.add(new Spec(p + "self_attn.q_proj.weight", new long[] {d, d}, false, Kind.NORMAL, std));
                s.add(new Spec(p + "self_attn.k_proj.weight", new long[] {kv, d}, false, Kind.NORMAL, std));
                s.add(new Spec(p + "self_attn.v_proj.weight", new long[] {kv, d}, false, Kind.NORMAL, std));
                s.add(new Spec(p + "self_attn.o_proj.weight", new long[] {d, d}, false, Kind.NORMAL, residual));
                s.add(new Spec(p + "post_attention_layernorm.weight", new long[] {d}, false, Kind.ONES, 0));
                s.add(new Spec(p + "mlp.gate_proj.weight", new long[] {f, d}, false, Kind.NORMAL, std));
                s.add(new Spec(p + "mlp.up_proj.weight", new long[] {f, d}, false, Kind.NORMAL, std));
                s.add(new Spec(p + "mlp.down_proj.weight", new long[] {d, f}, false, Kind.NORMAL, residual));
            }
            s.add(new Spec("model.norm.weight", new long[] {d}, false, Kind.ONES, 0));
        }
        if (!c.tiedEmbeddings()) {
            s.add(new Spec("lm_head.weight", new long[] {v, d}, false, Kind.NORMAL, std));
        }
        return s;
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
