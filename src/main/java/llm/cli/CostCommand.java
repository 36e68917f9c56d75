package llm.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import llm.UserException;
import llm.compute.CostEstimate;
import llm.compute.CostReport;
import llm.compute.Quantity;
import llm.compute.RunMetrics;
import llm.compute.TrainingRun;
import llm.engine.Dtype;
import llm.engine.GpuSpec;
import llm.model.ModelConfig;
import llm.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm cost}: training FLOPs, GPU-hours, wall-clock time and dollars, by formula or from a measured run. */
@Command(name = "cost", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Training compute (FLOPs), GPU-hours, wall-clock time and dollars for a model and token count.",
            "FLOPs = D × (6·N + 12·L·T·d): 6 FLOPs per parameter per token for the forward and backward matmuls "
                    + "(Kaplan et al. 2020) plus attention's Q·Kᵀ and A·V (PaLM, appendix B); the attention term "
                    + "needs the model's shape (--model, or --layers/--d-model/--ctx). GPU-hours = FLOPs / (peak × MFU) "
                    + "with dense peaks from the vendors' datasheets; dollars = GPU-hours × --price.",
            "Numbers take suffixes: 124M, 1.6B, 405B, 15T, 3e9."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE_NO_DEVICE},
        footerHeading = "%nExamples:%n",
        footer = {"  llm cost --params 1.6B --tokens 100B                 # GPT-2 (1.5B) on 8×H100",
            "  llm cost --params 405B --tokens 15T --gpus 16384      # Llama 3 405B",
            "  llm cost --model my-model --tokens-per-param 20 --gpu a100",
            "  llm cost --from-run my-model --tokens 10B             # extrapolate a run"})
