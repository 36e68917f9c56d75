package llm.compute;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import llm.UserException;
import llm.engine.DevicePeak;
import llm.engine.Dtype;
import llm.io.AtomicFile;
import llm.io.JsonProblem;
import llm.model.ModelConfig;

/**
 * What a training run did, as {@code llm train} writes it to {@code training.json} in the run / release directory
 * (rewritten at each checkpoint and at the end) and {@code llm cost --from-run} and {@code llm info} read it.
 * JSON field names are the snake_case forms of the component names ({@code tokens_seen}, {@code final_val_loss}).
 * Unknown fields are ignored on reading, missing numbers read as 0 and missing objects as null, so the file can grow.
 *
 * @param arch               "gpt2" or "llama"
 * @param params             all parameters, a tied head counted once
 * @param nonEmbeddingParams params without token/position embeddings (Kaplan's N)
 * @param nLayer             layers
 * @param nEmbd              residual width d
 * @param nHead              attention heads
 * @param vocabSize          vocabulary size
 * @param seqLen             training context T
 * @param tokensSeen         training tokens consumed so far (all devices)
 * @param steps              optimizer steps done
 * @param batchTokens        tokens per optimizer step (B·T·accumulation, B the global batch over all devices)
 * @param seconds            wall-clock seconds of training (excluding evaluation is the trainer's choice; say so)
 * @param device             device name ("NVIDIA H100 80GB HBM3", "cpu")
 * @param deviceCount        devices used data-parallel
 * @param dtype              "fp32", "bf16", "fp16", "tf32"
 * @param peakFlops          peak FLOP/s of ONE device that MFU is measured against
 * @param peakSource         where peakFlops comes from (datasheet, measured matmul, estimate)
 * @param flopsPerToken      training FLOPs per token, {@link Flops#perToken(ModelConfig)}
 * @param tokensPerSecond    measured training throughput (all devices)
 * @param achievedFlops      tokensPerSecond × flopsPerToken (FLOP/s, all devices)
 * @param mfu                achievedFlops / (peakFlops × deviceCount)
 * @param finalTrainLoss     last train loss (nats/token), null if none
 * @param finalValLoss       last validation loss, null if none
 * @param seed               the run's seed
 * @param data               the data mixture as used
 * @param extra              anything else the trainer wants to record (e.g. upsampled articles)
 */
public record TrainingRun(String arch, long params, long nonEmbeddingParams, int nLayer, int nEmbd, int nHead,
        int vocabSize, int seqLen, long tokensSeen, long steps, long batchTokens, double seconds, String device,
        int deviceCount, String dtype, double peakFlops, String peakSource, double flopsPerToken,
        double tokensPerSecond, double achievedFlops, Double mfu, Double finalTrainLoss, Double finalValLoss,
        Long seed, List<DataSource> data, JsonObject extra) {

    public static final String FILE = "training.json";

    /** JSON with snake_case names, as in training.json. */
    public static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .disableHtmlEscaping()
            .serializeNulls() // a field without a value is there as null (final_val_loss of a run without validation)
            .setPrettyPrinting()
            .create();

    /**
     * One source of the data mixture.
     *
     * @param spec       as given ({@code wiki.txt:10})
     * @param path       the file, directory or archive
     * @param weight     passes per epoch of the mixture
     * @param documents  documents read (one pass)
     * @param tokens     tokens (one pass, including end-of-text separators)
     * @param role       "train", "val", or "unused" (a training source too short for one window: 0 tokens)
     */
    public record DataSource(String spec, String path, double weight, long documents, long tokens, String role) {}

    /**
     * A run record from the model's shape and the measured numbers; derives flops per token, achieved FLOP/s and MFU.
     * {@code peak} may be null when the device's peak is unknown (then MFU is null).
     */
    public static TrainingRun of(ModelConfig shape, long tokensSeen, long steps, long batchTokens, double seconds,
            String device, int deviceCount, Dtype dtype, DevicePeak peak, Double finalTrainLoss, Double finalValLoss,
            Long seed, List<DataSource> data, JsonObject extra) {
        double fpt = Flops.perToken(shape);
        double tps = seconds > 0 ? tokensSeen / seconds : 0;
        double achieved = tps * fpt;
        Double mfu = peak == null || peak.flops() <= 0 || seconds <= 0 ? null
                : Flops.mfu(tps, fpt, peak.flops(), deviceCount);
        return new TrainingRun(shape.arch().modelType(), shape.parameterCount(), shape.nonEmbeddingParams(),
                shape.nLayer(), shape.dModel(), shape.nHead(), shape.vocabSize(), shape.ctx(), tokensSeen, steps, batchTokens, seconds, device,
                deviceCount, dtype.id(), peak == null ? 0 : peak.flops(), peak == null ? null : peak.source(), fpt, tps,
                achieved, mfu, finalTrainLoss, finalValLoss, seed, data, extra);
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static TrainingRun fromJson(String json, String name) {
        try {
            JsonElement tree = JsonParser.parseString(json);
            if (tree.isJsonNull()) {
                throw UserException.runtime(name + ": empty");
            }
            if (tree.isJsonObject()) { // written with nulls (no value): read them as absent, whatever the field's type
                tree.getAsJsonObject().entrySet().removeIf(e -> e.getValue().isJsonNull());
            }
            return GSON.fromJson(tree, TrainingRun.class);
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException e) {
            throw UserException.runtime(name + ": not a valid training.json (" + JsonProblem.describe(e) + ")");
        }
    }

    /** Read {@code training.json} from a run directory, or the file itself. */
    public static TrainingRun read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE) : dirOrFile;
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw UserException.runtime(file + ": no such file");
        } catch (IOException e) {
            throw UserException.runtime(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Write {@code dir/training.json} atomically. */
    public void write(Path dir) throws IOException {
        try (AtomicFile f = new AtomicFile(dir.resolve(FILE))) {
            Writer w = new OutputStreamWriter(f.stream(), StandardCharsets.UTF_8);
            w.write(toJson());
            w.write('\n');
            w.flush();
            f.commit();
        }
    }
}
