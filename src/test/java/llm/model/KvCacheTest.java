package llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The incremental forward with a KV cache gives the full forward's logits, for both architectures, batched. */
class KvCacheTest extends CpuRoot {
    static double relErr(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += a[i] * (double) a[i];
        }
        return Math.sqrt(num / den);
    }

    static void check(ModelConfig c) {
        check(c, false);
    }

    /** @param pack decode steps multiply by weights packed by MKL ({@link KvCache#pack}) */
    static void check(ModelConfig c, boolean pack) {
        LanguageModel model = LanguageModel.create(c, root, 11);
        int b = 3, t = 12;
        int[] ids = new int[b * t];
        Random r = new Random(4);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(c.vocabSize());
        }
        try (NDManager s = root.newSubManager(); KvCache cache = model.newCache(s, b, t)) {
            if (pack) {
                cache.pack();
            }
            NDArray all = s.create(ids, new Shape(b, t));
            float[] full = model.forward(all).toFloatArray(); // (B, T, V)
            // prefill 5 positions, then one at a time
            NDArray pre = model.forward(all.get(new NDIndex(":, 0:5")), cache, false);
            float[] inc = new float[full.length];
            int v = c.vocabSize();
            float[] p = pre.toFloatArray();
            for (int bi = 0; bi < b; bi++) {
                System.arraycopy(p, bi * 5 * v, inc, bi * t * v, 5 * v);
            }
            for (int pos = 5; pos < t; pos++) {
                float[] step = model.forward(all.get(new NDIndex(":, {}:{}", pos, pos + 1)), cache, true).toFloatArray();
                for (int bi = 0; bi < b; bi++) {
                    System.arraycopy(step, bi * v, inc, (bi * t + pos) * v, v);
                }
            }
            assertEquals(t, cache.length());
            if (pack) { // every product of a step: q/k/v or qkv, the output, the MLP's, the head
                assertTrue(cache.packedCount() >= 4 * c.nLayer() + 1, cache.packedCount() + " weights packed");
            }
            double err = relErr(full, inc);
            assertTrue(err < 1e-5, "relative error " + err);
        }
    }

    @Test
    void gpt2_kv_equals_full() {
        check(ModelConfig.gpt2(50, 16, 32, 2, 4));
    }

    @Test
    void llamaGqaUntiedKvEqualsFull() {
        check(ModelConfig.llama(50, 16, 32, 2, 4, 2, 48, false));
    }

    /**
     * A forward through a cache (decoding: no gradients) frees each block's intermediates when the block is done
     * ({@link BlockScope}): none of the MLP's (B, T, F) activations is left in the step's scope, while a forward
     * without a cache (training, scoring) keeps them all for the backward pass. Every architecture's loop.
     */
    @Test
    void decodingFreesEachBlocksIntermediates() {
        List<ModelConfig> configs = List.of(ModelConfig.gpt2(50, 16, 32, 3, 4),
                ModelConfig.llama(50, 16, 32, 3, 4, 2, 48, false), family(Architecture.GPT_NEOX),
                family(Architecture.GPT_NEO));
        for (ModelConfig c : configs) {
            LanguageModel model = LanguageModel.create(c, root, 5);
            int[] ids = {1, 2, 3, 4, 5, 6, 7, 8};
            try (NDManager s = root.newSubManager(); KvCache cache = model.newCache(s, 2, 8)) {
                model.forward(s.create(ids, new Shape(2, 4)), cache, true);
                assertEquals(0, mlpActivations(s, c), c.arch() + ": a block's MLP activations outlived it");
            }
            try (NDManager s = root.newSubManager()) {
                model.forward(s.create(ids, new Shape(2, 4)));
                assertTrue(mlpActivations(s, c) >= c.nLayer(), c.arch() + ": the full forward keeps them");
            }
        }
    }

    private static ModelConfig family(Architecture arch) {
        return ModelFamiliesTest.cases().filter(k -> k.config().arch() == arch).findFirst().orElseThrow().config();
    }

    private static long mlpActivations(NDManager scope, ModelConfig c) {
        return scope.getManagedArrays().stream()
                .filter(a -> a.getShape().dimension() == 3 && a.getShape().get(2) == c.dFf()).count();
    }

    /** Decode steps through weights packed by MKL give the full forward's logits (where MKL's packing exists). */
    @Test
    void packedWeightsKvEqualsFull() {
        org.junit.jupiter.api.Assumptions.assumeTrue(llm.engine.FusedOps.packedAvailable(),
                "MKL's packed products are not available in this libtorch");
        check(ModelConfig.gpt2(50, 16, 32, 2, 4), true);
        check(ModelConfig.llama(50, 16, 32, 2, 4, 2, 48, false), true);
        check(family(Architecture.GPT_NEOX), true);
        check(family(Architecture.GPT_NEO), true);
    }

    @Test
    void aPackedCopyOnlyWhereItFits() {
        long gb = 1L << 30;
        assertTrue(Decoder.packFits(gb / 2, 24 * gb), "124M on the dev box");
        assertFalse(Decoder.packFits(32 * gb, 24 * gb), "an 8B model");
        assertFalse(Decoder.packFits(7 * gb, 24 * gb));
        assertFalse(Decoder.packFits(1, 0), "memory unknown");
    }

    @Test
    void rowsOfABatchAreIndependent() {
        ModelConfig c = ModelConfig.llama(40, 16, 32, 1, 4, 4, 40, true);
        LanguageModel model = LanguageModel.create(c, root, 2);
        try (NDManager s = root.newSubManager()) {
            float[] both = model.forward(s.create(new int[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3))).toFloatArray();
            float[] second = model.forward(s.create(new int[] {4, 5, 6}, new Shape(1, 3))).toFloatArray();
            float[] tail = java.util.Arrays.copyOfRange(both, both.length / 2, both.length);
            assertArrayEquals(second, tail, 1e-5f);
        }
    }

    @Test
    void ropePermutationPreservesAttentionScores() {
        // q·k over interleaved pairs equals q'·k' after both are permuted to halves
        float[] w = new float[8 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = i;
        }
        float[] p = Llama2c.interleavedToHalves(w, 2, 4, 3);
        // head 0: rows 0,2 then 1,3
        assertArrayEquals(new float[] {0, 1, 2, 6, 7, 8, 3, 4, 5, 9, 10, 11}, java.util.Arrays.copyOf(p, 12));
    }
}
