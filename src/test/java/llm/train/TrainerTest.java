package llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.data.Batcher;
import llm.data.Batches;
import llm.data.EvalWindows;
import llm.data.Tokens;
import llm.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path tmp;

    /** A stream with structure to learn: a repeated pseudo-random sequence over 32 symbols. */
    private static Tokens corpus() {
        int[] pattern = new java.util.Random(7).ints(97, 0, 32).toArray();
        int[] t = new int[4000];
        for (int i = 0; i < t.length; i++) {
            t[i] = pattern[i % pattern.length];
        }
        return Tokens.of(t);
    }

    static Batches batches(Tokens toks, int b, int t, long seed) {
        return new Batcher(List.of(new Batcher.Source("toy", toks, 1)), t, seed).batches(b);
    }

    private static Trainer.Settings settings(long steps, int saveEvery) {
        return Trainer.Settings.builder().batch(4, 16).accum(2).steps(steps, new LrSchedule(3e-2, 3e-3, 2, steps))
                .clip(1.0).adam(AdamW.Hyper.GPT).logEvery(5).evalEvery(4, 2).saveEvery(saveEvery).seed(42).build();
    }

    private record Run(Trainer.Result result, List<Double> losses, String err) {}

    private static Run train(Path out, long steps, int saveEvery, boolean resume, long crashAfter) throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            ToyModel model = new ToyModel(root, 32, 16, 16, 1);
            Tokens toks = corpus();
            Trainer tr = Trainer.builder(model, root, settings(steps, saveEvery))
                    .data(batches(toks, 4, 16, 42), new EvalWindows(toks, 16, 8)).output(out, r -> { }).mfu(1e3, 1e9)
                    .progress(new Progress(new PrintStream(err, true), false, 5, steps)).build();
            tr.crashAfter(crashAfter);
            Trainer.Result r = tr.run(resume);
            return new Run(r, losses(out), err.toString());
        }
    }

    private static List<Double> losses(Path out) throws IOException {
        List<Double> l = new ArrayList<>();
        int expected = 1;
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonObject o = new Gson().fromJson(line, JsonObject.class);
            assertEquals(expected++, o.get("step").getAsLong(), "one line per step, in order");
            l.add(o.get("loss").getAsDouble());
        }
        return l;
    }

    @Test
    void lossFallsAndOutputsAreWritten() throws IOException {
        Run run = train(tmp.resolve("a"), 30, 0, false, 0);
        assertEquals(30, run.result().steps());
        assertEquals(30L * 4 * 16 * 2, run.result().tokens());
        assertEquals(30, run.losses().size());
        double first = run.losses().get(0);
        assertTrue(first > 3.0, "starts near ln 32 = 3.47: " + first);
        assertTrue(run.result().finalLoss() < first - 1.0, "loss falls: " + run.losses());
        assertTrue(Double.isFinite(run.result().finalValLoss()));
        assertTrue(Files.readString(tmp.resolve("a/loss.svg")).contains("<polyline"));
        assertTrue(Files.exists(tmp.resolve("a").resolve(Checkpoint.FILE)));
        assertTrue(run.err().contains("step 30/30 | loss"), run.err());
        assertTrue(run.err().contains("val loss"), run.err());
    }

    @Test
    void aDivergingRunStopsWithItsOwnExitCode() throws IOException {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            ToyModel model = new ToyModel(root, 32, 16, 16, 1);
            Tokens toks = corpus();
            Trainer.Settings s = Trainer.Settings.builder().batch(4, 16).steps(50, new LrSchedule(1e30, 1e30, 0, 50))
                    .adam(AdamW.Hyper.GPT).logEvery(5).seed(42).build();
            Trainer tr = Trainer.builder(model, root, s).data(batches(toks, 4, 16, 42), null)
                    .output(tmp.resolve("nan"), r -> { }).mfu(1, 1)
                    .progress(new Progress(new PrintStream(new ByteArrayOutputStream()), false, 5, 50)).build();
            llm.UserException e = assertThrows(llm.UserException.class, () -> tr.run(false));
            assertEquals(TrainExit.DIVERGED, e.exitCode());
            assertTrue(e.getMessage().contains("no checkpoint had been written yet"), e.getMessage());
        }
    }

    @Test
    void aCrashedRunResumedFromItsCheckpointMatchesAnUninterruptedOne() throws IOException {
        Run whole = train(tmp.resolve("whole"), 12, 4, false, 0);
        Path out = tmp.resolve("crashed");
        assertThrows(IllegalStateException.class, () -> train(out, 12, 4, false, 10)); // like kill -9 after step 10
        assertEquals(10, losses(out).size());
        Run resumed = train(out, 12, 4, true, 0);                                     // continues from step 8
        assertTrue(resumed.err().contains("resuming at step 8"), resumed.err());
        assertEquals(12, resumed.losses().size());
        for (int i = 0; i < 12; i++) {
            assertEquals(whole.losses().get(i), resumed.losses().get(i), 1e-4, "loss at step " + (i + 1));
        }
        assertEquals(whole.result().finalValLoss(), resumed.result().finalValLoss(), 1e-4);
    }

    @Test
    void aDivergedStepNamesAFewTensorsNotAll() {
        List<String> all = java.util.stream.IntStream.range(0, 28).mapToObj(i -> "h." + i + ".w").toList();
        assertEquals(", not finite in any of the 28 tensors", Trainer.nonFinite(all, 28));
        assertEquals(", not finite in: h.0.w, h.1.w, h.2.w, … (5 of 28 tensors)", Trainer.nonFinite(all.subList(0, 5), 28));
        assertEquals(", not finite in: h.0.w", Trainer.nonFinite(all.subList(0, 1), 28));
        assertEquals("", Trainer.nonFinite(List.of(), 28));
    }
}
