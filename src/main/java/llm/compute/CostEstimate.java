package llm.compute;

/**
 * What a training run of {@code flops} FLOPs costs on {@code gpus} devices of peak {@code peakPerGpu} FLOP/s each,
 * running at {@code mfu} of that peak, at {@code pricePerGpuHour} dollars per device-hour.
 *
 * <pre>
 * GPU-seconds = FLOPs / (peak × MFU)       (the work, whatever the number of GPUs)
 * wall-clock  = GPU-seconds / gpus          (perfect data-parallel scaling assumed)
 * dollars     = GPU-hours × price
 * </pre>
 */
public record CostEstimate(double flops, double peakPerGpu, int gpus, double mfu, double pricePerGpuHour,
        double gpuHours, double wallSeconds, double dollars) {

    public static CostEstimate of(double flops, double peakPerGpu, int gpus, double mfu, double pricePerGpuHour) {
        double gpuSeconds = flops / (peakPerGpu * mfu);
        double gpuHours = gpuSeconds / 3600;
        return new CostEstimate(flops, peakPerGpu, gpus, mfu, pricePerGpuHour, gpuHours, gpuSeconds / gpus,
                gpuHours * pricePerGpuHour);
    }

    /** From a measured throughput: D tokens at {@code tokensPerSecond} on {@code gpus} devices. */
    public static CostEstimate fromThroughput(double flops, double tokens, double tokensPerSecond, double peakPerGpu,
            int gpus, double pricePerGpuHour) {
        double wall = tokens / tokensPerSecond;
        double gpuHours = wall * gpus / 3600;
        double mfu = peakPerGpu > 0 ? flops / (wall * gpus * peakPerGpu) : Double.NaN;
        return new CostEstimate(flops, peakPerGpu, gpus, mfu, pricePerGpuHour, gpuHours, wall,
                gpuHours * pricePerGpuHour);
    }

    /** "3.2 days", "4.1 h", "12 min", "40 s", "1.9 years". */
    public static String duration(double seconds) {
        if (seconds >= 365.25 * 86400) {
            return String.format(java.util.Locale.ROOT, "%.3g years", seconds / (365.25 * 86400));
        }
        if (seconds >= 2 * 86400) {
            return String.format(java.util.Locale.ROOT, "%.3g days", seconds / 86400);
        }
        if (seconds >= 2 * 3600) {
            return String.format(java.util.Locale.ROOT, "%.3g h", seconds / 3600);
        }
        if (seconds >= 120) {
            return String.format(java.util.Locale.ROOT, "%.3g min", seconds / 60);
        }
        return String.format(java.util.Locale.ROOT, "%.3g s", seconds);
    }
}
