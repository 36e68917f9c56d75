package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import llm.compute.TrainingRun;
import llm.engine.DataParallelDevices;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.Parameter;
import llm.model.Release;
import llm.train.TestTokenizers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code llm train --devices N}. Without GPUs the data-parallel path runs on CPU replicas ({@code --device cpu}, the
 * same code as N GPUs but for the Device objects): a tiny GPT-2 trained on 2 replicas matches one device step by step,
 * and a run may resume with another number of replicas.
 */
class TrainDevicesTest {
    @TempDir
    static Path tmp;
    static Path tok;
    static Path text;

    @BeforeAll
    static void data() throws IOException {
        Path shared = TestTokenizers.shared();
        assumeTrue(Files.isDirectory(shared), "../shared not present");
        tok = TestTokenizers.bytes(tmp);
        String all = Files.readString(shared.resolve("data/tiny-shakespeare/input.txt"));
        text = Files.writeString(tmp.resolve("shakespeare-40k.txt"), all.substring(0, 40_000));
    }

    /** Constant learning rate, so that a run extended by --resume --steps follows the uninterrupted one. */
    private static CliHarness.Result train(Path out, int devices, int steps) {
        return train(out, devices, steps, null, null);
    }

    /** With a test hook's system property set (hook null: none). */
    private static CliHarness.Result train(Path out, int devices, int steps, String hook, String value) {
        if (hook != null) {
            System.setProperty(hook, value);
        }
        try {
            return CliHarness.run("train", "--data", text.toString(), "--tokenizer", tok.toString(), "--preset", "tiny",
                    "--steps", Integer.toString(steps), "--batch", "4", "--lr", "3e-3", "--min-lr", "3e-3",
                    "--warmup", "0", "--eval-every", "0", "--eval-batches", "1", "--sample-tokens", "0",
                    "--device", "cpu", "--threads", "1", "--seed", "7", "--devices", Integer.toString(devices),
                    "--out", out.toString());
        } finally {
            if (hook != null) {
                System.clearProperty(hook);
            }
        }
    }

    private static CliHarness.Result resume(Path out, int devices, int steps) {
        return CliHarness.run("train", "--resume", out.toString(), "--devices", Integer.toString(devices),
                "--steps", Integer.toString(steps));
    }

    private static List<Double> losses(Path run) throws IOException {
        List<Double> l = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            l.add(JsonParser.parseString(line).getAsJsonObject().get("loss").getAsDouble());
        }
        return l;
    }

    private static Map<String, float[]> weights(Path run) {
        Map<String, float[]> w = new LinkedHashMap<>();
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            LanguageModel model = Release.read(run, m);
            for (Parameter p : model.parameters()) {
                w.put(p.name(), p.array().toFloatArray());
            }
        }
        return w;
    }

    private static void assertSameTraining(Path expected, Path actual) throws IOException {
        List<Double> a = losses(expected);
        List<Double> b = losses(actual);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i), b.get(i), 1e-5, "loss at step " + (i + 1));
        }
        Map<String, float[]> wa = weights(expected);
        Map<String, float[]> wb = weights(actual);
        assertEquals(wa.keySet(), wb.keySet());
        wa.forEach((k, x) -> {
            float[] y = wb.get(k);
            for (int j = 0; j < x.length; j++) {
                assertEquals(x[j], y[j], 1e-5, k + "[" + j + "]");
            }
        });
    }

    @Test
    void twoReplicasTrainATinyGpt2AsOneDeviceDoesAndMayResumeOnOne() throws IOException {
        Path one = tmp.resolve("one");
        CliHarness.Result r1 = train(one, 1, 6);
        assertEquals(0, r1.code(), r1.err());
        Path two = tmp.resolve("two");
        CliHarness.Result r2 = train(two, 2, 6);
        assertEquals(0, r2.code(), r2.err());
        assertSameTraining(one, two);
        double first = losses(one).get(0);
        assertEquals(Math.log(257), first, 0.3, "starts near ln(vocab)");
        assertTrue(losses(one).get(5) < first - 0.1, "and falls: " + losses(one));

        TrainingRun tr = TrainingRun.read(two);
        assertEquals(6L * 4 * 64, tr.tokensSeen(), "tokens per step: the global batch");
        assertEquals("[\"cpu\",\"cpu\"]", tr.extra().get("devices").toString(), "one entry per replica");
        assertEquals(1, tr.deviceCount(), "CPU replicas share one device");
        assertTrue(tr.extra().getAsJsonObject("step_seconds_by_phase").has("all_reduce"), tr.extra().toString());
        assertEquals("[\"cpu\"]", TrainingRun.read(one).extra().get("devices").toString());

        // started on 2 replicas, continued on 1: the same run
        Path switched = tmp.resolve("switched");
        CliHarness.Result a = train(switched, 2, 3, DataParallelDevices.REPLICA_DEVICES_PROPERTY, "cpu,cpu");
        assertEquals(0, a.code(), a.err());
        CliHarness.Result b = resume(switched, 1, 6);
        assertEquals(0, b.code(), b.err());
        assertSameTraining(one, switched);
    }

    @Test
    void badDeviceCountsAreOneClearLine() {
        CliHarness.Result r = CliHarness.run("train", "--data", "x.txt", "--tokenizer", "t.json", "--preset", "tiny",
                "--steps", "1", "--batch", "6", "--devices", "4", "--seed", "1", "--out", tmp.resolve("b").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--batch 6 does not split over --devices 4"), r.err());

        r = CliHarness.run("train", "--data", "x.txt", "--tokenizer", "t.json", "--preset", "tiny", "--steps", "1",
                "--devices", "0", "--seed", "1", "--out", tmp.resolve("z").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--devices must be at least 1, not 0"), r.err());

        // more GPUs than libtorch sees (here: the CPU build, which sees none)
        r = CliHarness.run("train", "--data", "x.txt", "--tokenizer", "t.json", "--preset", "tiny", "--steps", "1",
                "--batch", "64", "--devices", "64", "--seed", "1", "--out", tmp.resolve("g").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--devices 64: libtorch sees "), r.err());
        assertTrue(r.err().contains("or --device cpu for 64 replicas on the CPU"), r.err());
    }
}
