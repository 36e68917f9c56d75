package llm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.function.Function;
import llm.engine.Engines;
import llm.engine.FusedOps;

/** Manual probe (not a test): forward + backward time of single ops, fused against DJL ops, at the bench shape. */
public final class OpProbe {
    public static void main(String[] a) {
        int threads = a.length > 0 ? Integer.parseInt(a[0]) : 2;
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 20;
        Engines.configure(threads);
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            NDArray x = root.randomNormal(new Shape(16, 128, 1024));
            NDArray q = root.randomNormal(new Shape(16, 8, 128, 32));
            NDArray k = root.randomNormal(new Shape(16, 8, 128, 32));
            NDArray v = root.randomNormal(new Shape(16, 8, 128, 32));
            NDArray qkv = root.randomNormal(new Shape(16, 128, 768));
            NDArray mask = Layers.causalMask(root, 128, 128, 0);
            for (int round = 0; round < 3; round++) {
                System.out.println("round " + round);
                time("gelu fused", reps, xs -> FusedOps.geluTanh(xs[0]), x);
                time("gelu ops", reps, xs -> Layers.geluTanhUnfused(xs[0]), x);
                time("attn fused", reps, xs -> FusedOps.causalAttention(xs[0], xs[1], xs[2]), q, k, v);
                time("attn bmm", reps, xs -> FusedOps.maskedAttention(xs[0], xs[1], xs[2], mask), q, k, v);
                time("attn ops", reps, xs -> Layers.attentionUnfused(xs[0], xs[1], xs[2], mask), q, k, v);
            }
        }
    }

    static void time(String name, int reps, Function<NDArray[], NDArray> f, NDArray... in) {
        double[] fw = new double[reps], bw = new double[reps];
        for (int i = -2; i < reps; i++) {
            try (NDManager s = in[0].getManager().newSubManager()) {
                NDArray[] xs = new NDArray[in.length];
                for (int j = 0; j < in.length; j++) {
                    xs[j] = in[j].duplicate();
                    xs[j].attach(s);
                    xs[j].setRequiresGradient(true);
                }
                try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                    long t0 = System.nanoTime();
                    NDArray y = f.apply(xs);
                    NDArray l = y.sum();
                    l.getFloat();
                    long t1 = System.nanoTime();
                    gc.backward(l);
                    xs[0].getGradient().sum().getFloat();
                    long t2 = System.nanoTime();
                    if (i >= 0) {
                        fw[i] = (t1 - t0) / 1e6;
                        bw[i] = (t2 - t1) / 1e6;
                    }
                }
            }
        }
        Arrays.sort(fw);
        Arrays.sort(bw);
        System.out.printf("%-12s fwd %6.2f ms  bwd %6.2f ms  (medians); min %6.2f + %6.2f%n", name, fw[reps / 2],
                bw[reps / 2], fw[0], bw[0]);
    }
}
