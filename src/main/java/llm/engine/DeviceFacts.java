package llm.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What training.json and the progress lines say about the machine: the device's peak, a GPU's name, peak RSS. */
public final class DeviceFacts {
    private DeviceFacts() {}

    /** The fp32 peak MFU is measured against: a GPU's from the table (else measured), the CPU's measured. */
    public static DevicePeak peak(NDManager root, Device device, Integer threadsGiven) {
        if (device.isGpu()) {
            String name = gpuName(device);
            return DevicePeak.gpu(name, Dtype.FP32).orElseGet(() -> {
                double flops = MatmulPeak.measure(root, 4096, 1.0);
                return new DevicePeak(name, Dtype.FP32, flops, "measured fp32 matmul (GPU not in the table)");
            });
        }
        int threads = threadsGiven != null ? threadsGiven : Runtime.getRuntime().availableProcessors();
        DevicePeak measured = DevicePeak.measuredCpu(threads, MatmulPeak.measure(root, 1024, 1.0));
        String mkl = MklDispatch.codePath(); // which kernels the peak (and the training) ran on
        return mkl == null ? measured : new DevicePeak(measured.device(), measured.dtype(), measured.flops(),
                measured.source() + ", MKL " + mkl);
    }

    /** The GPU's name from nvidia-smi, or "cuda:N". */
    public static String gpuName(Device device) {
        try {
            Process smi = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i",
                    Integer.toString(device.getDeviceId())).redirectErrorStream(true).start();
            String said = new String(smi.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (smi.waitFor() == 0 && !said.isEmpty()) {
                return said.lines().findFirst().orElse(said);
            }
        } catch (IOException | InterruptedException e) {
            // fall through
        }
        return "cuda:" + device.getDeviceId();
    }

    /** The process's peak resident memory (VmHWM), or 0 where /proc is absent. */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }
}
