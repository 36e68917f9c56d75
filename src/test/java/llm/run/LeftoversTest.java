package llm.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoversTest {
    @TempDir
    Path tmp;

    @Test
    void aShutdownHookRemovesWhatANotYetStartedRunWroteOnlyOnce() throws IOException {
        Path out = tmp.resolve("out");
        Leftovers l = Leftovers.of(out, "run.json", "data");
        Files.createDirectories(out.resolve("data"));
        Files.writeString(out.resolve("data/shard.bin"), "x");
        Files.writeString(out.resolve("run.json"), "{}");
        assertTrue(l.removeUnlessKept(), "not kept: removed, and the hook says so");
        assertTrue(Files.notExists(out), "the directory it created is gone too");
        assertFalse(l.removeUnlessKept(), "a second call (the main thread failing as well) reports nothing");
    }

    @Test
    void aKeptRunIsLeftAloneAndEntriesThatExistedBeforeStay() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Leftovers l = Leftovers.of(out, "notes.txt", "run.json");
        Files.writeString(out.resolve("run.json"), "{}");
        assertTrue(l.removeUnlessKept());
        assertTrue(Files.exists(out.resolve("notes.txt")) && Files.notExists(out.resolve("run.json")));

        Leftovers k = Leftovers.of(out, "run.json");
        Files.writeString(out.resolve("run.json"), "{}");
        k.keep();
        assertFalse(k.removeUnlessKept());
        assertTrue(Files.exists(out.resolve("run.json")));
        Leftovers none = Leftovers.none();
        assertTrue(none.removeUnlessKept(), "a resumed run interrupted before it starts is still told");
    }
}
