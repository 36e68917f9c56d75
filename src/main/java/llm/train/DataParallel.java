package llm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import llm.engine.Engines;
import llm.engine.FusedOps;

/**
 * Data-parallel training on the devices of one machine: N replicas of the model, replica i on device i.
 * Replica 0 is the trainer's own model (its weights and optimizer state are the checkpoint's); the others are copies.
 * For each micro-batch of B rows:
 * <pre>
 *   rows r_i = [B·i/N, B·(i+1)/N)            replica i takes a contiguous slice of the batch
 *   L_i  = mean cross-entropy of its slice    forward on device i (all replicas are launched before any is read)
 *   backward(L_i · |r_i| / B)                 on device i; the weights make the replicas' gradients add up to
 *                                             the gradient of the mean loss over the whole batch
 *   L    = sum_i L_i · |r_i| / B             the batch's mean loss, for the log
 * </pre>
 * Each replica runs its forward and backward on a thread of its own ({@code llm-replica-i}), all replicas at
 * once: libtorch's grad mode and its intra-op thread count are per thread, so each worker turns recording on for
 * itself ({@link Engines#recordGradientsOnThisThread}) instead of sharing one {@link GradientCollector} (DJL allows
 * one at a time), and a GPU replica's kernels are issued while another's run. Summing the L_i on device 0 and
 * running a single backward would not work: DJL's {@code toDevice} copies under a no-grad guard, so the copy is cut
 * from the autograd graph and the other replicas would get no gradient (see DataParallelTest).
 * After the step's micro-batches: {@link #allReduce} adds each replica's gradient into replica 0's (and zeroes it),
 * so replica 0 holds exactly the gradient a single device would have; the optimizer steps replica 0 alone; then
 * {@link #broadcast} copies replica 0's updated weights to the others. Nothing else in the loop changes: gradient
 * norm, clipping, accumulation and checkpoints see replica 0 only, so a run may resume with another N.
 *
 * <p>The all-reduce is a plain reduce-to-device-0 and broadcast-from-device-0 through libtorch copies (DJL exposes
 * no NCCL): each step moves about 2·(N-1) copies of the parameters through device 0. The sums run in replica order
 * after every worker has finished, so a run's numbers do not depend on which thread finished first. Replicas on
 * the CPU ({@code --device cpu --devices N}) share replica 0's weight storage instead of receiving copies, and run
 * with --threads / N intra-op threads each. This code has only run with replicas on the CPU (no GPU was available
 * to us).
 */
public final class DataParallel implements AutoCloseable {
    /** Builds a model of the same shape in a root manager on another device (its initial weights do not matter). */
    public interface ModelFactory {
        TrainModel create(NDManager root);
    }

    private record Replica(TrainModel model, NDManager root, Map<String, NDArray> params) {}

    private static final NDIndex ALL = new NDIndex("...");

    private final List<Replica> replicas;
    private final Device main;
    /** One thread per replica; each replica always runs on the same thread. */
    private final ExecutorService[] workers;
    /** Intra-op threads of a worker whose replica is on the CPU (0: libtorch's default). */
    private int cpuThreads;

    private DataParallel(List<Replica> replicas) {
        this.replicas = replicas;
        this.main = replicas.get(0).root().getDevice();
        workers = new ExecutorService[replicas.size()];
        for (int i = 0; i < workers.length; i++) {
            String name = "llm-replica-" + i;
            workers[i] = Executors.newSingleThreadExecutor(r -> {
                Thread th = new Thread(r, name);
                th.setDaemon(true);
                return th;
            });
        }
    }

    /**
     * The intra-op threads of each worker whose replica is on the CPU: N CPU replicas share the cores, so each
     * should get --threads / N of them.
     */
    public DataParallel cpuThreadsPerReplica(int threads) {
        this.cpuThreads = threads;
        return this;
    }

