package llm.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Random;
import llm.engine.Engines;
import llm.eval.memorize.Continuer;
import llm.eval.memorize.SlowGreedy;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import org.junit.jupiter.api.Test;

/**
 * Batched KV-cache greedy decoding equals one-sequence-at-a-time decoding by full recomputation, with the Java
 * decoder (ragged prompts in one batch) and with the DJL decoder (prompts of one length).
 */
class ModelContinuerTest {
    /** {@code rows} prompts of {@code length} ids below {@code vocab}, drawn with {@code seed}. */
    static int[][] randomPrompts(int rows, int length, int vocab, long seed) {
        Random r = new Random(seed);
        int[][] prompts = new int[rows][length];
        for (int[] p : prompts) {
            for (int i = 0; i < length; i++) {
                p[i] = r.nextInt(vocab);
            }
        }
        return prompts;
    }

    static int[] slowGreedy(LanguageModel m, NDManager root, int[] prompt, int steps) {
        return SlowGreedy.continuation(m, root, prompt, steps);
    }

    static void check(String impl, boolean ragged) {
        String before = System.getProperty("llm.decoder");
        System.setProperty("llm.decoder", impl);
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            for (LanguageModel m : new LanguageModel[] {
                LanguageModel.create(ModelConfig.gpt2(40, 32, 16, 2, 2), root, 5),
                LanguageModel.create(ModelConfig.llama(40, 32, 16, 2, 4, 2, 24, true), root, 6)}) {
                Random r = new Random(3);
                int[][] prompts = new int[4][];
                for (int b = 0; b < prompts.length; b++) {
                    prompts[b] = new int[ragged ? 3 + 2 * b : 7];
                    for (int i = 0; i < prompts[b].length; i++) {
                        prompts[b][i] = r.nextInt(40);
                    }
                }
                ModelContinuer c = new ModelContinuer(m, root, 1);
                assertEquals(ragged, c.ragged());
                int[][] fast = c.continueBatch(prompts, 6, Continuer.GREEDY);
                assertArrayEquals(fast[2], c.continueBatch(new int[][] {prompts[2]}, 6, Continuer.GREEDY)[0]);
                assertArrayEquals(fast[0], c.continueBatch(prompts, 6, Continuer.GREEDY)[0], "decoder reused");
                assertEquals(4, fast.length);
                c.close();
                for (int b = 0; b < prompts.length; b++) {
                    assertArrayEquals(slowGreedy(m, root, prompts[b], 6), fast[b],
                            impl + " row " + b + " " + m.config().arch());
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty("llm.decoder");
            } else {
                System.setProperty("llm.decoder", before);
            }
        }
    }

    @Test
    void javaDecoderRaggedBatchEqualsSlow() {
        check("java", true);
    }

    @Test
    void djlDecoderBatchEqualsSlow() {
        check("djl", false);
    }

