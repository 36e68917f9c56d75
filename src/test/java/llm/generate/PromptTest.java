package llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import llm.eval.fewshot.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** The ids a prefix becomes: the start token, the cut to the context, and the echo of the text. */
class PromptTest {
    static final ByteTokenizer TOK = new ByteTokenizer();

    @Test
    void llamaStartsWithBosAndGpt2OnlyWhenTheTextIsEmpty() {
        Prompt llama = Prompt.of(TOK, "ab", true, 16, 4);
        assertArrayEquals(new int[] {ByteTokenizer.BOS, 'a', 'b'}, llama.ids());
        assertEquals(1, llama.added());
        Prompt gpt2 = Prompt.of(TOK, "ab", false, 16, 4);
        assertArrayEquals(new int[] {'a', 'b'}, gpt2.ids());
        assertEquals(0, gpt2.added());
        assertArrayEquals(new int[] {ByteTokenizer.EOS}, Prompt.of(TOK, "", false, 16, 4).ids()); // end-of-text
    }

    @Test
    void aPrefixLongerThanTheContextKeepsItsEndAndRoomToGenerate() {
        // ctx 8 with BOS: room = 8 - 1 - min(4 - 1, 8 / 2) = 4 text tokens
        Prompt p = Prompt.of(TOK, "abcdefghij", true, 8, 4);
        assertArrayEquals(new int[] {ByteTokenizer.BOS, 'g', 'h', 'i', 'j'}, p.ids());
        assertEquals("ghij", new String(p.echo(TOK, UnaryOperator.identity()), StandardCharsets.UTF_8));
    }
}
