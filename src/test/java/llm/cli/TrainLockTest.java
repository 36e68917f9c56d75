package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import llm.compute.TrainingRun;
import llm.run.RunLock;
import llm.train.TestTokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers of one {@code --out}: a training run in a second JVM, held still (SIGSTOP) once it has locked its
 * directory, and a new run and a {@code --resume} of it in this one. Both are refused at once; the first finishes
 * and its release is whole and resumable.
 */
class TrainLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondRunAndAResumeDuringARunAreRefusedAndTheFirstRunStaysWhole() throws Exception {
        Path shared = TestTokenizers.shared();
        assumeTrue(Files.isDirectory(shared), "../shared not present");
        assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
                "no kill(1) to hold the first run still");
        Path tok = TestTokenizers.bytes(tmp);
        Path data = shared.resolve("data/tiny-shakespeare/input.txt");
        Path out = tmp.resolve("run");
        List<String> train = List.of("train", "--data", data.toString(), "--tokenizer", tok.toString(), "--preset",
                "tiny", "--steps", "30", "--batch", "4", "--threads", "1", "--seed", "1");

        Process first = startJvm(train, out);
        StringBuilder firstErr = new StringBuilder();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(first.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line = err.readLine();
            for (; line != null && !line.startsWith("training:"); line = err.readLine()) {
                firstErr.append(line).append('\n'); // the plan lines come once --out is locked, run.json written
            }
            assertTrue(line != null, "the first run did not start:\n" + firstErr);
            signal("-STOP", first.pid());
            String holder;
            CliHarness.Result second;
            CliHarness.Result resume;
            try {
                holder = Files.readString(out.resolve(RunLock.FILE)).strip();
                List<String> again = new ArrayList<>(train);
                again.set(again.indexOf("1"), "2"); // another seed, as the report had it
                again.addAll(List.of("--out", out.toString()));
                second = CliHarness.run(again.toArray(new String[0]));
                resume = CliHarness.run("train", "--resume", out.toString());
            } finally {
                signal("-CONT", first.pid());
            }
            assertTrue(holder.startsWith("PID " + first.pid() + ", started "), holder);
            assertEquals(2, second.code(), second.err());
            assertEquals("llm: --out " + out + ": another llm train is writing to it (" + holder
                    + "): wait for it to finish, or choose another directory", second.err().strip());
            assertEquals(2, resume.code(), resume.err());
            assertEquals("llm: --resume " + out + ": another llm train is writing to it (" + holder
                    + "): wait for it to finish, or choose another directory", resume.err().strip());
            err.lines().forEach(rest -> firstErr.append(rest).append('\n'));
        }
        assertTrue(first.waitFor(5, TimeUnit.MINUTES), "the first run finishes");
        assertEquals(0, first.exitValue(), firstErr.toString());
        assertEquals(30, TrainingRun.read(out).steps());
        assertEquals(1L, TrainingRun.read(out).seed(), "the first run's release, not the refused one's");
        assertTrue(Files.notExists(out.resolve(RunLock.FILE)), "a finished run leaves no lock file");

        CliHarness.Result more = CliHarness.run("train", "--resume", out.toString(), "--steps", "34");
        assertEquals(0, more.code(), more.err());
        assertEquals(34, TrainingRun.read(out).steps());
    }

    /** {@code llm <args> --out <out>} in a JVM of its own, with this one's class path. */
    private static Process startJvm(List<String> args, Path out) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-Xss4m", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        command.addAll(List.of("--out", out.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        return builder.start();
    }

    private static void signal(String which, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", which, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill " + which + " " + pid);
    }
}
