package llm.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import llm.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirTest {
    @TempDir
    Path tmp;

    @Test
    void runArgsNameDataAbsolutelyInBothOptionFormsAndKeepWeightsAndStdin() {
        String here = Path.of("").toAbsolutePath().normalize().toString();
        List<String> args = RunDir.runArgs(List.of("--data", "a.txt:3", "--data=b.txt", "--val-data", "-",
                "--tokenizer", "t.json", "--steps", "5"));
        assertEquals(List.of("--data", here + "/a.txt:3", "--data=" + here + "/b.txt", "--val-data", "-",
                "--tokenizer", here + "/t.json", "--steps", "5"), args);
    }

    @Test
    void resumeMergesTheStoredArgumentsAndANewBudgetReplacesTheOld() throws IOException {
        RunDir dir = new RunDir(tmp);
        dir.writeRunFile(List.of("--data", "/d/a.txt", "--steps", "10", "--lr", "0.01"));
        RunDir.Resume resume = RunDir.resume(tmp, List.of("--resume", tmp.toString(), "--tokens=5M"));
        assertTrue(resume.newBudget());
        assertEquals(List.of("--data", "/d/a.txt", "--lr", "0.01", "--tokens=5M"), resume.merged(),
                "--steps gives way to the --tokens given now; --resume itself is not passed on");
        assertEquals(List.of("--data", "/d/a.txt", "--lr", "0.01", "--tokens", "5M"), resume.keptArgs(null, "5M"),
                "run.json keeps the new budget, so a plain --resume continues to it");
    }

    @Test
    void resumeRefusesToChangeTheRunsOwnSettings() throws IOException {
        new RunDir(tmp).writeRunFile(List.of("--data", "/d/a.txt", "--steps", "10"));
        UserException e = assertThrows(UserException.class, () -> RunDir.resume(tmp, List.of("--lr=1")));
        assertEquals(UserException.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("--lr cannot be changed with --resume"), e.getMessage());
    }

    @Test
    void aMovedRunFindsTheStdinCopyItKeptInItsOwnDataDirectory() throws IOException {
        Path moved = Files.createDirectories(tmp.resolve("moved/data"));
        Files.writeString(moved.resolve("input-0"), "text");
        new RunDir(tmp.resolve("moved")).writeRunFile(List.of("--data", "/gone/run/data/input-0:2", "--steps", "1"));
        RunDir.Resume resume = RunDir.resume(tmp.resolve("moved"), List.of());
        assertEquals(List.of("--data", moved.resolve("input-0").toAbsolutePath() + ":2", "--steps", "1"),
                resume.merged());
    }
}
