package llm.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    /**
     * The table, from the datasheet figures in {@code gpus.tsv} beside this class (TFLOP/s, with the datasheets'
     * own words in its comments). Order matters for matching: specific names come before the families that contain
     * them.
     */
    public static final List<GpuSpec> TABLE = read("gpus.tsv");

    /** Rows of {@code resource}: id, name, match, fp32, tf32, bf16, fp16 in TFLOP/s ("-": none), source. */
    private static List<GpuSpec> read(String resource) {
        try (InputStream in = GpuSpec.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            List<GpuSpec> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 8) {
                    throw new IllegalStateException(resource + ": not 8 columns: " + line);
                }
                rows.add(new GpuSpec(f[0], f[1], f[2], tflops(f[3]), tflops(f[4]), tflops(f[5]), tflops(f[6]), f[7]));
            }
            return List.copyOf(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double tflops(String s) {
        return s.equals("-") ? Double.NaN : Double.parseDouble(s) * 1e12;
    }

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