    @Test
    void defaultChoiceForRectangularAndRaggedBatches() {
        String before = System.getProperty("llm.decoder");
        System.clearProperty("llm.decoder");
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = LanguageModel.create(ModelConfig.gpt2(40, 32, 16, 2, 2), root, 7);
            int[][] rect = randomPrompts(ModelContinuer.DJL_MIN_ROWS, 5, 40, 4);
            int[][] ragged = {Arrays.copyOf(rect[0], 2), rect[1], Arrays.copyOf(rect[2], 4)};
            try (ModelContinuer c = new ModelContinuer(m, root, 1)) {
                int[][] a = c.continueBatch(rect, 4, Continuer.GREEDY); // Java decoder too: a small model
                int[][] b = c.continueBatch(ragged, 4, Continuer.GREEDY); // Java decoder
                assertFalse(c.usedDjl());
                assertArrayEquals(slowGreedy(m, root, rect[0], 4), a[0]);
                assertArrayEquals(slowGreedy(m, root, rect[7], 4), a[7]);
                assertArrayEquals(a[1], b[1]);
                assertArrayEquals(slowGreedy(m, root, ragged[0], 4), b[0]);
            }
            try (ModelContinuer c = new ModelContinuer(m, root, 1, 40, 0)) { // every rectangular batch to DJL
                int[][] a = c.continueBatch(rect, 4, Continuer.GREEDY);
                assertTrue(c.usedDjl());
                assertArrayEquals(slowGreedy(m, root, rect[0], 4), a[0]);
                assertArrayEquals(slowGreedy(m, root, rect[7], 4), a[7]);
                int[][] b = c.continueBatch(ragged, 4, Continuer.GREEDY); // ragged: the Java decoder
                assertArrayEquals(a[1], b[1]);
            }
        } finally {
            if (before != null) {
                System.setProperty("llm.decoder", before);
            }
        }
    }

    @Test
    void rectangularBatchesGoToLibtorchOnlyWhereItsProductsPay() {
        assertFalse(ModelContinuer.useDjl(4, 100_000_000L, ModelContinuer.DJL_MIN_ROW_PARAMS), "too few rows");
        assertFalse(ModelContinuer.useDjl(32, 1_350_000L, ModelContinuer.DJL_MIN_ROW_PARAMS), "the default model: the Java decoder is faster");
        assertFalse(ModelContinuer.useDjl(8, 6_800_000L, ModelContinuer.DJL_MIN_ROW_PARAMS));
        assertTrue(ModelContinuer.useDjl(32, 6_800_000L, ModelContinuer.DJL_MIN_ROW_PARAMS));
        assertTrue(ModelContinuer.useDjl(8, 15_000_000L, ModelContinuer.DJL_MIN_ROW_PARAMS));
    }

    /** With a vocabulary limit (a tokenizer smaller than the model's vocabulary), ids from the limit up are never picked. */
    @Test
    void idsBeyondTheTokenizerAreNeverPicked() {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = LanguageModel.create(ModelConfig.gpt2(40, 32, 16, 2, 2), root, 5);
            int[][] prompts = {{1, 2, 3}};
            int limit;
            try (ModelContinuer free = new ModelContinuer(m, root, 1)) {
                int[] greedy = free.continueBatch(prompts, 8, Continuer.GREEDY)[0];
                limit = Arrays.stream(greedy).max().orElseThrow(); // the largest id greedy picks becomes unprintable
            }
            try (ModelContinuer limited = new ModelContinuer(m, root, 1, limit)) {
                int[] out = limited.continueBatch(prompts, 8, Continuer.GREEDY)[0];
                assertTrue(Arrays.stream(out).allMatch(id -> id < limit), Arrays.toString(out));
            }
        }
    }

    /**
     * Greedy batches take the arg max where the logits are (libtorch's for the DJL decoder): the same ids as a picker
     * that reads every row's logits in Java, with and without a vocabulary limit, on both decoders.
     */
    @Test
    void greedyOnTheEngineEqualsTheArgMaxInJava() {
        Continuer.Picker inJava = (row, logits) -> llm.generate.Sampler.argmax(logits); // (not GREEDY itself: the logits path)
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = LanguageModel.create(ModelConfig.gpt2(40, 32, 16, 2, 2), root, 9);
            int[][] prompts = randomPrompts(ModelContinuer.DJL_MIN_ROWS, 6, 40, 8);
            for (int limit : new int[] {40, 12}) {
                for (double djlFrom : new double[] {0, Double.MAX_VALUE}) {
                    try (ModelContinuer c = new ModelContinuer(m, root, 1, limit, djlFrom)) {
                        int[][] greedy = c.continueBatch(prompts, 5, Continuer.GREEDY);
                        assertEquals(djlFrom == 0, c.usedDjl());
                        int[][] java = c.continueBatch(prompts, 5, inJava);
                        for (int b = 0; b < prompts.length; b++) {
                            assertArrayEquals(java[b], greedy[b], "row " + b + ", limit " + limit);
                            assertTrue(Arrays.stream(greedy[b]).allMatch(id -> id < limit));
                        }
                    }
                }
            }
        }
    }

    /**
     * The Java decoder continues a batch larger than {@link ModelContinuer#JAVA_MAX_ROWS} in parts: each row as
     * alone, and a picker still sees every row under its own index.
     */
    @Test
    void largeJavaBatchesGoInParts() {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = LanguageModel.create(ModelConfig.gpt2(40, 32, 16, 2, 2), root, 3);
            int rows = ModelContinuer.JAVA_MAX_ROWS + 9;
            int[][] prompts = randomPrompts(rows, 4, 40, 12);
            prompts[5] = Arrays.copyOf(prompts[5], 2); // ragged: the Java decoder
            try (ModelContinuer c = new ModelContinuer(m, root, 1)) {
                int[][] all = c.continueBatch(prompts, 3, Continuer.GREEDY);
                for (int b : new int[] {0, 5, ModelContinuer.JAVA_MAX_ROWS, rows - 1}) {
                    assertArrayEquals(c.continueBatch(new int[][] {prompts[b]}, 3, Continuer.GREEDY)[0], all[b]);
                }
                boolean[] seen = new boolean[rows];
                int[][] picked = c.continueBatch(prompts, 3, (row, logits) -> {
                    seen[row] = true;
                    return llm.generate.Sampler.argmax(logits);
                });
                assertTrue(Arrays.deepEquals(all, picked));
                for (boolean s : seen) {
                    assertTrue(s);
                }
            }
        }
    }
}
