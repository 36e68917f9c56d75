package llm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.ModelConfig;

/** Manual probe: the same batch forward/backward N times must give the same gradient norm. */
public final class GradProbe {
    public static void main(String[] a) throws Exception {
        boolean dup = a.length > 0 && a[0].equals("dup");
        Engines.configure(1);
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = LanguageModel.create(ModelConfig.gpt2(257, 64, 32, 2, 2), root, 1);
            TrainModel tm = new LanguageModelTraining(m);
            Map<String, NDArray> params = tm.parameters();
            params.values().forEach(p -> p.setRequiresGradient(true));
            int[] batch = new java.util.Random(3).ints(8 * 65, 0, 257).toArray();
            double first = Double.NaN;
            int bad = 0;
            for (int it = 0; it < 300; it++) {
                float loss;
                try (NDManager sm = Engines.step(root); GradientCollector gc = Engines.engine().newGradientCollector()) {
                    NDArray xy = sm.create(batch, new Shape(8, 65));
                    if (dup) {
                        xy = xy.duplicate();
                    }
                    NDArray logits = tm.forward(xy.get(new NDIndex(":, :-1")));
                    NDArray l = CrossEntropy.loss(logits, xy.get(new NDIndex(":, 1:")));
                    gc.backward(l);
                    loss = l.getFloat();
                }
                double n;
                try (NDManager sm = Engines.step(root)) {
                    n = Gradients.globalNorm(params.values(), sm);
                }
                for (NDArray p : params.values()) {
                    try (NDArray g = p.getGradient()) {
                        g.subi(g);
                    }
                }
                if (Double.isNaN(first)) {
                    first = n;
                }
                if (n != first) {
                    bad++;
                    System.out.printf("it %d: loss %f norm %s (first %s)%n", it, loss, n, first);
                }
            }
            System.out.println("bad " + bad);
        }
    }
}
