package llm.run;

import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import llm.compute.CostReport;
import llm.compute.Quantity;
import llm.compute.RunMetrics;
import llm.compute.TrainingRun;
import llm.engine.Dtype;
import llm.engine.GpuSpec;
import llm.model.ModelConfig;
import llm.model.Models;

/**
 * The {@code llm cost} options as given, before any check (the picocli parse result). {@link #request()}
 * validates them and reads the files they name. Built with {@link #builder()} so that each value is named where it
 * is set.
 *
 * @param params parameter count as given, e.g. 1.6B, or null (--params)
 * @param model a release directory, config.json or llama2.c .bin, or null (--model)
 * @param fromRun a training run's directory, or null (--from-run)
 * @param tokens training tokens as given, e.g. 100B, or null (--tokens)
 * @param tokensPerParam tokens per parameter as given, or null (--tokens-per-param)
 * @param layers layers for the attention term with params, or null (--layers)
 * @param dModel model width for the attention term with params, or null (--d-model)
 * @param ctx training sequence length, or null for the model's (--ctx)
 * @param gpu a {@link GpuSpec} id, or null (--gpu)
 * @param gpus data-parallel GPUs, or null (--gpus)
 * @param dtype matmul format of the peak, or null (--dtype)
 * @param mfu model FLOPs utilization in (0, 1], or null (--mfu)
 * @param price dollars per GPU-hour, or null for the default (--price)
 */
public record CostFlags(String params,
                       Path model,
                       Path fromRun,
                       String tokens,
                       String tokensPerParam,
                       Integer layers,
                       Integer dModel,
                       Integer ctx,
                       String gpu,
                       Integer gpus,
                       String dtype,
                       Double mfu,
                       Double price) {

    public static Builder builder() {
        return new Builder();
    }

    /** The checked request: quantities parsed, the model's shape and the run's record read (exit 2 / 1 on bad ones). */
    public CostReport.Request request() {
        check();
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

    /** The options' own constraints, before any is parsed (exit 2). */
    private void check() {
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
    }

    private static void positive(Integer v, String flag) {
        if (v != null && v <= 0) {
            throw UserException.usage(flag + " must be greater than 0, not " + v);
        }
    }

    /** Sets each value by name; {@link #build()} makes the record. */
    public static final class Builder {
        private String params;
        private Path model;
        private Path fromRun;
        private String tokens;
        private String tokensPerParam;
        private Integer layers;
        private Integer dModel;
        private Integer ctx;
        private String gpu;
        private Integer gpus;
        private String dtype;
        private Double mfu;
        private Double price;

        private Builder() {
        }

        public Builder params(String value) {
            params = value;
            return this;
        }

        public Builder model(Path value) {
            model = value;
            return this;
        }

        public Builder fromRun(Path value) {
            fromRun = value;
            return this;
        }

        public Builder tokens(String value) {
            tokens = value;
            return this;
        }

        public Builder tokensPerParam(String value) {
            tokensPerParam = value;
            return this;
        }

        public Builder layers(Integer value) {
            layers = value;
            return this;
        }

        public Builder dModel(Integer value) {
            dModel = value;
            return this;
        }

        public Builder ctx(Integer value) {
            ctx = value;
            return this;
        }

        public Builder gpu(String value) {
            gpu = value;
            return this;
        }

        public Builder gpus(Integer value) {
            gpus = value;
            return this;
        }

        public Builder dtype(String value) {
            dtype = value;
            return this;
        }

        public Builder mfu(Double value) {
            mfu = value;
            return this;
        }

        public Builder price(Double value) {
            price = value;
            return this;
        }

        public CostFlags build() {
            return new CostFlags(params, model, fromRun, tokens, tokensPerParam, layers, dModel, ctx, gpu, gpus, dtype, mfu, price);
        }
    }
}
