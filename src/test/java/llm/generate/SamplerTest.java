package llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import llm.UserException;
import org.junit.jupiter.api.Test;

class SamplerTest {
    static final float[] LOGITS = {1f, 3f, 3f, 2f, -1f};

    static SamplingParams p(double t, int k, double topP, double minP, double rep) {
        return new SamplingParams(t, k, topP, minP, rep);
    }

    static int[] counts(SamplingParams params, float[] logits, int n, long seed) {
        Sampler s = new Sampler(params, seed);
        int[] c = new int[logits.length];
        for (int i = 0; i < n; i++) {
            c[s.sample(logits, null, 0)]++;
        }
        return c;
    }

    @Test
    void greedyTakesTheLowestIdAmongTies() {
        assertEquals(1, new Sampler(SamplingParams.GREEDY, 1).sample(LOGITS, null, 0));
        assertEquals(0, Sampler.argmax(new float[] {5, 5, 5}));
    }

    @Test
    void sameSeedSameTokensOtherSeedOtherTokens() {
        SamplingParams t1 = p(1, 0, 1, 0, 1);
        float[] flat = new float[100];
        int[] a = new int[50], b = new int[50], c = new int[50];
        Sampler sa = new Sampler(t1, 42), sb = new Sampler(t1, 42), sc = new Sampler(t1, 43);
        for (int i = 0; i < 50; i++) {
            a[i] = sa.sample(flat, null, 0);
            b[i] = sb.sample(flat, null, 0);
            c[i] = sc.sample(flat, null, 0);
        }
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void temperatureOneFollowsTheSoftmax() {
        int[] c = counts(p(1, 0, 1, 0, 1), new float[] {0f, (float) Math.log(3)}, 20000, 7);
        assertEquals(0.75, c[1] / 20000.0, 0.02);
    }

    @Test
    void topKKeepsOnlyTheKBest() {
        int[] c = counts(p(5, 2, 1, 0, 1), LOGITS, 2000, 1);
        assertEquals(0, c[0] + c[3] + c[4]);
        assertTrue(c[1] > 0 && c[2] > 0);
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // probabilities ~ 0.5, 0.3, 0.2: p=0.6 keeps the first two
        float[] l = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        int[] c = counts(p(1, 0, 0.6, 0, 1), l, 3000, 3);
        assertEquals(0, c[2]);
        assertTrue(c[0] > 0 && c[1] > 0);
        int[] tiny = counts(p(1, 0, 0.01, 0, 1), l, 200, 3);
        assertEquals(200, tiny[0]);
    }

    @Test
    void minPDropsTokensFarBelowTheTop() {
        float[] l = {(float) Math.log(0.6), (float) Math.log(0.35), (float) Math.log(0.05)};
        int[] c = counts(p(1, 0, 1, 0.1, 1), l, 3000, 5);
        assertEquals(0, c[2]);
        assertTrue(c[1] > 0);
    }

    @Test
    void repetitionPenaltyDiscouragesSeenTokens() {
        float[] l = {2f, 1.5f, -1f};
        Sampler s = new Sampler(p(0, 0, 1, 0, 2), 1);
        assertEquals(1, s.sample(l, new int[] {0, 0}, 2)); // 2/2 = 1 < 1.5
        assertEquals(0, s.sample(l, new int[] {0}, 0)); // empty history
        float[] neg = {-1f, -1.5f};
        assertEquals(1, new Sampler(p(0, 0, 1, 0, 2), 1).sample(neg, new int[] {0}, 1)); // -2 < -1.5
        assertArrayEquals(new float[] {2f, 1.5f, -1f}, l); // input untouched
    }

    @Test
    void outOfRangeOptionsAreUsageErrors() {
        UserException e = assertThrows(UserException.class, () -> p(1, 0, 1.5, 0, 1));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().startsWith("--top-p"));
        assertThrows(UserException.class, () -> p(-1, 0, 1, 0, 1));
        assertThrows(UserException.class, () -> p(1, -3, 1, 0, 1));
        assertThrows(UserException.class, () -> p(1, 0, 1, 2, 1));
        assertThrows(UserException.class, () -> p(1, 0, 1, 0, 0));
        e = assertThrows(UserException.class, () -> p(1, 0, 1, 0, Double.POSITIVE_INFINITY));
        assertEquals("--repetition-penalty must be a finite number > 0 (1 = off), not Infinity", e.getMessage());
    }

    @Test
    void logprobsAreALogSoftmaxWithSortedAlternatives() {
        TokenLogprob lp = TokenLogprob.of(new float[] {0f, (float) Math.log(3)}, 0, 2);
        assertEquals(Math.log(0.25), lp.logprob(), 1e-6);
        assertEquals(1, lp.top().get(0).id());
        assertEquals(Math.log(0.75), lp.top().get(0).logprob(), 1e-6);
    }
}
