package llm.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import llm.compute.CostEstimate;
import llm.compute.CostReport;
import llm.compute.Quantity;
import llm.engine.GpuSpec;
import llm.io.Log;
import llm.run.CostFlags;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code llm cost}: training FLOPs, GPU-hours, wall-clock time and dollars, by formula or from a measured run. */
@Command(name = "cost", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Training compute (FLOPs), GPU-hours, wall-clock time and dollars for a model and token count.",
            "FLOPs = D × (6·N + 12·L·T·d): 6 FLOPs per parameter per token for the forward and backward matmuls "
                    + "(Kaplan et al. 2020) plus attention's Q·Kᵀ and A·V (PaLM, appendix B); the attention term "
                    + "needs the model's shape (--model, or --layers/--d-model/--ctx). GPU-hours = FLOPs / (peak × MFU) "
                    + "with dense peaks from the vendors' datasheets; dollars = GPU-hours × --price.",
            "Numbers take suffixes: 124M, 1.6B, 405B, 15T, 3e9."},
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE_NO_DEVICE},
        footer = {"  llm cost --params 1.6B --tokens 100B                 # GPT-2 (1.5B) on 8×H100",
            "  llm cost --params 405B --tokens 15T --gpus 16384      # Llama 3 405B",
            "  llm cost --model my-model --tokens-per-param 20 --gpu a100",
            "  llm cost --from-run my-model --tokens 10B             # extrapolate a run"})
public final class CostCommand extends LlmCommand {
    @Option(names = "--params", paramLabel = "N", description = "Parameter count, e.g. 124M, 1.6B, 405B.")
    String params;

    @Option(names = "--model", paramLabel = "M",
            description = "A release directory, a config.json or a llama2.c .bin: parameters and shape from it.")
    Path model;

    @Option(names = "--from-run", paramLabel = "DIR",
            description = "A training run's directory: measured tokens/s and MFU from its metrics.jsonl and "
                    + "training.json, extrapolated to --tokens (and to --gpu, at the measured MFU).")
    Path fromRun;

    @Option(names = "--tokens", paramLabel = "D", description = "Training tokens, e.g. 100B, 15T.")
    String tokens;

    @Option(names = "--tokens-per-param", paramLabel = "R",
            description = "Tokens as a multiple of the parameters (Chinchilla: 20, the default when no --tokens).")
    String tokensPerParam;

    @Option(names = "--layers", paramLabel = "L", description = "Layers, for the attention term with --params.")
    Integer layers;

    @Option(names = "--d-model", paramLabel = "D", description = "Model width, for the attention term with --params.")
    Integer dModel;

    @Option(names = "--ctx", paramLabel = "T", description = "Training sequence length (default: the model's).")
    Integer ctx;

    @Option(names = "--gpu", paramLabel = "NAME",
            description = "GPU from the peak table (default: h100 = H100 SXM): ${COMPLETION-CANDIDATES}.",
            completionCandidates = GpuNames.class)
    String gpu;

