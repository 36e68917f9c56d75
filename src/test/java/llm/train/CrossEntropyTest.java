package llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import llm.engine.Engines;
import llm.engine.FusedOps;
import llm.engine.GradCheck;
import org.junit.jupiter.api.Test;

class CrossEntropyTest {
    @Test
    void fusedLossMatchesTheDjlOpsInValueAndGradient() {
        assumeTrue(FusedOps.available(), "fused ops unavailable (-Dllm.fused=false?)");
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            float[] l = GradCheck.random(21, 2 * 5 * 11);
            for (int i = 0; i < l.length; i++) {
                l[i] *= 6; // peaked rows
            }
            NDArray logits = m.create(l, new Shape(2, 5, 11));
            NDArray targets = m.create(new int[] {0, 3, 10, 7, 7, 1, 2, 9, 4, 5}, new Shape(2, 5));
            GradCheck.Result fused = GradCheck.run(m, 22, a -> CrossEntropy.loss(a[0], a[1]), logits, targets);
            GradCheck.Result ops = GradCheck.run(m, 22, a -> CrossEntropy.lossUnfused(a[0], a[1]), logits, targets);
            assertEquals(new Shape(), fused.shape());
            GradCheck.assertClose(ops, fused, 1e-5);
        }
    }

    @Test
    void uniformLogitsGiveLogV() {
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            NDArray logits = m.zeros(new Shape(1, 3, 8));
            NDArray targets = m.create(new int[] {1, 2, 7}, new Shape(1, 3));
            assertEquals(Math.log(8), CrossEntropy.loss(logits, targets).getFloat(), 1e-6);
            assertEquals(Math.log(8), CrossEntropy.lossUnfused(logits, targets).getFloat(), 1e-6);
        }
    }
}
