package llm.compute;

import com.google.gson.JsonObject;
import java.util.Locale;
import llm.UserException;
import llm.engine.Dtype;
import llm.engine.GpuSpec;
import llm.model.ModelConfig;

/**
 * {@code llm cost}'s answer: the training FLOPs of a model on D tokens and what they cost on a number of GPUs,
 * either by formula (a datasheet peak × an assumed MFU) or extrapolated from a measured run.
 *
 * @param params          all parameters of the model (tokens-per-parameter is counted against this)
 * @param flopsParams     the N of the 6·N term (= params for --params; matmul parameters for a known shape)
 * @param arch            "gpt2"/"llama" when the shape is known, else null
 * @param nLayer          layers for the attention term (0: term left out)
 * @param attnDim         attention width d for the attention term
 * @param ctx             sequence length T for the attention term
 * @param tokens          D
 * @param tokensNote      where D comes from ("--tokens", "20 tokens per parameter (Chinchilla)", "the run's tokens")
 * @param flopsPerToken   6N + 12·L·T·d
 * @param flops           D × flopsPerToken
 * @param formula         the formula with its numbers
 * @param device          the device priced ("NVIDIA H100 SXM", "cpu (2 threads)")
 * @param dtype           the number format of the peak
 * @param peakPerGpu      peak FLOP/s of one device (0 when unknown)
 * @param peakSource      where the peak comes from
 * @param mfu             model FLOPs utilization assumed or measured (NaN when unknown)
 * @param mfuNote         "--mfu" / "measured in DIR"
 * @param flopsPerSecondPerGpu the sustained rate the estimate uses (= peak × MFU, or measured)
 * @param estimate        GPU-hours, wall-clock, dollars
 * @param run             the measured run this extrapolates from, or null
 */
