package llm.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code llm env} reports: the engine, libtorch's flavor and location, the devices, threads, cache, offline, and
 * whether the native allocator was tuned ({@link NativeMemory}), and MKL's code path ({@link MklDispatch}).
 */
public record EnvReport(
        String engine,
        String engineVersion,
        String djlVersion,
        String flavor,
        String libtorchDir,
        int gpuCount,
        List<Gpu> gpus,
        String defaultDevice,
        String selectedDevice,
        int threads,
        int cpuCores,
        String cacheDir,
        boolean offline,
        String pytorchLibraryPath,
        String allocator,
        String mkl,
        String mklCodePath,
        String javaVersion) {

    /** One CUDA device: index, name (from nvidia-smi when present) and total memory in bytes (-1 if unknown). */
    public record Gpu(int index, String name, long memoryBytes) {}

    public static EnvReport collect() {
        return collect(null);
    }

    /** The report, with {@code selected} = the device the command line chose (null: the default). */
    public static EnvReport collect(String selected) {
        Engine e = Engines.engine();
        int gpus = e.getGpuCount();
        List<Gpu> list = new ArrayList<>();
        List<String[]> smi = nvidiaSmi();
        for (int i = 0; i < gpus; i++) {
            String name = i < smi.size() ? smi.get(i)[0] : "CUDA device " + i;
            long mem = -1;
            try {
                MemoryUsage mu = CudaUtils.getGpuMemory(Device.gpu(i));
                mem = mu.getMax();
            } catch (RuntimeException | LinkageError ignored) {
                if (i < smi.size()) {
                    try {
                        mem = Long.parseLong(smi.get(i)[1].replaceAll("[^0-9]", "")) * 1024L * 1024L;
                    } catch (NumberFormatException ignored2) {
                        // unknown
                    }
                }
            }
            list.add(new Gpu(i, name, mem));
        }
        Integer threads = Integer.getInteger("ai.djl.pytorch.num_threads");
        int cores = Runtime.getRuntime().availableProcessors();
        return new EnvReport(
                e.getEngineName(),
                e.getVersion(),
                Engine.getDjlVersion(),
                detectFlavor(),
                detectLibtorchDir(),
                gpus,
                list,
                gpus > 0 ? "gpu:0" : "cpu",
                selected != null ? selected : (gpus > 0 ? "gpu:0" : "cpu"),
                threads != null ? threads : cores,
                cores,
                Utils.getEngineCacheDir().toString(),
                Boolean.parseBoolean(System.getProperty("ai.djl.offline", "false")),
                System.getenv("PYTORCH_LIBRARY_PATH"),
                NativeMemory.applied() ? "glibc malloc, tuned: freed tensors are reused (" + NativeMemory.source() + ")"
                        : "system malloc, untuned",
                mklLine(MklDispatch.codePath(), MklDispatch.state()),
                MklDispatch.codePath(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    }

    /** MKL's code path and why, e.g. "AVX-512 kernels (Intel code paths on this AMD CPU)" ({@link MklDispatch}). */
    static String mklLine(String path, MklDispatch.State state) {
        String why = state.description();
        if (path == null) { // no MKL in this libtorch, or no JNA to ask it with
            return state == MklDispatch.State.FAILED ? "unknown (" + why + ")" : "not in this libtorch";
        }
        if (state == MklDispatch.State.LOADED && path.equals(MklDispatch.GENERIC)) {
            return "generic kernels (the stub is loaded, but MKL did not take its answer: it had chosen before, or "
                    + "this libtorch binds its own)";
        }
        return path + " kernels (" + why + ")";
    }

    /** "cpu" or "cuXXX", read from the libtorch that this process actually loaded. */
    public static String detectFlavor() {
        String dir = detectLibtorchDir();
        boolean cuda = loadedLibraries().stream().anyMatch(l -> l.contains("libtorch_cuda") || l.contains("libc10_cuda"));
        if (dir != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(cu\\d+)").matcher(Path.of(dir).getFileName().toString());
            if (m.find()) {
                return m.group(1);
            }
        }
        if (cuda) {
            String env = System.getenv("PYTORCH_FLAVOR");
            return env != null && env.startsWith("cu") ? env : "cuda";
        }
        return "cpu";
    }

    /** Directory of the loaded libtorch, from /proc/self/maps (Linux), else null. */
    public static String detectLibtorchDir() {
        for (String lib : loadedLibraries()) {
            if (lib.endsWith("/libtorch_cpu.so") || lib.endsWith("/libtorch.so")) {
                Path p = Path.of(lib).getParent();
                return p == null ? null : p.toString();
            }
        }
        return null;
    }

    private static List<String> loadedLibraries() {
        List<String> out = new ArrayList<>();
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(maps)) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.contains(".so")) {
                    String path = line.substring(slash).trim();
                    if (!out.contains(path)) {
                        out.add(path);
                    }
                }
            }
        } catch (IOException ignored) {
            // no report
        }
        return out;
    }

    private static List<String[]> nvidiaSmi() {
        List<String[]> rows = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] parts = line.split(",\\s*");
                    if (parts.length == 2) {
                        rows.add(parts);
                    }
                }
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            if (p.exitValue() != 0) {
                rows.clear();
            }
        } catch (IOException | InterruptedException | IllegalThreadStateException e) {
            rows.clear();
        }
        return rows;
    }
}
