package llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.Test;

/**
 * Regression test: the same batch must give the same gradient every time, even when the GC runs between forward and
 * backward. DJL's {@code mul(Number)}/{@code pow(Number)} free their scalar operand's buffer right after the
 * forward op although autograd reads it in the backward pass; it showed as random NaN/huge gradient norms.
 */
class GradientStabilityTest {
    @Test
    void gradientsDoNotDependOnTheGarbageCollector() {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            for (ModelConfig cfg : new ModelConfig[] {ModelConfig.gpt2(97, 32, 32, 2, 2),
                    ModelConfig.llama(97, 32, 32, 2, 4, 2, 64, true)}) {
                TrainModel tm = new LanguageModelTraining(LanguageModel.create(cfg, root, 1));
                Map<String, NDArray> params = tm.parameters();
                params.values().forEach(p -> p.setRequiresGradient(true));
                int[] batch = new java.util.Random(3).ints(4 * 33, 0, 97).toArray();
                double first = Double.NaN;
                for (int it = 0; it < 6; it++) {
                    try (NDManager sm = Engines.step(root);
                         GradientCollector gc = Engines.engine().newGradientCollector()) {
                        NDArray xy = sm.create(batch, new Shape(4, 33));
                        NDArray loss = CrossEntropy.loss(tm.forward(xy.get(new NDIndex(":, :-1"))),
                                xy.get(new NDIndex(":, 1:")));
                        for (int g = 0; g < 3; g++) { // let freed direct buffers be reclaimed and reused
                            System.gc();
                            byte[][] churn = new byte[64][];
                            for (int i = 0; i < churn.length; i++) {
                                churn[i] = new byte[1 << 14];
                                java.nio.ByteBuffer.allocateDirect(1 << 12).put(0, (byte) 0x7f);
                            }
                        }
                        gc.backward(loss);
                    }
                    double n;
                    try (NDManager sm = Engines.step(root)) {
                        n = Gradients.globalNorm(params.values(), sm);
                    }
                    for (NDArray p : params.values()) {
                        try (NDArray g = p.getGradient()) {
                            g.muli(0);
                        }
                    }
                    if (it == 0) {
                        first = n;
                    }
                    assertEquals(first, n, 1e-6 * first, cfg.arch() + " gradient norm at iteration " + it);
                }
            }
        }
    }
}
