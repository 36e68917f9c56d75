package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Java decoder and the DJL KV-cache decoder agree with the DJL full forward, batched. */
class CpuDecoderTest extends CpuRoot {
    static void check(ModelConfig c, Decoder.Impl impl, int threads) {
        check(c, impl, threads, 10);
    }

    /** Feeds two rows of {@code t} random tokens (a prompt of 4, then one at a time); logits against the forward. */
    static void check(ModelConfig c, Decoder.Impl impl, int threads, int t) {
        LanguageModel model = LanguageModel.create(c, root, 21);
        int b = 2;
        int[][] ids = new int[b][t];
        int[] flat = new int[b * t];
        Random r = new Random(9);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                ids[i][j] = flat[i * t + j] = r.nextInt(c.vocabSize());
            }
        }
        int v = c.vocabSize();
        try (NDManager s = root.newSubManager(); Decoder dec = new Decoder(model, s, b, t, impl, threads)) {
            assertEquals(impl, dec.impl());
            dec.alwaysUseAllThreads(); // the split products and heads, not only the single-thread path
            float[] full = model.forward(s.create(flat, new Shape(b, t))).toFloatArray(); // (B, T, V)
            int[][] pre = new int[b][];
            for (int i = 0; i < b; i++) {
                pre[i] = java.util.Arrays.copyOf(ids[i], 4);
            }
            float[][] got = dec.feed(pre);
            double num = 0, den = 0;
            for (int pos = 3; pos < t; pos++) {
                if (pos > 3) {
                    int[] col = new int[b];
                    for (int i = 0; i < b; i++) {
                        col[i] = ids[i][pos];
                    }
                    got = dec.next(col);
                }
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < v; j++) {
                        double e = full[(i * t + pos) * v + j];
                        num += (got[i][j] - e) * (got[i][j] - e);
                        den += e * e;
                    }
                }
            }
            assertEquals(t, dec.position());
            double err = Math.sqrt(num / den);
            assertTrue(err < 1e-5, impl + " relative error " + err);
        }
    }

    @Test
    void javaGpt2() {
        check(ModelConfig.gpt2(50, 16, 32, 2, 4), Decoder.Impl.JAVA, 1);
    }

    @Test
    void javaLlamaGqaUntiedThreads() {
        // wide enough that the products run on the fork-join pool
        check(ModelConfig.llama(600, 16, 256, 1, 4, 2, 512, false), Decoder.Impl.JAVA, 2);
    }

    @Test
    void javaLlamaRopeScaled() { // head size 8: frequency 0 kept, 1 blended, 2-3 divided (llama3 scaling)
        check(ModelConfig.llama(50, 16, 32, 2, 4, 2, 48, true)
                .withRopeScaling(new RopeScaling("llama3", 8f, 1f, 4f, 1024)), Decoder.Impl.JAVA, 1);
    }

    @Test
    void javaCacheGrowsAsThePositionsNeedIt() { // (its rows start at CACHE_START positions and double)
        int t = 2 * CpuDecoder.CACHE_START + 9;
        check(ModelConfig.gpt2(50, t, 32, 2, 4), Decoder.Impl.JAVA, 1, t);
        check(ModelConfig.llama(50, t + 7, 32, 2, 4, 2, 48, true), Decoder.Impl.JAVA, 2, t);
    }

    @Test
    void warmUpRunsDecodeStepsOnAStandInOfTheModelsShape() {
        // the JIT warm-up runs the decoder's own step code; it must work for every shape it is given
        assertTrue(CpuDecoder.warmUpSteps(ModelConfig.gpt2(50, 16, 32, 2, 4), 1) >= 32);
        assertTrue(CpuDecoder.warmUpSteps(ModelConfig.llama(50, 16, 32, 2, 4, 2, 48, false), 2) >= 32);
        ModelConfig small = ModelConfig.llama(512, 512, 64, 5, 8, 4, 172, true); // stories260K: itself
        assertSame(small, CpuDecoder.standIn(small));
        ModelConfig big = ModelConfig.llama(32000, 256, 288, 6, 6, 6, 768, true); // 15M: same widths, fewer rows
        ModelConfig s = CpuDecoder.standIn(big);
        assertEquals(List.of(2, 4096, 288, 768, 6, 256), List.of(s.nLayer(), s.vocabSize(), s.dModel(), s.dFf(),
                s.nKvHead(), s.ctx()));
    }

    @Test
    void djlLlama() {
        check(ModelConfig.llama(50, 16, 32, 2, 4, 2, 48, true), Decoder.Impl.DJL, 0);
    }

    @Test
    void raggedRowsEqualOneRowAtATime() {
        ModelConfig c = ModelConfig.llama(50, 16, 32, 2, 4, 2, 48, true);
        LanguageModel model = LanguageModel.create(c, root, 5);
        int[][] prompts = {{1, 2, 3, 4, 5}, {7, 8}, {9, 10, 11}};
        try (Decoder batch = new Decoder(model, root, 3, 16, Decoder.Impl.JAVA, 1)) {
            float[][] first = batch.feed(prompts);
            float[][] second = batch.next(new int[] {6, 9, 12});
            assertEquals(6, batch.position(0));
            assertEquals(3, batch.position(1));
            for (int b = 0; b < 3; b++) {
                try (Decoder one = new Decoder(model, root, 1, 16, Decoder.Impl.JAVA, 1)) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(one.feed(new int[][] {prompts[b]})[0],
                            first[b], 1e-6f);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(
                            one.next(new int[] {new int[] {6, 9, 12}[b]})[0], second[b], 1e-6f);
                }
            }
        }
    }
}
