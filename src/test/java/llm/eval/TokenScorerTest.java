package llm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import llm.engine.Engines;
import llm.model.KvCache;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.run.ModelLogProbs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sliding-window scores against an independent per-token computation on tiny random models. */
class TokenScorerTest {
    static NDManager root;

    @BeforeAll
    static void open() {
        root = Engines.newRoot(Device.cpu());
    }

    @AfterAll
    static void close() {
        root.close();
    }

    static int[] randomTokens(int n, int vocab, long seed) {
        Random r = new Random(seed);
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(vocab);
        }
        return x;
    }

    /** log p(x[j] | x[begin..j)) by a fresh full forward of exactly that context, log-softmax in Java. */
    static double reference(LanguageModel m, int[] x, int begin, int j) {
        try (NDManager s = root.newSubManager()) {
            int[] ctx = Arrays.copyOfRange(x, begin, j);
            NDArray logits = m.forward(s.create(ctx, new Shape(1, ctx.length))); // (1, T, V)
            float[] all = logits.toFloatArray();
            int v = m.config().vocabSize();
            float[] last = Arrays.copyOfRange(all, (ctx.length - 1) * v, ctx.length * v);
            return Perplexity.logProb(last, x[j]);
        }
    }

    static void checkWindows(LanguageModel m, int ctx, int stride, int batch) {
        int[] x = randomTokens(23, m.config().vocabSize(), 7);
        double[] lp = new TokenScorer(new ModelLogProbs(m, root), ctx, stride, batch).score(x);
        assertEquals(x.length - 1, lp.length);
        for (SlidingWindow w : SlidingWindow.plan(x.length, ctx, stride)) {
            for (int j = w.firstTarget(); j < w.end(); j++) {
                assertEquals(reference(m, x, w.begin(), j), lp[j - 1], 1e-4, "target " + j + " in " + w);
            }
        }
    }

    @Test
    void gpt2WindowsAgreeWithPerTokenForward() {
        LanguageModel m = LanguageModel.create(ModelConfig.gpt2(61, 16, 16, 2, 2), root, 1);
        checkWindows(m, 8, 3, 4);
        checkWindows(m, 8, 8, 1);
    }

    @Test
    void llamaWindowsAgreeWithPerTokenForward() {
        LanguageModel m = LanguageModel.create(ModelConfig.llama(53, 16, 16, 2, 4, 2, 24, false), root, 2);
        checkWindows(m, 6, 2, 3);
    }

    @Test
    void oneWindowAgreesWithKvCacheTokenByToken() {
        LanguageModel m = LanguageModel.create(ModelConfig.gpt2(61, 32, 16, 2, 2), root, 3);
        int[] x = randomTokens(20, 61, 9);
        double[] lp = new TokenScorer(new ModelLogProbs(m, root), 32, 16, 8).score(x);
        Perplexity total = new Perplexity();
        try (NDManager s = root.newSubManager(); KvCache cache = m.newCache(s, 1, x.length)) {
            for (int j = 0; j + 1 < x.length; j++) {
                float[] logits = m.forward(s.create(new int[] {x[j]}, new Shape(1, 1)), cache, true).toFloatArray();
                double want = Perplexity.logProb(logits, x[j + 1]);
                assertEquals(want, lp[j], 1e-4, "token " + (j + 1));
                total.addToken(want);
            }
        }
        Perplexity got = new Perplexity();
        for (double v : lp) {
            got.addToken(v);
        }
        assertEquals(total.perplexity(), got.perplexity(), 1e-3 * total.perplexity());
    }

    @Test
    void eachForwardPassHandsOnTheTargetsItFinishedInOrderAndWithoutGaps() {
        // a fake model whose log-prob of a target is minus its position plus the window's first id: any window gives
        // each target a distinct number, and a hand-on before a target is final would show a 0
        LogProbs fake = new LogProbs() {
            public int context() {
                return 8;
            }

            public float[] ofTargets(int[] ids, int[] targets, int rows, int cols) {
                float[] out = new float[rows * cols];
                for (int k = 0; k < out.length; k++) {
                    out[k] = -1 - targets[k];
                }
                return out;
            }
        };
        int[] x = new int[30];
        for (int j = 0; j < x.length; j++) {
            x[j] = j;
        }
        java.util.List<int[]> calls = new java.util.ArrayList<>();
        double[] all = new TokenScorer(fake, 8, 4, 2).score(x, (from, to, lp) -> {
            for (int j = from; j < to; j++) {
                assertEquals(-1 - j, lp[j - 1], "final when handed on: target " + j);
            }
            calls.add(new int[] {from, to});
        });
        assertEquals(x.length - 1, all.length);
        assertEquals(1, calls.get(0)[0]);
        for (int k = 1; k < calls.size(); k++) {
            assertEquals(calls.get(k - 1)[1], calls.get(k)[0], "no gap, no overlap");
        }
        assertEquals(x.length, calls.get(calls.size() - 1)[1]);
        assertEquals(true, calls.size() > 2, "several forward passes, each handed on: " + calls.size());
    }
}
