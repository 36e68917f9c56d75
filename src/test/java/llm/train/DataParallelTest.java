package llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import llm.data.EvalWindows;
import llm.data.Tokens;
import llm.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training with replicas on the CPU (the test stand-in for N GPUs: the same code, other Device
 * objects) computes what one device computes: the same losses, gradients and weights, step by step.
 */
class DataParallelTest {
    @TempDir
    Path tmp;

    private static Tokens corpus() {
        int[] pattern = new java.util.Random(11).ints(89, 0, 32).toArray();
        int[] t = new int[3000];
        for (int i = 0; i < t.length; i++) {
            t[i] = pattern[i % pattern.length];
        }
        return Tokens.of(t);
    }

    private record Run(List<Double> losses, Map<String, float[]> weights, Trainer.Result result, String err) {}

    /** Train a toy model on {@code n} replicas (1 = the single-device path) with a 4-row batch, 2 micro-batches. */
    private static Run train(Path out, int n, long steps, int saveEvery, boolean resume, long crashAfter)
            throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            ToyModel model = new ToyModel(root, 32, 16, 16, 1);
            Tokens toks = corpus();
            Trainer.Settings s = Trainer.Settings.builder().batch(4, 16).accum(2)
                    .steps(steps, new LrSchedule(3e-2, 3e-3, 2, steps)).clip(1.0).adam(AdamW.Hyper.GPT).logEvery(5)
                    .evalEvery(0, 2).saveEvery(saveEvery).seed(42).build();
            Trainer tr = Trainer.builder(model, root, s)
                    .data(TrainerTest.batches(toks, 4, 16, 42), new EvalWindows(toks, 16, 8)).output(out, r -> { })
                    .mfu(1e3, 1e9).progress(new Progress(new PrintStream(err, true), false, 5, steps)).build();
            tr.crashAfter(crashAfter);
            DataParallel dp = n > 1 ? DataParallel.create(model, root, Collections.nCopies(n, Device.cpu()),
                    r -> new ToyModel(r, 32, 16, 16, 99)) : null; // other initial weights: start() must copy
            try (dp) {
                if (dp != null) {
                    tr.dataParallel(dp);
                }
                Trainer.Result r = tr.run(resume);
                Map<String, float[]> w = new LinkedHashMap<>();
                model.parameters().forEach((k, a) -> w.put(k, a.toFloatArray()));
                return new Run(losses(out), w, r, err.toString());
            }
        }
    }

    private static List<Double> losses(Path out) throws IOException {
        List<Double> l = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            l.add(new Gson().fromJson(line, JsonObject.class).get("loss").getAsDouble());
        }
        return l;
    }

    private static void assertSameRun(Run a, Run b, double tol) {
        assertEquals(a.losses().size(), b.losses().size());
        for (int i = 0; i < a.losses().size(); i++) {
            assertEquals(a.losses().get(i), b.losses().get(i), tol, "loss at step " + (i + 1));
        }
        assertEquals(a.weights().keySet(), b.weights().keySet());
        a.weights().forEach((k, wa) -> {
            float[] wb = b.weights().get(k);
            assertEquals(wa.length, wb.length, k);
            for (int j = 0; j < wa.length; j++) {
                assertEquals(wa[j], wb[j], tol, k + "[" + j + "]");
            }
        });
    }

    @Test
    void twoAndFourCpuReplicasTrainAsOneDeviceDoes() throws IOException {
        Run one = train(tmp.resolve("n1"), 1, 8, 0, false, 0);
        Run two = train(tmp.resolve("n2"), 2, 8, 0, false, 0);
        Run four = train(tmp.resolve("n4"), 4, 8, 0, false, 0);
        assertTrue(one.losses().get(7) < one.losses().get(0) - 0.2, "it learns: " + one.losses());
        assertSameRun(one, two, 1e-5);
        assertSameRun(one, four, 1e-5);
        assertEquals(one.result().tokens(), two.result().tokens(), "tokens per step: the global batch");
        assertTrue(two.result().times().seconds().containsKey("all_reduce"), two.result().times().summary());
        assertTrue(!one.result().times().seconds().containsKey("all_reduce"), one.result().times().summary());
    }

    @Test
    void aRunResumesWithAnotherNumberOfReplicas() throws IOException {
        Run whole = train(tmp.resolve("whole"), 1, 10, 4, false, 0);
        Path out = tmp.resolve("switch");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> train(out, 2, 10, 4, false, 6));
        assertTrue(e.getMessage().contains("simulated crash after step 6"), e.getMessage()); // as a kill -9 would
        Run resumed = train(out, 4, 10, 4, true, 0);                                    // from step 4, on 4
        assertTrue(resumed.err().contains("resuming at step 4"), resumed.err());
        assertSameRun(whole, resumed, 1e-5);
    }

    @Test
    void theBatchMustSplitEvenly() throws IOException {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            ToyModel model = new ToyModel(root, 32, 16, 16, 1);
            Trainer.Settings s = Trainer.Settings.builder().batch(4, 16).steps(1, new LrSchedule(1e-3, 1e-3, 0, 1))
                    .clip(1.0).adam(AdamW.Hyper.GPT).logEvery(5).seed(1).build();
            Trainer tr = Trainer.builder(model, root, s).data(TrainerTest.batches(corpus(), 4, 16, 1), null)
                    .output(tmp, r -> { }).mfu(1, 1)
                    .progress(new Progress(new PrintStream(new ByteArrayOutputStream()), false, 5, 1)).build();
            try (DataParallel dp = DataParallel.create(model, root, Collections.nCopies(3, Device.cpu()),
                    r -> new ToyModel(r, 32, 16, 16, 1))) {
                assertEquals(3, dp.size());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tr.dataParallel(dp));
                assertTrue(e.getMessage().contains("not a multiple of 3"), e.getMessage());
            }
        }
    }

    /**
     * Why each replica runs its own backward: DJL's device and type copies ({@code toDevice}, {@code toType}: one
     * native call, {@code torchTo}) run under a no-grad guard, so a loss copied to device 0 is cut from the graph of
     * the replica that computed it. Shown with {@code toType}, which takes the same path and runs on a CPU. Should a
     * DJL release make the copy differentiable, this fails, and a single backward of the summed losses would do.
     */
    @Test
    void djlCopiesAreCutFromTheAutogradGraph() {
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDArray copied = x.mul(2f).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).sum();
                assertTrue(!copied.hasGradient(), "the copy carries no gradient history");
                NDArray direct = x.mul(2f).sum();
                gc.backward(direct);
            }
            assertEquals(List.of(2f, 2f, 2f), toList(x.getGradient().toFloatArray()));
        }
    }

    private static List<Float> toList(float[] a) {
        List<Float> l = new ArrayList<>();
        for (float f : a) {
            l.add(f);
        }
        return l;
    }

    /** The all-reduce leaves replica 0 with the sum of the replicas' gradients and zeroes the others'. */
    @Test
    void allReduceSumsIntoReplicaZero() {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            ToyModel model = new ToyModel(root, 32, 16, 16, 1);
            try (DataParallel dp = DataParallel.create(model, root, Collections.nCopies(2, Device.cpu()),
                    r -> new ToyModel(r, 32, 16, 16, 5))) {
                dp.start();
                int[] batch = corpus().slice(0, 2 * 17);
                PhaseTimes times = new PhaseTimes();
                double loss = dp.forwardBackward(batch, 2, 16, times);
                assertTrue(loss > 3 && loss < 4, "near ln 32: " + loss);
                NDArray w = model.parameters().get("head.weight");
                float[] before;
                try (NDArray g = w.getGradient()) {
                    before = g.toFloatArray();
                }
                dp.allReduce();
                try (NDArray g = w.getGradient()) {
                    float[] after = g.toFloatArray();
                    double moved = 0;
                    for (int i = 0; i < after.length; i++) {
                        moved += Math.abs(after[i] - before[i]);
                    }
                    assertTrue(moved > 1e-6, "replica 1's gradient was added");
                }
                assertTrue(times.seconds().containsKey("forward"));
            }
        }
    }

    /** A model that notes which thread ran its forward pass, and fails on request. */
    private record Watched(TrainModel inner, java.util.Set<String> threads, boolean fail) implements TrainModel {
        @Override
        public Map<String, NDArray> parameters() {
            return inner.parameters();
        }

        @Override
        public NDArray forward(NDArray ids) {
            threads.add(Thread.currentThread().getName());
            if (fail) {
                throw new IllegalArgumentException("replica forward failed");
            }
            return inner.forward(ids);
        }

        @Override
        public int vocabSize() {
            return inner.vocabSize();
        }
    }

    /**
     * Each replica runs on a thread of its own, every step on the same one; a replica's failure reaches the caller
     * as itself, after every replica has finished.
     */
    @Test
    void replicasRunOnTheirOwnThreads() {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            TrainModel model = new Watched(new ToyModel(root, 32, 16, 16, 1), threads, false);
            int[] batch = corpus().slice(0, 3 * 17);
            try (DataParallel dp = DataParallel.create(model, root, Collections.nCopies(3, Device.cpu()),
                    r -> new Watched(new ToyModel(r, 32, 16, 16, 5), threads, false)).cpuThreadsPerReplica(1)) {
                dp.start();
                for (int step = 0; step < 2; step++) {
                    dp.forwardBackward(batch, 3, 16, new PhaseTimes());
                    dp.allReduce();
                }
            }
            assertEquals(java.util.Set.of("llm-replica-0", "llm-replica-1", "llm-replica-2"), threads);
            try (DataParallel dp = DataParallel.create(model, root, Collections.nCopies(2, Device.cpu()),
                    r -> new Watched(new ToyModel(r, 32, 16, 16, 5), threads, true))) {
                dp.start();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> dp.forwardBackward(batch, 2, 16, new PhaseTimes()));
                assertEquals("replica forward failed", e.getMessage());
            }
        }
    }
}
