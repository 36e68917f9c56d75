package llm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import llm.engine.Engines;
import llm.train.CrossEntropy;

/**
 * Manual probe (not a test): forward + backward of the bench-shape GPT-2 with parts of it removed, to see what
 * each part costs. {@code bench/probe.sh ModelProbe THREADS STEPS}
 */
public final class ModelProbe {
    public static void main(String[] a) {
        int threads = a.length > 0 ? Integer.parseInt(a[0]) : 2;
        int steps = a.length > 1 ? Integer.parseInt(a[1]) : 8;
        int v = 4096, t = 128, c = 256, l = 4, h = 8, b = 16;
        Engines.configure(threads);
        String[][] variants = System.getProperty("variants") != null
                ? Arrays.stream(System.getProperty("variants").split(",")).map(x -> x.isEmpty() ? new String[0] : x.split("\\+")).toArray(String[][]::new)
                : new String[][] {{}, {"noln"}, {"nogelu"}, {"noattn"}, {"noloss"}, {"nores"}, {"noln", "nogelu", "noattn", "noloss", "nores"}};
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            ModelConfig cfg = ModelConfig.gpt2(v, t, c, l, h);
            LanguageModel model = LanguageModel.create(cfg, root, 1);
            for (Parameter p : model.parameters()) {
                p.array().setRequiresGradient(true);
            }
            Random r = new Random(1);
            double[][] ms = new double[variants.length][steps];
            for (int s = -2; s < steps; s++) {
                for (int vi = 0; vi < variants.length; vi++) {
                    Set<String> off = Set.of(variants[vi]);
                    int[] batch = r.ints((long) b * (t + 1), 0, v).toArray();
                    long t0 = System.nanoTime();
                    try (NDManager sm = Engines.step(root);
                         GradientCollector gc = Engines.engine().newGradientCollector()) {
                        NDArray xy = sm.create(batch, new Shape(b, t + 1));
                        NDArray x = xy.get(":, :-1");
                        NDArray logits = forward(model, cfg, x, off);
                        NDArray loss = off.contains("noloss") ? logits.mean()
                                : CrossEntropy.loss(logits, xy.get(":, 1:"));
                        gc.backward(loss);
                    }
                    if (s >= 0) {
                        ms[vi][s] = (System.nanoTime() - t0) / 1e6;
                    }
                    for (Parameter p : model.parameters()) {
                        p.array().getGradient().subi(p.array().getGradient()).close();
                    }
                }
            }
            for (int vi = 0; vi < variants.length; vi++) {
                double[] x = ms[vi].clone();
                Arrays.sort(x);
                System.out.printf("%-40s median %.1f ms  min %.1f ms%n", String.join("+", variants[vi]).isEmpty()
                        ? "full model" : "without " + String.join(", ", variants[vi]), x[steps / 2], x[0]);
            }
        }
    }

    static NDArray w(LanguageModel m, String name) {
        return m.parameter(name).array();
    }

    static NDArray forward(LanguageModel model, ModelConfig config, NDArray ids, Set<String> off) {
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        int nh = config.nHead(), hd = config.headDim();
        int c = config.dModel();
        float eps = config.normEps();
        NDArray positions = ids.getManager().arange(0, (int) t).reshape(1, t);
        NDArray x = Layers.embed(ids, w(model, "transformer.wte.weight"))
                .add(Layers.embed(positions, w(model, "transformer.wpe.weight")));
        NDArray mask = Layers.causalMask(ids.getManager(), (int) t, (int) t, 0);
        for (int l = 0; l < config.nLayer(); l++) {
            String p = "transformer.h." + l + ".";
            NDArray a = off.contains("noln") ? x : Layers.layerNorm(x, w(model, p + "ln_1.weight"), w(model, p + "ln_1.bias"), eps);
            NDArray qkv = Layers.linear(a, w(model, p + "attn.c_attn.weight"), w(model, p + "attn.c_attn.bias"));
            NDArray y;
            if (off.contains("noattn")) {
                y = qkv.get(":, :, 0:" + c);
            } else {
                NDList parts = qkv.reshape(b, t, 3, nh, hd).transpose(2, 0, 3, 1, 4).split(3, 0);
                y = Layers.attention(parts.get(0).squeeze(0), parts.get(1).squeeze(0), parts.get(2).squeeze(0), mask);
            }
            NDArray o = Layers.linear(y, w(model, p + "attn.c_proj.weight"), w(model, p + "attn.c_proj.bias"));
            x = off.contains("nores") ? o : x.add(o);
            NDArray m = off.contains("noln") ? x : Layers.layerNorm(x, w(model, p + "ln_2.weight"), w(model, p + "ln_2.bias"), eps);
            NDArray f = Layers.linear(m, w(model, p + "mlp.c_fc.weight"), w(model, p + "mlp.c_fc.bias"));
            if (!off.contains("nogelu")) {
                f = Layers.geluTanh(f);
            }
            m = Layers.linear(f, w(model, p + "mlp.c_proj.weight"), w(model, p + "mlp.c_proj.bias"));
            x = off.contains("nores") ? m : x.add(m);
        }
        NDArray hf = off.contains("noln") ? x : Layers.layerNorm(x, w(model, "transformer.ln_f.weight"), w(model, "transformer.ln_f.bias"), eps);
        return Layers.linear(hf, w(model, "transformer.wte.weight"), null);
    }
}
