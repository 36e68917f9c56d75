package llm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AlignmentTest {
    @Test
    void splitsAtDivergence() {
        Alignment a = Alignment.of(" the television series", " the radio series");
        assertEquals(" the ", a.common());
        assertEquals("television series", a.expected());
        assertEquals("radio series", a.strayed());
        assertEquals(5, a.matchChars());
        assertFalse(a.identical());
    }

    @Test
    void identicalAndDivergenceAtStart() {
        assertTrue(Alignment.of("abc", "abc").identical());
        Alignment a = Alignment.of("abc", "xbc");
        assertEquals("", a.common());
        assertEquals(0, a.matchChars());
        assertEquals("xbc", a.strayed());
    }

    @Test
    void surrogatePairsAreNotCut() {
        Alignment a = Alignment.of("a😀", "a😁");
        assertEquals("a", a.common());
        assertEquals("😀", a.expected());
        assertEquals("😁", a.strayed());
    }
}
