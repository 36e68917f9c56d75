package llm.run;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import llm.compute.TrainingRun;
import llm.engine.DataParallelDevices;
import llm.engine.DeviceFacts;
import llm.engine.DevicePeak;
import llm.engine.Dtype;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.model.Release;
import llm.tokenizer.Tokenizer;
import llm.train.Trainer;

/**
 * Writes the release (config.json, model.safetensors, tokenizer.json) and training.json, at the end of a run and at
 * each checkpoint.
 *
 * @param out        the run's directory
 * @param shape      the model, as the cost model sees it
 * @param stepTokens tokens per optimizer step
 * @param device     the first replica's device
 * @param replicas   one device per replica
 * @param peak       the peak MFU is measured against (one device's)
 * @param mixture    the data sources
 * @param seed       the run's seed
 */
record ReleaseRecord(Path out, ModelConfig shape, long stepTokens, Device device, List<Device> replicas,
                     DevicePeak peak, List<TrainingRun.DataSource> mixture, long seed) {
    /** A file a recipe may leave in --out; its JSON goes into training.json as "recipe". */
    private static final String RECIPE_NOTES = "recipe-notes.json";

    void write(LanguageModel model, Tokenizer tokenizer, Path tokenizerFile, Trainer.Result result)
            throws IOException {
        JsonObject extra = new JsonObject();
        tokenizer.eos().ifPresent(id -> {
            extra.addProperty("bos_token_id", id);
            extra.addProperty("eos_token_id", id);
        });
        Release.write(out, model, tokenizerFile, extra);
        TrainingRun run = TrainingRun.of(shape, result.tokens(), result.steps(), stepTokens, result.trainSeconds(),
                device.isGpu() ? DeviceFacts.gpuName(device) : "cpu", DataParallelDevices.distinct(replicas),
                Dtype.FP32, peak, Double.isFinite(result.finalLoss()) ? result.finalLoss() : null,
                Double.isFinite(result.finalValLoss()) ? result.finalValLoss() : null, seed, mixture,
                more(tokenizer, result));
        run.write(out);
    }

    /** training.json's fields beyond the cost model's: timings, memory, tokenizer, devices, recipe notes. */
    private JsonObject more(Tokenizer tokenizer, Trainer.Result result) throws IOException {
        JsonObject more = new JsonObject();
        more.addProperty("wall_seconds", result.wallSeconds());
        more.addProperty("seconds_note", "seconds counts training steps only; wall_seconds adds evaluation,"
                + " checkpoints and start-up");
        more.addProperty("interrupted", result.interrupted());
        JsonObject phases = new JsonObject();
        result.times().seconds().forEach((phase, seconds) -> phases.addProperty(phase,
                Math.round(seconds * 1000) / 1000.0));
        more.add("step_seconds_by_phase", phases);
        long rss = DeviceFacts.peakRssBytes();
        if (rss > 0) {
            more.addProperty("peak_rss_bytes", rss);
        }
        more.addProperty("tokenizer", tokenizer.name());
        JsonArray used = new JsonArray();
        replicas.forEach(replica -> used.add(Engines.describe(replica)));
        more.add("devices", used); // one entry per replica: ["gpu:0", "gpu:1", ...]
        Path notes = out.resolve(RECIPE_NOTES);
        if (Files.isRegularFile(notes)) {
            more.add("recipe", JsonParser.parseString(Files.readString(notes, StandardCharsets.UTF_8)));
        }
        return more;
    }
}
