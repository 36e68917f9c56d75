package llm.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import llm.data.Tokens;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import llm.train.TestTokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplePromptTest {
    @TempDir
    Path tmp;

    @Test
    void theFirstLineUpToFourWordsAsWritten() {
        assertEquals("First Citizen:", SamplePrompt.fromText("First Citizen:\nBefore we proceed any further", true));
        assertEquals("Once upon a  time,", SamplePrompt.fromText("\n \n  Once upon a  time, there was a dog.", false));
        assertEquals("= Robert Boulter =", SamplePrompt.fromText(" \n = Robert Boulter = \n", false));
        assertEquals("Hello", SamplePrompt.fromText("Hello", false));
    }

    @Test
    void aWordThatTheDecodedHeadMayHaveCutIsDropped() {
        assertEquals("It was", SamplePrompt.fromText("It was sple", true)); // more text follows: "sple" may be cut
        assertEquals("It was sple", SamplePrompt.fromText("It was sple", false)); // the whole text
        assertEquals("Supercalifrag", SamplePrompt.fromText("Supercalifrag", true)); // the only word is kept
        assertEquals("It was", SamplePrompt.fromText("It was\nsple", true)); // the line ended
    }

    @Test
    void noWordsNoPrompt() {
        assertNull(SamplePrompt.fromText(" \n\t\n ", false));
        assertNull(SamplePrompt.fromText("", true));
    }

    @Test
    void decodesTheHeadOfTheTokensWithoutSpecialTokens() throws IOException {
        assumeTrue(Files.isDirectory(TestTokenizers.shared()), "../shared not present");
        Tokenizer bytes = Tokenizers.load(TestTokenizers.bytes(tmp)); // one token per byte, <|endoftext|> = 256
        int eot = bytes.eos().orElseThrow();
        int[] text = bytes.encode("First Citizen:\nBefore we proceed any further, hear me speak.\n");
        int[] ids = IntStream.concat(IntStream.of(eot), IntStream.of(text)).toArray();
        assertEquals("First Citizen:", SamplePrompt.of(Tokens.of(ids), bytes));

        int[] long1 = bytes.encode("a".repeat(40) + " " + "b".repeat(40) + " c d");
        assertEquals("a".repeat(40), SamplePrompt.of(Tokens.of(long1), bytes), "64 bytes decoded: b... is cut");
        assertNull(SamplePrompt.of(Tokens.of(eot, eot), bytes));
    }
}
