package llm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PerplexityTest {
    @Test
    void uniformModelHasPerplexityVocab() {
        float[] logits = new float[50];
        Perplexity p = new Perplexity();
        for (int i = 0; i < 10; i++) {
            p.addToken(Perplexity.logProb(logits, i));
        }
        p.addBytes(20);
        assertEquals(50.0, p.perplexity(), 1e-9);
        assertEquals(Math.log(50) / Math.log(2), p.bitsPerToken(), 1e-9);
        // 10 tokens of log2(50) bits over 20 bytes
        assertEquals(10 * Math.log(50) / Math.log(2) / 20, p.bitsPerByte(), 1e-9);
    }

    @Test
    void logProbIsStableForLargeLogits() {
        float[] logits = {1000f, 1000f, -1000f};
        assertEquals(Math.log(0.5), Perplexity.logProb(logits, 0), 1e-9);
        assertTrue(Perplexity.logProb(logits, 2) < -1999);
    }

    @Test
    void mergeAndEmpty() {
        Perplexity a = new Perplexity();
        a.addToken(-1.0);
        a.addBytes(3);
        Perplexity b = new Perplexity();
        b.addToken(-3.0);
        b.addBytes(5);
        Perplexity t = new Perplexity();
        t.add(a);
        t.add(b);
        assertEquals(2, t.tokens());
        assertEquals(4.0, t.nll(), 1e-12);
        assertEquals(Math.exp(2.0), t.perplexity(), 1e-9);
        assertEquals(4.0 / (Math.log(2) * 8), t.bitsPerByte(), 1e-12);
        assertTrue(Double.isNaN(new Perplexity().perplexity()));
        assertTrue(Double.isNaN(new Perplexity().bitsPerByte()));
    }
}