    /**
     * Replicas of {@code model} (which lives in {@code root}, on {@code devices.get(0)}) on the other devices.
     * Each gets its own root manager, closed by {@link #close}.
     */
    public static DataParallel create(TrainModel model, NDManager root, List<Device> devices, ModelFactory factory) {
        if (devices.size() < 2) {
            throw new IllegalArgumentException("data parallelism needs at least 2 devices, not " + devices);
        }
        if (!root.getDevice().equals(devices.get(0))) {
            throw new IllegalArgumentException("replica 0 is on " + root.getDevice() + ", not " + devices.get(0));
        }
        List<Replica> list = new ArrayList<>();
        list.add(new Replica(model, root, model.parameters()));
        for (Device d : devices.subList(1, devices.size())) {
            NDManager r = Engines.newRoot(d);
            try {
                TrainModel m = factory.create(r);
                list.add(new Replica(m, r, m.parameters()));
            } catch (RuntimeException e) { // e.g. out of memory on device d: free what was made
                r.close();
                list.subList(1, list.size()).forEach(x -> x.root().close());
                throw e;
            }
        }
        return new DataParallel(List.copyOf(list));
    }

    /** Number of replicas N. */
    public int size() {
        return replicas.size();
    }

    /** Replica 0's model: the one the trainer optimizes, evaluates and saves. */
    public TrainModel primary() {
        return replicas.get(0).model();
    }

    /**
     * Before the first step (and after a checkpoint was loaded into replica 0): make every replica equal to it. A
     * replica on replica 0's device (CPU replicas) then shares its weights' storage, so the optimizer's in-place
     * update reaches it without a copy; its gradients stay its own.
     */
    public void start() {
        for (Replica r : replicas) {
            for (NDArray p : r.params().values()) {
                p.setRequiresGradient(true);
            }
        }
        Replica first = replicas.get(0);
        if (fused()) { // replicas on device 0 share its weights
            NDArray[] src = first.params().values().toArray(NDArray[]::new);
            for (Replica r : replicas.subList(1, replicas.size())) {
                if (r.root().getDevice().equals(main)) {
                    try (NDManager scope = Engines.step(r.root())) {
                        FusedOps.shareStorage(r.params().values().toArray(NDArray[]::new), src, scope);
                    }
                }
            }
        }
        broadcast();
    }