public final class CostCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions log;

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

    @Option(names = "--price", paramLabel = "USD", description = "Dollars per GPU-hour (default: 3.0).")
    Double price;

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
        CostReport r = CostReport.plan(request());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().serializeNulls()
                    .create().toJson(toJson(r)));
        } else {
            print(out, r);
        }
        out.flush();
        return ExitCodes.OK;
    }

    CostReport.Request request() {
        int given = (params != null ? 1 : 0) + (model != null ? 1 : 0);
        if (given > 1) {
            throw UserException.usage("--params and --model exclude each other");
        }
        if (given == 0 && fromRun == null) {
            throw UserException.usage("give the model as --params N, --model DIR or --from-run DIR");
        }
        if (tokens != null && tokensPerParam != null) {
            throw UserException.usage("--tokens and --tokens-per-param exclude each other");
        }
        if (model != null && (layers != null || dModel != null)) {
            throw UserException.usage("--layers and --d-model come from --model; give them with --params");
        }
        positive(layers, "--layers");
        positive(dModel, "--d-model");
        positive(ctx, "--ctx");
        positive(gpus, "--gpus");
        if (mfu != null && !(mfu > 0 && mfu <= 1)) {
            throw UserException.usage("--mfu must be within (0, 1], not " + mfu);
        }
        if (price != null && !(price >= 0 && Double.isFinite(price))) {
            throw UserException.usage("--price must be 0 or more, not " + price);
        }
        Double n = params == null ? null : Quantity.positive(params, "--params");
        Double d = tokens == null ? null : Quantity.positive(tokens, "--tokens");
        Double tpp = tokensPerParam == null ? null : Quantity.positive(tokensPerParam, "--tokens-per-param");
        if (n != null && n < 1) {
            throw UserException.usage("--params must be at least 1 (a count of parameters), not '" + params + "'");
        }
        if (d != null && d < 1) {
            throw UserException.usage("--tokens must be at least 1 (a count of tokens), not '" + tokens + "'");
        }
        Dtype dt = dtype == null ? null : Dtype.parse(dtype, "--dtype");
        if (gpu != null) {
            GpuSpec.require(gpu, "--gpu");
        }
        ModelConfig shape = null;
        if (model != null) {
            if (!Files.exists(model)) {
                throw UserException.runtime(model + ": no such file or directory");
            }
            shape = Models.readShape(model);
        }
        int l = 0;
        int w = 0;
        if (n != null && (layers != null || dModel != null)) {
            if (layers == null || dModel == null || ctx == null) {
                throw UserException.usage("--layers, --d-model and --ctx go together (the attention term needs all three)");
            }
            l = layers;
            w = dModel;
        }
        TrainingRun run = null;
        RunMetrics metrics = null;
        if (fromRun != null) {
            if (!Files.isDirectory(fromRun)) {
                throw UserException.runtime(fromRun + ": not a directory (--from-run takes a training run's --out)");
            }
            run = TrainingRun.read(fromRun);
            metrics = RunMetrics.read(fromRun);
        }
        return new CostReport.Request(n, shape, l, w, ctx == null ? 0 : ctx, d, tpp, gpu, gpus, dt, mfu,
                price == null ? CostReport.DEFAULT_PRICE : price, run, metrics,
                fromRun == null ? null : fromRun.toString());
    }

    private static void positive(Integer v, String flag) {
        if (v != null && v <= 0) {
            throw UserException.usage(flag + " must be greater than 0, not " + v);
        }
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
        String unit = r.device().toLowerCase(Locale.ROOT).startsWith("cpu") ? "device" : "GPU";
        row(out, unit + "-hours", hours(r.estimate().gpuHours()));
        row(out, "wall-clock", String.format(Locale.ROOT, "%s on %d %s%s", CostEstimate.duration(
                r.estimate().wallSeconds()), r.estimate().gpus(), unit, r.estimate().gpus() == 1 ? "" : "s"));
        row(out, "cost", String.format(Locale.ROOT, "$%s at $%.2f per %s-hour", money(r.estimate().dollars()),
                r.estimate().pricePerGpuHour(), unit));
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

    /** A whole number as a JSON integer, anything else as a double. */
    private static void num(JsonObject o, String k, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 9e15) {
            o.addProperty(k, (long) v);
        } else {
            o.addProperty(k, v);
        }
    }

    static JsonObject toJson(CostReport r) {
        JsonObject o = new JsonObject();
        num(o, "params", r.params());
        num(o, "flops_params", r.flopsParams());
        if (r.arch() != null) {
            o.addProperty("arch", r.arch());
        }
        boolean shape = r.nLayer() > 0; // null, not 0, when the attention term was left out (shape unknown)
        o.addProperty("n_layer", shape ? r.nLayer() : null);
        o.addProperty("d_model", shape ? r.attnDim() : null);
        o.addProperty("ctx", shape ? r.ctx() : null);
        num(o, "tokens", r.tokens());
        o.addProperty("tokens_note", r.tokensNote());
        o.addProperty("tokens_per_param", r.tokens() / r.params());
        o.addProperty("flops_per_token", r.flopsPerToken());
        o.addProperty("flops", r.flops());
        o.addProperty("formula", r.formula());
        o.addProperty("device", r.device());
        o.addProperty("dtype", r.dtype());
        o.addProperty("peak_flops", r.peakPerGpu());
        o.addProperty("peak_source", r.peakSource());
        o.addProperty("gpus", r.estimate().gpus());
        if (Double.isFinite(r.mfu())) {
            o.addProperty("mfu", r.mfu());
        }
        o.addProperty("mfu_note", r.mfuNote());
        o.addProperty("flops_per_second_per_gpu", r.flopsPerSecondPerGpu());
        o.addProperty("gpu_hours", r.estimate().gpuHours());
        o.addProperty("wall_seconds", r.estimate().wallSeconds());
        o.addProperty("price_per_gpu_hour", r.estimate().pricePerGpuHour());
        o.addProperty("dollars", r.estimate().dollars());
        if (r.run() != null) {
            JsonObject m = new JsonObject();
            m.addProperty("dir", r.run().dir());
            m.addProperty("device", r.run().device());
            m.addProperty("device_count", r.run().deviceCount());
            m.addProperty("tokens_per_s", r.run().tokensPerSecond());
            if (Double.isFinite(r.run().mfu())) {
                m.addProperty("mfu", r.run().mfu());
            }
            m.addProperty("flops_per_token", r.run().flopsPerToken());
            m.addProperty("tokens_seen", r.run().tokensSeen());
            m.addProperty("seconds", r.run().seconds());
            o.add("run", m);
        }
        return o;
    }
}
