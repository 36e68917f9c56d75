package llm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.ModelConfig;

/**
 * Manual probe (not a test): where one training step of the bench shape spends its time.
 * {@code bench/probe.sh StepProbe [threads] [steps]}; {@code JAVA_OPTS=-Dllm.fused=false} for the unfused ops.
 */
public final class StepProbe {
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
        } catch (IOException e) {
            return -1;
        }
    }

    public static void main(String[] a) {
        int threads = a.length > 0 ? Integer.parseInt(a[0]) : 2;
        int steps = a.length > 1 ? Integer.parseInt(a[1]) : 12;
        int v = 4096, t = 128, c = 256, l = 4, h = 8, b = 16;
        Engines.configure(threads);
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            ModelConfig cfg = ModelConfig.gpt2(v, t, c, l, h);
            LanguageModel model = LanguageModel.create(cfg, root, 1);
            Map<String, NDArray> params = new LanguageModelTraining(model).parameters();
            for (NDArray p : params.values()) {
                p.setRequiresGradient(true);
            }
            AdamW opt = new AdamW(params, root, AdamW.Hyper.GPT);
            Random r = new Random(1);
            double[][] ms = new double[5][steps];
            double[] cpu = new double[steps];
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long faults0 = 0;
            double faultsPerStep = 0;
            for (int s = -3; s < steps; s++) {
                if (s == steps - 5) {
                    faults0 = minorFaults();
                }
                int[] batch = r.ints((long) b * (t + 1), 0, v).toArray();
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime(), t1, t2, t3;
                try (NDManager sm = Engines.step(root);
                     GradientCollector gc = Engines.engine().newGradientCollector()) {
                    NDArray xy = sm.create(batch, new Shape(b, t + 1));
                    NDArray logits = model.forward(xy.get(new NDIndex(":, :-1")));
                    t1 = System.nanoTime();
                    NDArray loss = CrossEntropy.loss(logits, xy.get(new NDIndex(":, 1:")));
                    loss.getFloat();
                    t2 = System.nanoTime();
                    gc.backward(loss);
                    t3 = System.nanoTime();
                }
                double norm;
                try (NDManager sm = Engines.step(root)) {
                    norm = Gradients.globalNorm(params.values(), sm);
                }
                long t4 = System.nanoTime();
                opt.step(1e-4, Gradients.clipScale(norm, 1.0));
                long t5 = System.nanoTime();
                if (s >= 0) {
                    cpu[s] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                    ms[0][s] = (t1 - t0) / 1e6;
                    ms[1][s] = (t2 - t1) / 1e6;
                    ms[2][s] = (t3 - t2) / 1e6;
                    ms[3][s] = (t4 - t3) / 1e6;
                    ms[4][s] = (t5 - t4) / 1e6;
                }
            }
            faultsPerStep = (minorFaults() - faults0) / 5.0;
            String[] names = {"forward", "loss", "backward", "grad_norm", "adamw"};
            double total = 0;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                double[] x = ms[i].clone();
                Arrays.sort(x);
                total += x[steps / 2];
                sb.append(String.format(" %s %.1f", names[i], x[steps / 2]));
            }
            System.out.printf("minor faults per step (last 5 steps): %.0f%n", faultsPerStep);
            double[] cs = cpu.clone();
            Arrays.sort(cs);
            sb.append(String.format(" | main-thread cpu %.1f (min %.1f)", cs[steps / 2], cs[0]));
            double flops = 6.0 * (cfg.parameterCount() - (long) t * c) + 12.0 * l * t * c;
            System.out.printf("fused=%s threads=%d median ms:%s | total %.1f ms = %.0f tokens/s = %.1f GFLOP/s%n",
                    System.getProperty("llm.fused", "true"), threads, sb, total, b * t / (total / 1e3),
                    b * t / (total / 1e3) * flops / 1e9);
            opt.close();
        }
    }
}
