package llm.engine;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import llm.UserException;

/**
 * The devices of data-parallel training ({@code llm train --devices N}): one model replica per GPU, GPUs
 * {@code gpu:K .. gpu:K+N-1} where {@code gpu:K} is the {@code --device} (gpu:0 for {@code auto} and {@code gpu}); or,
 * with {@code --device cpu}, N replicas on the CPU, each running on a thread of its own with {@code --threads / N}
 * intra-op threads (the cores split between replicas instead of every op split across all cores; see
 * bench/RESULTS.md). The GPU path is the same code with {@code Device.gpu(i)} in place of {@link Device#cpu()}.
 *
 * <p>For tests: with the system property {@value #CPU_REPLICAS_PROPERTY}{@code =true}, {@code --devices N} with
 * {@code --device auto} on a machine without GPUs also gives N CPU replicas. And
 * {@value #REPLICA_DEVICES_PROPERTY}{@code =gpu:0,cpu} names the replicas' devices outright: on a machine with one
 * GPU this runs replica 0 on the GPU and replica 1 on the CPU, which exercises every copy between devices that N GPUs
 * need (the gradient all-reduce and the weight broadcast) with the GPU that is there.
 */
public final class DataParallelDevices {
    /** Test hook: {@code -Dllm.train.cpuReplicas=true} lets {@code --devices N} with {@code auto} use the CPU. */
    public static final String CPU_REPLICAS_PROPERTY = "llm.train.cpuReplicas";
    /** Test hook: {@code -Dllm.train.replicaDevices=gpu:0,cpu} gives the replicas' devices, replica 0 first. */
    public static final String REPLICA_DEVICES_PROPERTY = "llm.train.replicaDevices";

    private DataParallelDevices() {}

    /**
     * The replicas' devices for {@code --devices n}, the first being {@code first} (the resolved {@code --device}).
     *
     * @throws UserException (exit 2) when n < 1, or when libtorch sees fewer GPUs than needed (not for
     *                       {@code --device cpu}, whose replicas share the CPU)
     */
    public static List<Device> resolve(DeviceSpec spec, Device first, int n) {
        if (n <= 1) {
            return resolve(spec, first, n, 0, "", false);
        }
        String named = System.getProperty(REPLICA_DEVICES_PROPERTY);
        if (named != null) {
            return named(named, first, n, Engines.gpuCount());
        }
        return resolve(spec, first, n, Engines.gpuCount(), EnvReport.detectFlavor(),
                Boolean.getBoolean(CPU_REPLICAS_PROPERTY));
    }

    /** The test hook's list, e.g. "gpu:0,cpu": n devices, the first being {@code first}. */
    static List<Device> named(String list, Device first, int n, int gpus) {
        String what = "-D" + REPLICA_DEVICES_PROPERTY + "=" + list;
        List<Device> out = new ArrayList<>();
        for (String part : list.split(",")) {
            DeviceSpec d = DeviceSpec.parse(part);
            if (d.kind() == DeviceSpec.Kind.AUTO || (d.kind() == DeviceSpec.Kind.GPU && d.index() >= gpus)) {
                throw UserException.usage(what + ": '" + part.strip() + "' is not a device here (libtorch sees "
                        + gpus + " GPU(s))");
            }
            out.add(d.kind() == DeviceSpec.Kind.CPU ? Device.cpu() : Device.gpu(d.index()));
        }
        if (out.size() != n || !out.get(0).equals(first)) {
            throw UserException.usage(what + ": name --devices " + n + " devices, the first being --device "
                    + Engines.describe(first));
        }
        return List.copyOf(out);
    }

    /** {@link #resolve(DeviceSpec, Device, int)} with the GPU count, libtorch flavor and test hook given. */
    static List<Device> resolve(DeviceSpec spec, Device first, int n, int gpus, String flavor, boolean cpuReplicas) {
        if (n < 1) {
            throw UserException.usage("--devices must be at least 1, not " + n);
        }
        if (n == 1) {
            return List.of(first);
        }
        if (!first.isGpu()) {
            if (cpuReplicas || spec.kind() == DeviceSpec.Kind.CPU) {
                return Collections.nCopies(n, Device.cpu());
            }
            throw UserException.usage("--devices " + n + ": libtorch sees 0 GPUs (flavor " + flavor + "); data-parallel"
                    + " training needs " + n + " GPUs and the CUDA build of libtorch (see 'llm env' and README, GPU),"
                    + " or --device cpu for " + n + " replicas on the CPU");
        }
        int from = first.getDeviceId();
        if (from + n > gpus) {
            throw UserException.usage("--devices " + n + ": libtorch sees " + gpus + " GPU(s) (gpu:0"
                    + (gpus > 1 ? "..gpu:" + (gpus - 1) : "") + "), but " + n + " replicas from gpu:" + from
                    + " need gpu:" + from + "..gpu:" + (from + n - 1) + "; use --devices " + Math.max(1, gpus - from)
                    + " or less");
        }
        List<Device> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Device.gpu(from + i));
        }
        return List.copyOf(out);
    }

    /** How many distinct devices the replicas run on (1 for replicas that share the CPU). */
    public static int distinct(List<Device> devices) {
        return (int) devices.stream().distinct().count();
    }
}
