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

    private static String first(String text) {
        int end = Sentences.firstSentenceEnd(text);
        return end < 0 ? null : text.substring(0, end);
    }

    @Test
    void abbreviationsAndInitialsDoNotEndASentence() {
        // WikiText-2's Tatwine article: "c ." is circa, not an end
        assertEquals("Tatwine ( Tatuini or Tadwinus ; c . 670 – 734 ) was an Archbishop of Canterbury .",
                first("Tatwine ( Tatuini or Tadwinus ; c . 670 – 734 ) was an Archbishop of Canterbury . He was"));
        assertEquals("It began in the First World War .",
                first("It began in the First World War . 20 boats were built ."));
        assertEquals("born ca . 1945 or ca . 1953 .", first("born ca . 1945 or ca . 1953 . Next"));
        assertEquals("No. 20 Squadron is a squadron .", first("No. 20 Squadron is a squadron . It is"));
        assertEquals("Mr. Smith went to Washington.", first("Mr. Smith went to Washington. He arrived."));
        assertEquals("The U.S. Army is large.", first("The U.S. Army is large. It is."));
        assertEquals("J. R. R. Tolkien wrote books.", first("J. R. R. Tolkien wrote books. Yes."));
        assertEquals("Dr. No (c. 1962, e.g. a film) ends here.",
                first("Dr. No (c. 1962, e.g. a film) ends here. Then"));
        assertEquals("It was in St. Louis, approx. in 1904 etc. and more.",
                first("It was in St. Louis, approx. in 1904 etc. and more. Next one."));
        assertEquals("lower-cased text ends here.", first("lower-cased text ends here. and goes on."));
    }

    @Test
    void chineseSentences() {
        assertEquals("土豚是一种哺乳动物。", first("土豚是一种哺乳动物。它们在夜间活动！"));
        assertEquals("真的吗？", first("真的吗？是的。"));
        assertEquals("它们在夜间活动！", first("它们在夜间活动！真的"));
        assertEquals("他说：「你好。」", first("他说：「你好。」然后走了。"));
        assertEquals("全角句号．", first("全角句号．后面还有"));
        assertEquals("全角问号？」", first("全角问号？」后面"));
        assertEquals("（注释。）", first("（注释。）正文"));
        assertEquals(null, first("没有句号的文字"));
        assertEquals(null, first("。。。"));
    }

    @Test
    void mixedChineseAndEnglish() {
        assertEquals("Aardvark（学名：Orycteropus afer）是非洲的一种动物。",
                first("Aardvark（学名：Orycteropus afer）是非洲的一种动物。English follows. Next"));
        assertEquals("The word 土豚 means earth pig.", first("The word 土豚 means earth pig. 土豚。"));
        assertEquals("他在U.S.工作。", first("他在U.S.工作。然后"));
    }
}
