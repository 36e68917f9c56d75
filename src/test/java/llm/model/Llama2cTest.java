package llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import llm.UserException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stories260K through our Llama: greedy ids equal llama2.c's run.c. */
class Llama2cTest extends CpuRoot {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));
    static final Path DIR = SHARED.resolve("models/stories260K");
    static int[] expectedIds() throws Exception {
        for (String line : Files.readAllLines(DIR.resolve("expected/greedy_noprompt_n200.ids.txt"))) {
            if (line.startsWith("SEQ_IDS:")) {
                return Arrays.stream(line.substring(8).trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
            }
        }
        throw new AssertionError("no SEQ_IDS");
    }

    @Test
    void stories260K_greedy_matches_run_c() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DIR), "../shared not present");
        LanguageModel model = Llama2c.read(DIR.resolve("stories260K.bin"), root);
        ModelConfig c = model.config();
        assertEquals(64, c.dModel());
        assertEquals(172, c.dFf());
        assertEquals(5, c.nLayer());
        assertEquals(8, c.nHead());
        assertEquals(4, c.nKvHead());
        assertEquals(512, c.vocabSize());
        assertEquals(512, c.ctx());
        assertEquals(c.parameterCount(), model.parameterCount());
        assertEquals(c, Models.peekConfig(DIR.resolve("stories260K.bin"))); // from the header alone
        int[] expected = Arrays.copyOf(expectedIds(), 32); // the CLI golden test checks all 200
        int[] got = new int[expected.length];
        got[0] = 1;
        try (NDManager s = root.newSubManager(); KvCache cache = model.newCache(s, 1, 512)) {
            for (int i = 1; i < expected.length; i++) {
                try (NDManager step = s.newSubManager()) {
                    NDArray logits = model.forward(step.create(new int[] {got[i - 1]}, new Shape(1, 1)), cache, true);
                    float[] l = logits.toFloatArray();
                    int best = 0;
                    for (int j = 1; j < l.length; j++) {
                        if (l[j] > l[best]) {
                            best = j;
                        }
                    }
                    got[i] = best;
                }
            }
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void truncatedCheckpointIsAClearError(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DIR), "../shared not present");
        byte[] all = Files.readAllBytes(DIR.resolve("stories260K.bin"));
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(all, all.length / 2));
        UserException e = assertThrows(UserException.class, () -> Llama2c.read(cut, root));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path tiny = Files.write(dir.resolve("tiny.bin"), new byte[10]);
        e = assertThrows(UserException.class, () -> Llama2c.read(tiny, root));
        assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
    }
}
