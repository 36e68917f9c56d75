package llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
    static Path shared = Path.of(System.getProperty("llm.shared", "../shared"));

    @Test
    void tinyCorpusLearnsTheObviousMerges() {
        BpeTrainer t = new BpeTrainer(260);
        t.add("aaa aaa aaa<|endoftext|>aaa");
        ByteLevelBpeTokenizer tok = t.tokenizer();
        assertEquals(260, tok.vocabSize());
        assertEquals(3, t.mergeCount());
        // "aa" first (count 8), then " a" ... the result still round-trips and compresses
        int[] ids = tok.encode("aaa aaa");
        assertTrue(ids.length <= 4, java.util.Arrays.toString(ids));
        assertEquals("aaa aaa", tok.decode(ids));
        assertEquals(259, tok.eos().getAsInt());
        assertArrayEquals(new int[] {259}, tok.encodeWithSpecials("<|endoftext|>"));
    }

    /**
     * A pre-token longer than {@link BpeTrainer#MAX_WORD} is counted in pieces: on one word of 10,000 chars ("abab…")
     * BPE would double its longest token at each merge up to 8,192 chars; in pieces no token outgrows a piece.
     */
    @Test
    void aGiantPreTokenIsCountedInPieces() {
        BpeTrainer t = new BpeTrainer(300);
        t.add("ab".repeat(5000));
        ByteLevelBpeTokenizer tok = t.tokenizer();
        int longest = 0;
        for (int id = 0; id < tok.vocabSize(); id++) {
            longest = Math.max(longest, tok.decode(new int[] {id}).length());
        }
        assertTrue(longest <= BpeTrainer.MAX_WORD, "a token of " + longest + " chars");
        assertTrue(longest >= 128, "merges stopped early: " + longest);
        assertEquals("ab".repeat(5000), tok.decode(tok.encode("ab".repeat(5000))));
    }

    @Test
    void deterministic() {
        List<String> texts = List.of("the cat sat on the mat. ", "the dog sat on the log!\n", "\uD55C\uAD6D\uC5B4 \uD55C\uAD6D");
        byte[] a = BpeTrainer.train(texts, 300);
        byte[] b = BpeTrainer.train(texts, 300);
        assertArrayEquals(a, b);
    }

    @Test
    void shakespeare4096CompressesAndLoadsInDjl(@TempDir Path dir) throws Exception {
        Path input = shared.resolve("data/tiny-shakespeare/input.txt");
        Assumptions.assumeTrue(Files.isRegularFile(input), "../shared not present");
        String text = Files.readString(input);
        Path out = dir.resolve("tokenizer.json");
        BpeTrainer.train(List.of(text), 4096, out);
        Tokenizer java = Tokenizers.load(out);
        assertTrue(java instanceof ByteLevelBpeTokenizer);
        assertEquals(4096, java.vocabSize());
        int[] ids = java.encode(text);
        long bytes = Files.size(input);
        assertTrue(ids.length < bytes / 3, ids.length + " tokens for " + bytes + " bytes");
        assertEquals(text, java.decode(ids));
        try (HfTokenizer hf = Tokenizers.loadHf(out)) {
            String part = text.substring(0, 50_000);
            assertArrayEquals(java.encode(part), hf.encode(part));
            assertEquals(part, hf.hfDecode(hf.encode(part)));
            String odd = "Zo\u00eb's caf\u00e9 \uD83D\uDC4D\u200D\n\tROMEO:";
            assertArrayEquals(java.encode(odd), hf.encode(odd));
        }
    }
}
