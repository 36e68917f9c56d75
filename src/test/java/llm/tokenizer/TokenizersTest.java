package llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
    static Path shared = Path.of(System.getProperty("llm.shared", "../shared"));

    @Test
    void releaseDirectoryUsesItsTokenizerJson(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(shared), "../shared not present");
        Path link = Files.createSymbolicLink(dir.resolve("tokenizer.json"),
                shared.resolve("tokenizers/gpt2/tokenizer.json").toAbsolutePath());
        try {
            Tokenizer t = Tokenizers.load(dir);
            assertInstanceOf(ByteLevelBpeTokenizer.class, t);
            assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world"));
        } finally {
            Files.delete(link);
        }
    }

    @Test
    void trainedTokenizerJsonLoadsThroughTheFactory(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("tokenizer.json");
        BpeTrainer.train(java.util.List.of("hello hello world"), 260, p);
        Tokenizer t = Tokenizers.load(dir);
        assertEquals(260, t.vocabSize());
        assertEquals("hello world", t.decode(t.encode("hello world")));
    }

    @Test
    void neitherJsonNorLlama2cIsOneClearLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("junk.bin");
        Files.write(f, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F, 1, 2, 3});
        UserException e = assertThrows(UserException.class, () -> Tokenizers.load(f));
        assertTrue(e.getMessage().startsWith(f + ": not a tokenizer.json or a llama2.c tokenizer.bin"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(UserException.class, () -> Tokenizers.load(empty));
        assertEquals(empty + ": directory has no tokenizer.json", e.getMessage());
        Path j = dir.resolve("t.json");
        Files.writeString(j, "{\"version\": \"1.0\"}");
        e = assertThrows(UserException.class, () -> Tokenizers.load(j));
        assertTrue(e.getMessage().contains("no \"model\""), e.getMessage());
    }
}
