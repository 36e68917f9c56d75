package llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.UnaryOperator;
import llm.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    /** Token i is the i-th string of the vocabulary. */
    record FakeTokenizer(List<byte[]> vocab) implements Tokenizer {
        static FakeTokenizer of(String... pieces) {
            List<byte[]> v = new ArrayList<>();
            for (String p : pieces) {
                v.add(p.getBytes(StandardCharsets.UTF_8));
            }
            return new FakeTokenizer(v);
        }

        public String name() { return "fake"; }
        public int vocabSize() { return vocab.size(); }
        public int[] encode(String text) { return new int[0]; }
        public int[] encodeWithSpecials(String text) { return new int[0]; }
        public byte[] tokenBytes(int id) { return vocab.get(id); }
        public String piece(int id) { return new String(vocab.get(id), StandardCharsets.UTF_8); }
        public OptionalInt bos() { return OptionalInt.empty(); }
        public OptionalInt eos() { return OptionalInt.of(0); }
    }

    /** A "model" that always predicts the scripted next token. */
    static class Script implements Stepper {
        final int[] script;
        final int vocab;
        int fed;
        int pos;

        Script(int vocab, int... script) {
            this.vocab = vocab;
            this.script = script;
        }

        float[] logitsFor(int i) {
            float[] l = new float[vocab];
            l[i < script.length ? script[i] : 0] = 10;
            return l;
        }

        public float[] prefill(int[] ids) {
            pos = ids.length;
            fed += ids.length;
            return logitsFor(0);
        }

        public float[] next(int id) {
            fed++;
            pos++;
            return logitsFor(++step);
        }

        int step;

        public int context() { return 8; }
    }

    static Generator.Options opts(int n, List<String> stops) {
        return new Generator.Options(n, Set.of(0), stops, -1, UnaryOperator.identity(), false);
    }

    static final FakeTokenizer TOK = FakeTokenizer.of("<eot>", "Hel", "lo", " wor", "ld", "\u00e9".substring(0, 1), "\n",
            "x");

    @Test
    void stopsAtEndOfTextAndAtMaxTokens() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Generator.Result r = Generator.run(new Script(8, 1, 2, 0), TOK, new Sampler(SamplingParams.GREEDY, 0),
                new int[] {7}, opts(10, List.of()), out::writeBytes);
        assertEquals("Hello", out.toString(StandardCharsets.UTF_8));
        assertEquals(Generator.Finish.EOS, r.finish());
        assertArrayEquals(new int[] {1, 2}, r.tokens());
        Script s = new Script(8, 1, 2, 3, 4);
        r = Generator.run(s, TOK, new Sampler(SamplingParams.GREEDY, 0), new int[] {7}, opts(3, List.of()), b -> { });
        assertEquals("Hello wor", new String(r.text(), StandardCharsets.UTF_8));
        assertEquals(Generator.Finish.LENGTH, r.finish());
        assertEquals(3, s.fed); // prompt + 2 fed tokens: the last sampled token is not fed
    }

    @Test
    void stopStringAcrossTokensIsNotPrinted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Generator.Result r = Generator.run(new Script(8, 1, 2, 3, 4, 6), TOK, new Sampler(SamplingParams.GREEDY, 0),
                new int[] {7}, opts(10, List.of("o wo")), out::writeBytes);
        assertEquals("Hell", out.toString(StandardCharsets.UTF_8));
        assertEquals(Generator.Finish.STOP, r.finish());
        // tokens agree with text: the stop's tokens are left out, from the one it begins in ("lo")
        assertArrayEquals(new int[] {1}, r.tokens());
        assertEquals("Hell", new String(r.text(), StandardCharsets.UTF_8));
    }

    @Test
    void aStopAtATokenBoundaryLeavesItsTokensOutOfTokensAndLogprobs() {
        Generator.Options o = new Generator.Options(10, Set.of(0), List.of("\n"), 2, UnaryOperator.identity(), false);
        Generator.Result r = Generator.run(new Script(8, 1, 2, 3, 4, 6, 7), TOK, new Sampler(SamplingParams.GREEDY, 0),
                new int[] {7}, o, b -> { });
        assertEquals(Generator.Finish.STOP, r.finish());
        assertEquals("Hello world", new String(r.text(), StandardCharsets.UTF_8));
        assertArrayEquals(new int[] {1, 2, 3, 4}, r.tokens(), "the \\n token is not in tokens, as not in text");
        assertEquals(4, r.logprobs().size());
        // a stop spanning two tokens ("ld" + "\n" = "d\n" begins inside "ld"): both out
        Generator.Result span = Generator.run(new Script(8, 1, 2, 3, 4, 6, 7), TOK,
                new Sampler(SamplingParams.GREEDY, 0), new int[] {7}, opts(10, List.of("d\n")), b -> { });
        assertArrayEquals(new int[] {1, 2, 3}, span.tokens());
        assertEquals("Hello worl", new String(span.text(), StandardCharsets.UTF_8));
    }

    @Test
    void contextEndsGenerationLikeLlama2c() {
        // context 8, prompt 3: tokens may be generated until the 9th position would be needed: 8 - 3 + 1 = 6
        Generator.Result r = Generator.run(new Script(8, 1, 1, 1, 1, 1, 1, 1, 1, 1), TOK,
                new Sampler(SamplingParams.GREEDY, 0), new int[] {7, 7, 7}, opts(100, List.of()), b -> { });
        assertEquals(6, r.tokens().length);
        assertEquals(Generator.Finish.CONTEXT, r.finish());
    }

    @Test
    void slideKeepsTheLastHalfOfTheWindowAndGoesOn() {
        // context 8, prompt 3: at the 9th position the last 4 tokens are prefilled afresh, and so on
        List<int[]> prefills = new ArrayList<>();
        Script model = new Script(8) {
            @Override
            float[] logitsFor(int i) {
                float[] l = new float[vocab];
                l[1 + pos % 6] = 10; // never 0 (the end token): a token that depends on the position
                return l;
            }

            @Override
            public float[] prefill(int[] ids) {
                prefills.add(ids.clone());
                return super.prefill(ids);
            }
        };
        Generator.Options o = new Generator.Options(20, Set.of(0), List.of(), -1, UnaryOperator.identity(), false,
                true);
        Generator.Result r = Generator.run(model, TOK, new Sampler(SamplingParams.GREEDY, 0), new int[] {7, 7, 7}, o,
                b -> { });
        assertEquals(20, r.tokens().length);
        assertEquals(Generator.Finish.LENGTH, r.finish());
        assertArrayEquals(new int[] {7, 7, 7}, prefills.get(0));
        // the first slide: after 6 tokens the window (3 + 6 = 9 > 8) keeps its last 4, the 6th token last
        int[] all = new int[3 + 20];
        all[0] = all[1] = all[2] = 7;
        System.arraycopy(r.tokens(), 0, all, 3, 20);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 5, 9), prefills.get(1));
        assertTrue(prefills.size() >= 4, "slid again every 4 tokens: " + prefills.size());
        for (int[] p : prefills.subList(1, prefills.size())) {
            assertEquals(4, p.length);
        }
        // without --slide the same model ends at the context, with the same first tokens
        Generator.Result stop = Generator.run(model, TOK, new Sampler(SamplingParams.GREEDY, 0), new int[] {7, 7, 7},
                opts(20, List.of()), b -> { });
        assertEquals(Generator.Finish.CONTEXT, stop.finish());
        assertArrayEquals(java.util.Arrays.copyOf(r.tokens(), 6), stop.tokens());
    }

    @Test
    void idsBeyondTheTokenizerOfAPaddedVocabularyAreNeverPicked() {
        // the model (12 logits) prefers id 10, which the 8-token tokenizer cannot print; the next best is taken
        Stepper padded = new Script(12, 10, 10, 0) {
            @Override
            float[] logitsFor(int i) {
                float[] l = super.logitsFor(i);
                l[3] = 5; // " wor"
                return l;
            }
        };
        Generator.Result r = Generator.run(padded, TOK, new Sampler(SamplingParams.GREEDY, 0), new int[] {7},
                opts(2, List.of()), b -> { });
        assertArrayEquals(new int[] {3, 3}, r.tokens());
    }

    @Test
    void llama2c_filter_drops_unprintable_single_bytes() {
        assertArrayEquals(new byte[0], Generator.LLAMA2C_SAFE_PRINT.apply(new byte[] {(byte) 0xe2}));
        assertArrayEquals(new byte[0], Generator.LLAMA2C_SAFE_PRINT.apply(new byte[] {1}));
        assertArrayEquals(new byte[] {'\n'}, Generator.LLAMA2C_SAFE_PRINT.apply(new byte[] {'\n'}));
        assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9},
                Generator.LLAMA2C_SAFE_PRINT.apply(new byte[] {(byte) 0xc3, (byte) 0xa9}));
    }
}
