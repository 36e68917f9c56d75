package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.BiFunction;
import llm.engine.FusedOps;
import llm.engine.GradCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** libtorch's fused kernels ({@link FusedOps}) against the DJL-op versions in {@link Layers}: values and gradients. */
class FusedLayersTest extends CpuRoot {
    private static final double REL = 1e-5;

    @BeforeAll
    static void fused() {
        assumeTrue(FusedOps.available(), "fused ops unavailable (-Dllm.fused=false?)");
    }

    private static NDArray random(NDManager m, long seed, float scale, long... shape) {
        Shape s = new Shape(shape);
        float[] a = GradCheck.random(seed, (int) s.size());
        for (int i = 0; i < a.length; i++) {
            a[i] *= scale;
        }
        return m.create(a, s);
    }

    @Test
    void geluTanhMatchesTheDjlOps() {
        try (NDManager m = root.newSubManager()) {
            NDArray x = random(m, 1, 4f, 2, 5, 16); // covers both tails
            GradCheck.assertClose(GradCheck.run(m, 11, a -> Layers.geluTanhUnfused(a[0]), x),
                    GradCheck.run(m, 11, a -> FusedOps.geluTanh(a[0]), x), REL);
        }
    }

    @Test
    void maskedAttentionMatchesTheDjlOps() {
        causalAttentionMatchesTheDjlOps((a, mask) -> FusedOps.maskedAttention(a[0], a[1], a[2], mask));
    }

    @Test
    void attentionAsTheModelCallsItMatchesTheDjlOps() { // flash or baddbmm, whichever this machine takes
        causalAttentionMatchesTheDjlOps((a, mask) -> Layers.attention(a[0], a[1], a[2], mask));
    }

    /** Causal multi-head attention (B 2, H 4, T = S 7, hd 8) by {@code fused} against the DJL ops. */
    private static void causalAttentionMatchesTheDjlOps(BiFunction<NDArray[], NDArray, NDArray> fused) {
        try (NDManager m = root.newSubManager()) {
            NDArray q = random(m, 2, 2f, 2, 4, 7, 8);
            NDArray k = random(m, 3, 2f, 2, 4, 7, 8);
            NDArray v = random(m, 4, 1f, 2, 4, 7, 8);
            NDArray mask = Layers.causalMask(m, 7, 7, 0);
            GradCheck.Result ops = GradCheck.run(m, 12, a -> Layers.attentionUnfused(a[0], a[1], a[2], mask), q, k, v);
            GradCheck.Result got = GradCheck.run(m, 12, a -> fused.apply(a, mask), q, k, v);
            assertEquals(new Shape(2, 7, 32), got.shape());
            GradCheck.assertClose(ops, got, REL);
        }
    }

    @Test
    void maskedGroupedQueryAttentionWithACacheOffsetMatchesTheDjlOps() {
        try (NDManager m = root.newSubManager()) {
            NDArray q = random(m, 8, 2f, 2, 6, 3, 4); // T = 3 queries at positions 4..6, 6 heads over 2 kv heads
            NDArray k = random(m, 9, 2f, 2, 2, 7, 4); // S = 7 keys
            NDArray v = random(m, 10, 1f, 2, 2, 7, 4);
            NDArray mask = Layers.causalMask(m, 3, 7, 4);
            GradCheck.assertClose(
                    GradCheck.run(m, 14, a -> Layers.attentionUnfused(a[0], a[1], a[2], mask), q, k, v),
                    GradCheck.run(m, 14, a -> FusedOps.maskedAttention(a[0], a[1], a[2], mask), q, k, v), REL);
        }
    }

    @Test
    void causalAttentionMatchesTheDjlOps() {
        causalAttentionMatchesTheDjlOps((a, mask) -> FusedOps.causalAttention(a[0], a[1], a[2]));
    }

    @Test
    void groupedQueryAttentionMatchesTheDjlOps() {
        try (NDManager m = root.newSubManager()) {
            NDArray q = random(m, 5, 2f, 2, 6, 5, 4); // 6 query heads over 2 kv heads
            NDArray k = random(m, 6, 2f, 2, 2, 5, 4);
            NDArray v = random(m, 7, 1f, 2, 2, 5, 4);
            NDArray mask = Layers.causalMask(m, 5, 5, 0);
            GradCheck.assertClose(
                    GradCheck.run(m, 13, a -> Layers.attentionUnfused(a[0], a[1], a[2], mask), q, k, v),
                    GradCheck.run(m, 13, a -> FusedOps.causalAttention(a[0], a[1], a[2]), q, k, v), REL);
        }
    }

    @Test
    void wholeModelsAgreeWithAndWithoutFusedOps() {
        for (ModelConfig c : new ModelConfig[] {ModelConfig.gpt2(64, 16, 32, 2, 4),
                ModelConfig.llama(64, 16, 32, 2, 4, 2, 48, false)}) {
            LanguageModel model = LanguageModel.create(c, root, 3);
            try (NDManager m = root.newSubManager()) {
                NDArray ids = m.create(new int[] {1, 5, 9, 2, 7, 3, 4, 8, 6, 0, 11, 13}, new Shape(2, 6));
                float[] fused = model.forward(ids).toFloatArray();
                float[] ops;
                System.setProperty("llm.fused", "false");
                try {
                    ops = model.forward(ids).toFloatArray();
                } finally {
                    System.clearProperty("llm.fused");
                }
                GradCheck.assertClose(c.arch() + " logits", ops, fused, REL);
                assertFalse(java.util.Arrays.equals(ops, fused), "the switch changes the path (bit-exact otherwise)");
            }
        }
    }
}