    /**
     * Forward and backward of one micro-batch split across the replicas; gradients accumulate in each replica's
     * parameters. Returns the mean loss over the whole batch.
     *
     * @param batch (B, T+1) token ids, row-major
     */
    public double forwardBackward(int[] batch, int b, int t, PhaseTimes times) {
        int n = replicas.size();
        NDManager[] scopes = new NDManager[n];
        try {
            long ta = System.nanoTime();
            NDArray[] x = new NDArray[n];
            NDArray[] y = new NDArray[n];
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                Replica r = replicas.get(i);
                int r0 = (int) ((long) b * i / n);
                int r1 = (int) ((long) b * (i + 1) / n);
                rows[i] = r1 - r0;
                scopes[i] = Engines.step(r.root());
                NDArray xy = scopes[i].create(Arrays.copyOfRange(batch, r0 * (t + 1), r1 * (t + 1)),
                        new Shape(rows[i], t + 1));                       // (B/N, T+1) on device i
                x[i] = xy.get(new NDIndex(":, :-1"));                     // (B/N, T) inputs
                y[i] = xy.get(new NDIndex(":, 1:"));                      // (B/N, T) targets
            }
            long tb = System.nanoTime();
            List<Future<double[]>> done = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int id = i;
                Replica r = replicas.get(i);
                int threads = r.root().getDevice().isGpu() ? 0 : cpuThreads;
                done.add(workers[i].submit(() -> {
                    Engines.recordGradientsOnThisThread(threads);
                    long f0 = System.nanoTime();
                    NDArray logits = r.model().forward(x[id]);                                // (B/N, T, V)
                    NDArray w = CrossEntropy.loss(logits, y[id]).mul((float) rows[id] / b);   // L_i · |r_i| / B
                    double l = w.getFloat();                      // waits for the forward pass (GPU)
                    long f1 = System.nanoTime();
                    Engines.backward(w);                          // gradients land in replica i's parameters
                    return new double[] {l, f1 - f0};
                }));
            }
            double loss = 0;
            double forward = 0;
            RuntimeException failed = null;
            for (Future<double[]> f : done) { // every worker finishes before the step's scopes close
                try {
                    double[] r = join(f);
                    loss += r[0];                                 // in replica order, whoever finished first
                    forward += r[1] / n;
                } catch (RuntimeException e) {
                    failed = failed == null ? e : failed;
                }
            }
            if (failed != null) {
                throw failed;
            }
            times.add("data", tb - ta);
            long wall = System.nanoTime() - tb;           // the replicas' mean forward time; the rest is backward
            times.add("forward", Math.min(wall, (long) forward));
            times.add("backward", wall - Math.min(wall, (long) forward));
            return loss;
        } finally {
            for (NDManager s : scopes) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /**
     * Sum every replica's accumulated gradient into replica 0's and zero the others', so replica 0 holds the
     * gradient of the whole batch (as one device computing it would).
     */
    public void allReduce() {
        Replica first = replicas.get(0);
        try (NDManager scope = Engines.step(first.root())) {
            if (fused()) {
                NDArray[] g0 = gradients(first, scope);
                for (Replica r : replicas.subList(1, replicas.size())) {
                    FusedOps.addInto(g0, gradients(r, scope), scope); // in replica order
                }
                return;
            }
            for (Map.Entry<String, NDArray> e : first.params().entrySet()) {
                NDArray g0 = e.getValue().getGradient(); // a new handle on the gradient: the scope frees the handle
                g0.attach(scope);
                for (Replica r : replicas.subList(1, replicas.size())) {
                    NDArray gi = r.params().get(e.getKey()).getGradient();
                    gi.attach(scope);
                    g0.addi(gi.toDevice(main, false)); // the copy, if any, lands in gi's manager: the scope
                    gi.set(ALL, 0f);                    // zero it for the next step's accumulation (x - x is NaN for inf)
                }
            }
        }
    }

    /** Copy replica 0's weights into every other replica (after the optimizer step). */
    public void broadcast() {
        Replica first = replicas.get(0);
        if (fused()) {
            NDArray[] src = first.params().values().toArray(NDArray[]::new);
            for (Replica r : replicas.subList(1, replicas.size())) {
                if (r.root().getDevice().equals(main)) {
                    continue; // shares replica 0's storage (start()): nothing to copy
                }
                try (NDManager scope = Engines.step(r.root())) {
                    FusedOps.copyInto(r.params().values().toArray(NDArray[]::new), src, scope);
                }
            }
            return;
        }
        for (Replica r : replicas.subList(1, replicas.size())) {
            Device d = r.root().getDevice();
            try (NDManager scope = Engines.step(r.root())) {
                for (Map.Entry<String, NDArray> e : first.params().entrySet()) {
                    NDArray copy = e.getValue().toDevice(d, true); // always a new handle, which the scope frees
                    copy.attach(scope);
                    r.params().get(e.getKey()).set(ALL, copy);
                }
            }
        }
    }

    /** The worker's result; waits through interrupts (the step's arrays must outlive every worker). */
    private static double[] join(Future<double[]> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("replica failed: " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the multi-tensor calls of {@link FusedOps} serve these replicas' parameters. */
    private boolean fused() {
        return FusedOps.available(replicas.get(0).params().values().iterator().next());
    }

    /** Handles on a replica's gradients, in parameter order (the scope frees the handles, not the gradients). */
    private static NDArray[] gradients(Replica r, NDManager scope) {
        NDArray[] g = new NDArray[r.params().size()];
        int i = 0;
        for (NDArray p : r.params().values()) {
            g[i] = p.getGradient();
            g[i++].attach(scope);
        }
        return g;
    }

    /** Frees the replicas 1..N-1 (replica 0 belongs to the caller). */
    @Override
    public void close() {
        for (ExecutorService w : workers) {
            w.shutdownNow();
        }
        for (Replica r : replicas.subList(1, replicas.size())) {
            r.root().close();
        }
    }
}
