package llm.engine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import llm.UserException;

/**
 * Dense (no structured sparsity) peak matmul throughput of a GPU by number format, in FLOP/s. NVIDIA's datasheets
 * quote tensor-core figures "with sparsity"; the dense figure is half of that, and it is the one MFU is measured
 * against. NaN: the GPU has no tensor-core path for that format (T4 and V100 have no bf16/tf32).
 *
 * @param id      short name for {@code --gpu}
 * @param name    display name
 * @param match   regex found in the normalised device name (lower case, letters and digits only, vendor words
 *                dropped), e.g. CUDA's "NVIDIA H100 80GB HBM3" becomes "h10080gbhbm3"
 * @param source  where the numbers come from
 */
public record GpuSpec(String id, String name, String match, double fp32, double tf32, double bf16, double fp16,
        String source) {

    private static final double T = 1e12;

    /** The table. Order matters for matching: specific names come before the families that contain them. */
    public static final List<GpuSpec> TABLE = List.of(
            // NVIDIA H200 datasheet (nvidia.com/en-us/data-center/h200): H200 SXM FP32 67 TF, TF32 989 TF*,
            // BF16/FP16 1,979 TF* (* with sparsity); H200 NVL FP32 60, TF32 835*, BF16 1,671*.
            new GpuSpec("h200-nvl", "NVIDIA H200 NVL", "h200nvl", 60 * T, 417.5 * T, 835.5 * T, 835.5 * T,
                    "NVIDIA H200 datasheet (H200 NVL; sparse figures halved)"),
            new GpuSpec("h200", "NVIDIA H200 SXM", "h200", 67 * T, 494.7 * T, 989.4 * T, 989.4 * T,
                    "NVIDIA H200 datasheet (H200 SXM; sparse figures halved)"),
            // NVIDIA H100 datasheet (nvidia.com/en-us/data-center/h100): SXM FP32 67, TF32 989*, BF16/FP16 1,979*;
            // PCIe FP32 51, TF32 756*, BF16 1,513*; NVL FP32 60, TF32 835*, BF16 1,671*.
            new GpuSpec("h100-nvl", "NVIDIA H100 NVL", "h100nvl", 60 * T, 417.5 * T, 835.5 * T, 835.5 * T,
                    "NVIDIA H100 datasheet (H100 NVL; sparse figures halved)"),
            new GpuSpec("h100-pcie", "NVIDIA H100 PCIe", "h100pcie", 51 * T, 378 * T, 756.5 * T, 756.5 * T,
                    "NVIDIA H100 datasheet (H100 PCIe; sparse figures halved)"),
            new GpuSpec("h100", "NVIDIA H100 SXM", "h100", 67 * T, 494.7 * T, 989.4 * T, 989.4 * T,
                    "NVIDIA H100 datasheet (H100 SXM; sparse figures halved)"),
            // NVIDIA HGX B200 spec (nvidia.com/en-us/data-center/hgx): 8 GPUs FP16/BF16 36 PF*, TF32 18 PF*, FP32 600 TF.
            new GpuSpec("b200", "NVIDIA B200", "b200", 75 * T, 1125 * T, 2250 * T, 2250 * T,
                    "NVIDIA HGX B200 specifications, per GPU (sparse figures halved)"),
            // NVIDIA A100 datasheet: FP32 19.5 TF, TF32 156 TF (312*), BF16/FP16 312 TF (624*); SXM and PCIe alike.
            new GpuSpec("a100", "NVIDIA A100", "a100", 19.5 * T, 156 * T, 312 * T, 312 * T,
                    "NVIDIA A100 Tensor Core GPU datasheet"),
            // NVIDIA A10 datasheet: FP32 31.2, TF32 62.5 (125*), BF16/FP16 125 (250*).
            new GpuSpec("a10", "NVIDIA A10", "^a10$", 31.2 * T, 62.5 * T, 125 * T, 125 * T, "NVIDIA A10 datasheet"),
            // NVIDIA L40S datasheet: FP32 91.6, TF32 183 (366*), BF16/FP16 362.05 (733*).
            new GpuSpec("l40s", "NVIDIA L40S", "l40s", 91.6 * T, 183 * T, 362 * T, 362 * T, "NVIDIA L40S datasheet"),
            // NVIDIA L4 datasheet: FP32 30.3, TF32 60 (120*), BF16/FP16 121 (242*).
            new GpuSpec("l4", "NVIDIA L4", "^l4$", 30.3 * T, 60 * T, 121 * T, 121 * T, "NVIDIA L4 datasheet"),
            // NVIDIA Ada Lovelace architecture whitepaper, appendix A (GeForce RTX 4090): FP32 82.6, TF32 tensor 82.6
            // (165.2*), FP16/BF16 tensor with FP32 accumulate 165.2 (330.4*).
            new GpuSpec("rtx4090", "NVIDIA GeForce RTX 4090", "4090", 82.6 * T, 82.6 * T, 165.2 * T, 165.2 * T,
                    "NVIDIA Ada Lovelace GPU architecture whitepaper, appendix A"),
            // NVIDIA Ampere GA102 whitepaper (GeForce RTX 3090): FP32 35.6, TF32 35.6 (71*), FP16/BF16 with FP32
            // accumulate 71 (142*).
            new GpuSpec("rtx3090", "NVIDIA GeForce RTX 3090", "3090", 35.6 * T, 35.6 * T, 71 * T, 71 * T,
                    "NVIDIA Ampere GA102 GPU architecture whitepaper"),
            // NVIDIA V100 datasheet (SXM2): FP32 15.7, tensor (FP16 mixed precision) 125. No TF32/BF16.
            new GpuSpec("v100", "NVIDIA V100", "v100", 15.7 * T, Double.NaN, Double.NaN, 125 * T,
                    "NVIDIA V100 Tensor Core GPU datasheet (SXM2)"),
            // NVIDIA T4 datasheet: FP32 8.1, mixed precision (FP16/FP32) 65. No TF32/BF16.
            new GpuSpec("t4", "NVIDIA T4", "^t4$", 8.1 * T, Double.NaN, Double.NaN, 65 * T, "NVIDIA T4 datasheet"),
            // AMD Instinct MI300X datasheet: FP32 vector 163.4, TF32 653.7, BF16/FP16 1,307.4 (dense).
            new GpuSpec("mi300x", "AMD Instinct MI300X", "mi300x", 163.4 * T, 653.7 * T, 1307.4 * T, 1307.4 * T,
                    "AMD Instinct MI300X data sheet"));

    /** Peak FLOP/s for {@code dtype}; NaN when the GPU has no fast path for it. */
    public double peak(Dtype dtype) {
        return switch (dtype) {
            case FP32 -> fp32;
            case TF32 -> tf32;
            case BF16 -> bf16;
            case FP16 -> fp16;
        };
    }

    /** Like {@link #peak} but a usage error naming {@code flag} when the GPU lacks that format. */
    public double requirePeak(Dtype dtype, String flag) {
        double p = peak(dtype);
        if (Double.isNaN(p)) {
            throw UserException.usage(flag + ": " + name + " has no " + dtype.id() + " tensor cores (use fp16 or fp32)");
        }
        return p;
    }

    /** Find a GPU by a {@code --gpu} id ("h100", "h100-pcie") or a device name as CUDA reports it. */
    public static Optional<GpuSpec> lookup(String deviceName) {
        String n = normalise(deviceName);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        for (GpuSpec g : TABLE) {
            if (normalise(g.id).equals(n)) {
                return Optional.of(g);
            }
        }
        for (GpuSpec g : TABLE) {
            if (Pattern.compile(g.match).matcher(n).find()) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** {@link #lookup} or a usage error that lists the known ids. */
    public static GpuSpec require(String deviceName, String flag) {
        return lookup(deviceName).orElseThrow(() -> UserException.usage(flag + ": unknown GPU '" + deviceName
                + "' (known: " + String.join(", ", TABLE.stream().map(GpuSpec::id).toList()) + ")"));
    }

    static String normalise(String s) {
        String n = s.toLowerCase(Locale.ROOT);
        for (String w : new String[] {"nvidia", "geforce", "tesla", "instinct", "amd", "rtx"}) {
            n = n.replace(w, "");
        }
        n = n.replaceAll("[^a-z0-9]", "");
        return n.replaceFirst("sxm[0-9]*$", "");
    }
}
