package llm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSpecTest {
    @Test
    void pathAndWeight() {
        assertEquals(new DataSpec("a.txt", Path.of("a.txt"), 1), DataSpec.parse("a.txt"));
        DataSpec w = DataSpec.parse("data/wiki.txt:10");
        assertEquals(Path.of("data/wiki.txt"), w.path());
        assertEquals(10, w.weight());
        assertEquals("data/wiki.txt:10", w.toString());
        assertEquals(0.5, DataSpec.parse("web.jsonl.zst:0.5").weight());
        assertEquals("web.jsonl.zst:0.5", DataSpec.parse("web.jsonl.zst:0.5").toString());
    }

    @Test
    void existingPathWithAColonWins(@TempDir Path dir) throws Exception {
        Path odd = dir.resolve("a:2");
        Files.writeString(odd, "x");
        assertEquals(1, DataSpec.parse(odd.toString()).weight());
        assertEquals(odd, DataSpec.parse(odd.toString()).path());
    }

    @Test
    void badWeightsAreUsageErrors() {
        for (String bad : new String[] {"x.txt:abc", "x.txt:0", "x.txt:-1", "x.txt:NaN", "x.txt:Infinity", "", " "}) {
            UserException e = assertThrows(UserException.class, () -> DataSpec.parse(bad), bad);
            assertEquals(UserException.USAGE, e.exitCode());
            assertTrue(e.getMessage().startsWith("--data"), e.getMessage());
        }
    }
}
