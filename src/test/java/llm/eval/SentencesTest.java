package llm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SentencesTest {
    @Test
    void firstSentence() {
        String t = "The plains zebra is the most common. It lives in Africa.";
        assertEquals("The plains zebra is the most common.", t.substring(0, Sentences.firstSentenceEnd(t)));
    }

    @Test
    void wikitextSpacedPunctuationAndQuotes() {
        String w = "Robert Boulter is an English film , television and theatre actor . He had a guest role .";
        assertEquals("Robert Boulter is an English film , television and theatre actor .",
                w.substring(0, Sentences.firstSentenceEnd(w)));
        String q = "She said \"Go home!\" Then she left.";
        assertEquals("She said \"Go home!\"", q.substring(0, Sentences.firstSentenceEnd(q)));
    }

    @Test
    void decimalsAndEllipsesAndNone() {
        String d = "Pi is 3.14 roughly... Yes.";
        assertEquals("Pi is 3.14 roughly...", d.substring(0, Sentences.firstSentenceEnd(d)));
        assertEquals(-1, Sentences.firstSentenceEnd("no end here"));
        assertEquals(-1, Sentences.firstSentenceEnd(". . ."));
        assertEquals(4, Sentences.firstSentenceEnd("End."));
    }
}