public record CostReport(double params, double flopsParams, String arch, int nLayer, int attnDim, int ctx,
        double tokens, String tokensNote, double flopsPerToken, double flops, String formula, String device,
        String dtype, double peakPerGpu, String peakSource, double mfu, String mfuNote, double flopsPerSecondPerGpu,
        CostEstimate estimate, Measured run) {

    public static final double CHINCHILLA_TOKENS_PER_PARAM = 20;
    public static final double DEFAULT_MFU = 0.4;
    public static final double DEFAULT_PRICE = 3.0;
    public static final String DEFAULT_GPU = "h100";
    public static final int DEFAULT_GPUS = 8;

    /** What a measured run contributed. */
    public record Measured(String dir, String device, int deviceCount, double tokensPerSecond, double mfu,
            double flopsPerToken, long tokensSeen, double seconds) {}

    /**
     * Resolved inputs. Exactly one of {@code params} / {@code shape} / {@code run} describes the model (a run's own
     * model when both others are null); the attention term needs {@code nLayer, attnDim, ctx} (0: leave it out).
     * Null options take their defaults.
     */
    public record Request(Double params, ModelConfig shape, int nLayer, int attnDim, int ctx, Double tokens,
            Double tokensPerParam, String gpu, Integer gpus, Dtype dtype, Double mfu, double price, TrainingRun run,
            RunMetrics metrics, String runDir) {}

    public static CostReport plan(Request q) {
        // 1. the model: N for tokens-per-parameter, N for 6·N, and the attention shape
        double params;
        double flopsParams;
        String arch = null;
        int layers = q.nLayer();
        int d = q.attnDim();
        int ctx = q.ctx();
        boolean runModel = false;
        if (q.shape() != null) {
            ModelConfig s = q.shape(); // a shorter training context does not change the parameters
            params = s.parameterCount();
            flopsParams = s.matmulParams();
            arch = s.arch().modelType();
            layers = s.nLayer();
            d = s.attnDim();
            ctx = ctx > 0 ? ctx : s.ctx();
        } else if (q.params() != null) {
            params = q.params();
            flopsParams = params;
        } else if (q.run() != null) {
            TrainingRun r = q.run();
            if (r.params() <= 0) {
                throw UserException.runtime(q.runDir() + ": training.json has no params; give --params or --model");
            }
            runModel = true;
            params = r.params();
            arch = r.arch();
            layers = layers > 0 ? layers : r.nLayer();
            d = d > 0 ? d : r.nEmbd();
            ctx = ctx > 0 ? ctx : r.seqLen();
            // the 6·N term of the run's own FLOPs per token, when it recorded them at its own context
            double attnAtRun = Flops.attentionFlopsPerToken(r.nLayer(), r.seqLen(), r.nEmbd());
            flopsParams = r.flopsPerToken() > attnAtRun ? (r.flopsPerToken() - attnAtRun) / 6 : params;
        } else {
            throw UserException.usage("give the model as --params N, --model DIR or --from-run DIR");
        }
        if (params <= 0) {
            throw UserException.usage("--params must be greater than 0");
        }

        // 2. the tokens
        double tokens;
        String tokensNote;
        if (q.tokens() != null) {
            tokens = q.tokens();
            tokensNote = "--tokens";
        } else if (q.tokensPerParam() != null) {
            tokens = q.tokensPerParam() * params;
            tokensNote = fmt("%s tokens per parameter", Quantity.human(q.tokensPerParam()));
        } else if (runModel && q.run().tokensSeen() > 0) {
            tokens = q.run().tokensSeen();
            tokensNote = "tokens the run has seen";
        } else {
            tokens = CHINCHILLA_TOKENS_PER_PARAM * params;
            tokensNote = "20 tokens per parameter (Chinchilla, Hoffmann et al. 2022)";
        }
        if (tokens <= 0) {
            throw UserException.usage("--tokens must be greater than 0");
        }

        // 3. the FLOPs
        boolean attention = layers > 0 && d > 0 && ctx > 0;
        double fpt = Flops.paramFlopsPerToken(flopsParams)
                + (attention ? Flops.attentionFlopsPerToken(layers, ctx, d) : 0);
        double flops = fpt * tokens;
        String formula = attention
                ? fmt("(6·N + 12·L·T·d)·D = (6 × %s + 12 × %d × %d × %d) × %s = %s", Quantity.human(flopsParams),
                        layers, ctx, d, Quantity.human(tokens), Quantity.sci(flops))
                : fmt("6·N·D = 6 × %s × %s = %s (attention term left out: shape unknown)", Quantity.human(flopsParams),
                        Quantity.human(tokens), Quantity.sci(flops));

        // 4. the hardware and its sustained rate
        Dtype dtype = q.dtype() == null ? Dtype.BF16 : q.dtype();
        Measured measured = null;
        String device;
        double peak;
        String peakSource;
        double mfu;
        String mfuNote;
        double rate; // sustained FLOP/s per device
        int gpus;
        if (q.run() != null) {
            TrainingRun r = q.run();
            double tps = q.metrics() != null && q.metrics().tokensPerSecond().isPresent()
                    ? q.metrics().tokensPerSecond().getAsDouble() : r.tokensPerSecond();
            if (tps <= 0 && r.seconds() > 0) {
                tps = r.tokensSeen() / r.seconds();
            }
            if (tps <= 0) {
                throw UserException.runtime(q.runDir() + ": the run records no throughput (tokens_per_s)");
            }
            int devs = Math.max(1, r.deviceCount());
            double runFpt = r.flopsPerToken() > 0 ? r.flopsPerToken() : fpt;
            double runRate = tps * runFpt / devs;
            double runMfu = q.metrics() != null && q.metrics().mfu().isPresent() ? q.metrics().mfu().getAsDouble()
                    : r.mfu() != null ? r.mfu() : r.peakFlops() > 0 ? runRate / r.peakFlops() : Double.NaN;
            measured = new Measured(q.runDir(), r.device(), devs, tps, runMfu, runFpt, r.tokensSeen(), r.seconds());
            if (q.gpu() == null) { // the same hardware at the measured rate
                device = r.device() == null ? "the run's device" : r.device();
                dtype = runDtype(r.dtype(), dtype);
                peak = r.peakFlops();
                peakSource = r.peakSource() == null ? "training.json" : r.peakSource();
                mfu = runMfu;
                mfuNote = "measured";
                rate = runRate;
                gpus = q.gpus() != null ? q.gpus() : devs;
            } else { // another GPU at the measured MFU
                GpuSpec g = GpuSpec.require(q.gpu(), "--gpu");
                device = g.name();
                peak = g.requirePeak(dtype, "--dtype");
                peakSource = g.source();
                if (q.mfu() != null) {
                    mfu = q.mfu();
                    mfuNote = "--mfu";
                } else if (Double.isFinite(runMfu)) {
                    mfu = runMfu;
                    mfuNote = "measured in the run";
                } else {
                    mfu = DEFAULT_MFU;
                    mfuNote = "default (the run has no MFU)";
                }
                rate = peak * mfu;
                gpus = q.gpus() != null ? q.gpus() : DEFAULT_GPUS;
            }
        } else {
            GpuSpec g = GpuSpec.require(q.gpu() == null ? DEFAULT_GPU : q.gpu(), "--gpu");
            device = g.name();
            peak = g.requirePeak(dtype, "--dtype");
            peakSource = g.source();
            mfu = q.mfu() == null ? DEFAULT_MFU : q.mfu();
            mfuNote = q.mfu() == null ? "default" : "--mfu";
            rate = peak * mfu;
            gpus = q.gpus() != null ? q.gpus() : DEFAULT_GPUS;
        }
        double gpuSeconds = flops / rate;
        CostEstimate est = new CostEstimate(flops, peak, gpus, mfu, q.price(), gpuSeconds / 3600, gpuSeconds / gpus,
                gpuSeconds / 3600 * q.price());
        return new CostReport(params, flopsParams, arch, attention ? layers : 0, attention ? d : 0, attention ? ctx : 0,
                tokens, tokensNote, fpt, flops, formula, device, dtype.id(), peak, peakSource, mfu, mfuNote, rate, est,
                measured);
    }

    private static Dtype runDtype(String recorded, Dtype dflt) {
        try {
            return recorded == null ? dflt : Dtype.parse(recorded, "training.json dtype");
        } catch (UserException e) {
            return dflt;
        }
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    /** A whole number as a JSON integer, anything else as a double. */
    private static void num(JsonObject o, String k, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 9e15) {
            o.addProperty(k, (long) v);
        } else {
            o.addProperty(k, v);
        }
    }

    /** {@code llm cost --json}: the report as one object (snake_case keys; the shape's keys null when unknown). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        num(o, "params", params());
        num(o, "flops_params", flopsParams());
        if (arch() != null) {
            o.addProperty("arch", arch());
        }
        boolean shape = nLayer() > 0; // null, not 0, when the attention term was left out (shape unknown)
        o.addProperty("n_layer", shape ? nLayer() : null);
        o.addProperty("d_model", shape ? attnDim() : null);
        o.addProperty("ctx", shape ? ctx() : null);
        num(o, "tokens", tokens());
        o.addProperty("tokens_note", tokensNote());
        o.addProperty("tokens_per_param", tokens() / params());
        o.addProperty("flops_per_token", flopsPerToken());
        o.addProperty("flops", flops());
        o.addProperty("formula", formula());
        o.addProperty("device", device());
        o.addProperty("dtype", dtype());
        o.addProperty("peak_flops", peakPerGpu());
        o.addProperty("peak_source", peakSource());
        o.addProperty("gpus", estimate().gpus());
        if (Double.isFinite(mfu())) {
            o.addProperty("mfu", mfu());
        }
        o.addProperty("mfu_note", mfuNote());
        o.addProperty("flops_per_second_per_gpu", flopsPerSecondPerGpu());
        o.addProperty("gpu_hours", estimate().gpuHours());
        o.addProperty("wall_seconds", estimate().wallSeconds());
        o.addProperty("price_per_gpu_hour", estimate().pricePerGpuHour());
        o.addProperty("dollars", estimate().dollars());
        if (run() != null) {
            JsonObject m = new JsonObject();
            m.addProperty("dir", run().dir());
            m.addProperty("device", run().device());
            m.addProperty("device_count", run().deviceCount());
            m.addProperty("tokens_per_s", run().tokensPerSecond());
            if (Double.isFinite(run().mfu())) {
                m.addProperty("mfu", run().mfu());
            }
            m.addProperty("flops_per_token", run().flopsPerToken());
            m.addProperty("tokens_seen", run().tokensSeen());
            m.addProperty("seconds", run().seconds());
            o.add("run", m);
        }
        return o;
    }
}
