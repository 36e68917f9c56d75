package llm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemorizationTest {
    @Test
    void exactMatch() {
        var m = Memorization.compare(new int[] {5, 6, 7, 8}, new int[] {5, 6, 7, 8});
        assertTrue(m.exact());
        assertEquals(1.0, m.score());
        assertEquals(4, m.matchTokens());
    }

    @Test
    void divergenceAtFirstPosition() {
        var m = Memorization.compare(new int[] {9, 6, 7, 8}, new int[] {5, 6, 7, 8});
        assertFalse(m.exact());
        assertEquals(0, m.matchTokens());
        assertEquals(0.75, m.score(), 1e-12); // Pythia's score counts later agreement too
    }

    @Test
    void divergenceAtLastPosition() {
        var m = Memorization.compare(new int[] {5, 6, 7, 9}, new int[] {5, 6, 7, 8});
        assertFalse(m.exact());
        assertEquals(3, m.matchTokens());
        assertEquals(0.75, m.score(), 1e-12);
    }

    @Test
    void partialMatchCountsPositionsNotRuns() {
        var m = Memorization.compare(new int[] {1, 0, 3, 0, 5, 6}, new int[] {1, 2, 3, 4, 5, 6});
        assertEquals(1, m.matchTokens());
        assertEquals(4, m.matches());
        assertEquals(4.0 / 6, m.score(), 1e-12);
    }

    @Test
    void shortContinuationCountsMissingAsMismatch() {
        var m = Memorization.compare(new int[] {1, 2}, new int[] {1, 2, 3, 4});
        assertFalse(m.exact());
        assertEquals(2, m.matchTokens());
        assertEquals(0.5, m.score(), 1e-12);
    }

    @Test
    void emptyTargetIsNeverExact() {
        var m = Memorization.compare(new int[0], new int[0]);
        assertFalse(m.exact());
        assertEquals(0.0, m.score());
    }

    @Test
    void commonPrefixCountsCodePoints() {
        assertEquals(3, Memorization.commonPrefixChars("a😀b", "a😀bc"));
        assertEquals(2, Memorization.commonPrefixChars("a😀b", "a😀c"));
        assertEquals(0, Memorization.commonPrefixChars("x", "y"));
        assertEquals(0, Memorization.commonPrefixChars("", "y"));
    }

    @Test
    void extractionRate() {
        assertEquals(0.25, Memorization.extractionRate(1, 4));
        assertTrue(Double.isNaN(Memorization.extractionRate(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> Memorization.extractionRate(5, 4));
        assertEquals(1 - Math.pow(0.9, 10), Memorization.atLeastOnce(0.1, 10), 1e-12);
        assertEquals(0.0, Memorization.atLeastOnce(0.0, 10));
    }
}