    @Option(names = "--gpus", paramLabel = "N", description = "GPUs training data-parallel (default: 8, one node; "
            + "with --from-run and no --gpu: the run's count). Changes the wall-clock time only.")
    Integer gpus;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "Matmul format of the peak: bf16 (default), fp16, "
            + "tf32, fp32.")
    String dtype;

    @Option(names = "--mfu", paramLabel = "F", description = "Model FLOPs utilization, (0, 1] (default: 0.4; "
            + "with --from-run: the measured one).")
    Double mfu;

    @Option(names = "--price", paramLabel = "USD", converter = Dollars.class, description = "Dollars per GPU-hour "
            + "(default: 3.0, a GPU's price; give your own for a CPU run); a leading $ is fine: --price '$2.50'.")
    Double price;

    /** A price as people write it: {@code 3}, {@code 2.50}, {@code $3} (quote the $ from the shell). */
    static final class Dollars implements picocli.CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String v = value.strip();
            v = v.startsWith("$") ? v.substring(1).strip() : v;
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a price in dollars "
                        + "(examples: 3, 2.50, '$3')");
            }
        }
    }

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    /** The GPU ids for --help and completion. */
    static final class GpuNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return GpuSpec.TABLE.stream().map(GpuSpec::id).iterator();
        }
    }

    @Override
    public Integer call() {
        CostReport r = CostReport.plan(flags().request());
        if (price == null && isCpu(r)) {
            Log.warn("--price not given: $%.2f is a GPU-hour price, applied here to the CPU's device-hours; give "
                    + "--price for this machine", r.estimate().pricePerGpuHour());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().serializeNulls()
                    .create().toJson(r.toJson()));
        } else {
            print(out, r);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The options as given, for {@link CostFlags#request()} to check. */
    CostFlags flags() {
        return CostFlags.builder()
                .params(params)
                .model(model)
                .fromRun(fromRun)
                .tokens(tokens)
                .tokensPerParam(tokensPerParam)
                .layers(layers)
                .dModel(dModel)
                .ctx(ctx)
                .gpu(gpu)
                .gpus(gpus)
                .dtype(dtype)
                .mfu(mfu)
                .price(price)
                .build();
    }

    static void print(PrintWriter out, CostReport r) {
        String shape = r.nLayer() > 0 ? String.format(Locale.ROOT, "%s%d layers, d %d, ctx %d",
                r.arch() == null ? "" : r.arch() + ", ", r.nLayer(), r.attnDim(), r.ctx()) : "shape unknown";
        row(out, "parameters", String.format(Locale.ROOT, "%s (%,.0f; %s)", Quantity.human(r.params()), r.params(),
                shape) + (r.flopsParams() != r.params()
                        ? String.format(Locale.ROOT, "; N = %s in matmuls", Quantity.human(r.flopsParams())) : ""));
        double ratio = r.tokens() / r.params();
        row(out, "tokens", String.format(Locale.ROOT, "%s (%s)", Quantity.human(r.tokens()), r.tokensNote())
                + (r.tokensNote().contains("per parameter") ? "" : ", " + (ratio >= 1000 ? Quantity.human(ratio)
                        : String.format(Locale.ROOT, "%.1f", ratio)) + " per parameter"));
        row(out, "FLOPs", r.formula());
        row(out, "FLOPs/token", Quantity.sci(r.flopsPerToken()));
        if (r.run() != null) {
            CostReport.Measured m = r.run();
            row(out, "measured", String.format(Locale.ROOT, "%s: %s tokens/s on %d × %s, MFU %s", m.dir(),
                    Quantity.human(m.tokensPerSecond()), m.deviceCount(), m.device(), percent(m.mfu())));
        }
        row(out, "device", String.format(Locale.ROOT, "%d × %s, %s peak %s each (%s)", r.estimate().gpus(),
                r.device(), r.dtype(), rate(r.peakPerGpu()), r.peakSource()));
        row(out, "MFU", percent(r.mfu()) + " (" + r.mfuNote() + "), sustained " + rate(r.flopsPerSecondPerGpu())
                + " per device");
        String unit = isCpu(r) ? "device" : "GPU";
        row(out, unit + "-hours", hours(r.estimate().gpuHours()));
        row(out, "wall-clock", String.format(Locale.ROOT, "%s on %d %s%s", CostEstimate.duration(
                r.estimate().wallSeconds()), r.estimate().gpus(), unit, r.estimate().gpus() == 1 ? "" : "s"));
        row(out, "cost", String.format(Locale.ROOT, "$%s at $%.2f per %s-hour", money(r.estimate().dollars()),
                r.estimate().pricePerGpuHour(), unit));
    }

    /** Priced on a CPU: a run measured on one, not moved to a --gpu. */
    private static boolean isCpu(CostReport r) {
        return r.device().toLowerCase(Locale.ROOT).startsWith("cpu");
    }

    private static void row(PrintWriter out, String k, String v) {
        out.printf(Locale.ROOT, "%-12s %s%n", k, v);
    }

    private static String percent(double f) {
        return Double.isFinite(f) ? String.format(Locale.ROOT, "%.1f%%", 100 * f) : "unknown";
    }

    private static String hours(double h) {
        return h >= 1e4 ? String.format(Locale.ROOT, "%,.0f (%s)", h, Quantity.human(h))
                : h >= 100 ? String.format(Locale.ROOT, "%,.0f", h) : String.format(Locale.ROOT, "%.3g", h);
    }

    private static String money(double d) {
        return d >= 1e6 ? String.format(Locale.ROOT, "%,.0f (%s)", d, Quantity.human(d))
                : d > 0 && d < 0.01 ? String.format(Locale.ROOT, "%.2g", d) : String.format(Locale.ROOT, "%,.2f", d);
    }

    private static String rate(double flops) {
        if (!(flops > 0)) {
            return "unknown";
        }
        return flops >= 1e12 ? String.format(Locale.ROOT, "%.4g TFLOP/s", flops / 1e12)
                : String.format(Locale.ROOT, "%.4g GFLOP/s", flops / 1e9);
    }
}
