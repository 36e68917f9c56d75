package llm.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The peak FLOP/s one device offers for a number format, and where that figure comes from — what MFU is measured
 * against.
 *
 * @param device  the device's name ("NVIDIA H100 80GB HBM3", "cpu (2 threads)")
 * @param dtype   the number format of the matmuls
 * @param flops   peak FLOP/s of one device
 * @param source  "NVIDIA H100 datasheet ...", "measured fp32 matmul", "estimate: 2 cores × 2.6 GHz × 32 FLOP/cycle"
 */
public record DevicePeak(String device, Dtype dtype, double flops, String source) {

    /** A GPU's peak from the table, when the name is known and the GPU has that format. */
    public static Optional<DevicePeak> gpu(String deviceName, Dtype dtype) {
        return GpuSpec.lookup(deviceName).filter(g -> !Double.isNaN(g.peak(dtype)))
                .map(g -> new DevicePeak(deviceName, dtype, g.peak(dtype), g.source()));
    }

    /** A CPU peak measured by the caller (e.g. a timed fp32 matmul through the engine). */
    public static DevicePeak measuredCpu(int threads, double flops) {
        return new DevicePeak("cpu (" + threads + " threads)", Dtype.FP32, flops, "measured fp32 matmul");
    }

    /**
     * A theoretical fp32 peak for {@code threads} cores of this machine's CPU: cores × clock × FLOPs per cycle,
     * FLOPs per cycle from the vector extensions in /proc/cpuinfo: 2 FMA units × 8 fp32 lanes × 2 = 32 with AVX2+FMA
     * (also AMD's AVX-512, which runs on 256-bit units before Zen 5), 64 with Intel AVX-512, 16 with AVX, 8 otherwise.
     * Clock: the highest "cpu MHz" listed, else 2.5 GHz. A rough figure: prefer a measured peak.
     */
    public static DevicePeak estimatedCpu(int threads) {
        double ghz = 2.5;
        int perCycle = 8;
        String vendor = "";
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            double mhz = 0;
            String flags = "";
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = l.substring(0, colon).strip();
                String value = l.substring(colon + 1).strip();
                switch (key) {
                    case "cpu MHz" -> mhz = Math.max(mhz, parseOr(value, 0));
                    case "flags" -> flags = " " + value + " ";
                    case "vendor_id" -> vendor = value;
                    default -> { }
                }
            }
            if (mhz > 500) {
                ghz = mhz / 1000;
            }
            perCycle = perCycle(flags, vendor);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the defaults
        }
        double flops = threads * ghz * 1e9 * perCycle;
        return new DevicePeak("cpu (" + threads + " threads)", Dtype.FP32, flops, String.format(Locale.ROOT,
                "estimate: %d cores × %.2f GHz × %d FLOP/cycle", threads, ghz, perCycle));
    }

    static int perCycle(String flags, String vendor) {
        if (flags.contains(" avx512f ") && vendor.contains("Intel")) {
            return 64;
        }
        if (flags.contains(" avx2 ") && flags.contains(" fma ")) {
            return 32;
        }
        return flags.contains(" avx ") ? 16 : 8;
    }

    private static double parseOr(String s, double dflt) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
