package llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import llm.UserException;

/**
 * A training checkpoint: one safetensors file holding the weights ({@code model.NAME}), the AdamW moments
 * ({@code optim.exp_avg.NAME}, {@code optim.exp_avg_sq.NAME}) and, in its metadata, the loop's {@link State}
 * (step, tokens, data position, seed, clocks). Written atomically: a crash mid-write keeps the previous checkpoint.
 * fp32 values are stored bit for bit, so a resumed run continues exactly.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.safetensors";
    private static final Gson GSON = new Gson();

    /**
     * The loop's position.
     *
     * @param step         optimizer steps done
     * @param tokens       training tokens seen
     * @param trainSeconds time spent in training steps (excluding evaluation and checkpoints)
     * @param wallSeconds  wall time of the run so far
     * @param data         the training stream's {@link llm.data.Batches#state()}
     * @param seed         the run's seed
     * @param lastLoss     train loss of the last step
     * @param lastValLoss  last validation loss (NaN if none yet)
     */
    public record State(long step, long tokens, double trainSeconds, double wallSeconds, String data, long seed,
                        double lastLoss, double lastValLoss) {}

    private Checkpoint() {}

    public static void save(Path file, Map<String, NDArray> params, AdamW opt, State state) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        params.forEach((k, a) -> tensors.put("model." + k, a));
        opt.stateTensors().forEach((k, a) -> tensors.put("optim." + k, a));
        TensorFile.write(file, tensors, Map.of("llm.train.state", GSON.toJson(stateJson(state))));
    }

    /**
     * Copy a checkpoint's weights and optimizer moments into {@code params} and {@code opt} (in place) and return
     * its state. Temporaries live in {@code scope}.
     */
    public static State load(Path file, Map<String, NDArray> params, AdamW opt, NDManager scope) {
        if (!Files.isRegularFile(file)) {
            throw UserException.runtime(file + ": no checkpoint here (is this the --out of a training run?)");
        }
        TensorFile.Contents c = TensorFile.read(file, scope);
        State s = state(c.metadata().get("llm.train.state"), file);
        Map<String, NDArray> optim = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : c.tensors().entrySet()) {
            if (e.getKey().startsWith("optim.")) {
                optim.put(e.getKey().substring("optim.".length()), e.getValue());
            }
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray src = c.tensors().get("model." + e.getKey());
            if (src == null || !src.getShape().equals(e.getValue().getShape())) {
                throw UserException.runtime(file + ": weight " + e.getKey() + " is missing or has another shape"
                        + " (was the checkpoint written for this model?)");
            }
            e.getValue().set(new NDIndex("..."), src.toDevice(e.getValue().getDevice(), false));
        }
        opt.load(optim, s.step());
        return s;
    }

    private static Map<String, Object> stateJson(State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", s.step());
        m.put("tokens", s.tokens());
        m.put("train_seconds", s.trainSeconds());
        m.put("wall_seconds", s.wallSeconds());
        m.put("data", s.data());
        m.put("seed", Long.toString(s.seed()));
        m.put("last_loss", Double.isFinite(s.lastLoss()) ? s.lastLoss() : null);
        m.put("last_val_loss", Double.isFinite(s.lastValLoss()) ? s.lastValLoss() : null);
        return m;
    }

    private static State state(String json, Path file) {
        if (json == null) {
            throw UserException.runtime(file + ": not a training checkpoint (no llm.train.state metadata)");
        }
        try {
            com.google.gson.JsonObject o = GSON.fromJson(json, com.google.gson.JsonObject.class);
            return new State(o.get("step").getAsLong(), o.get("tokens").getAsLong(),
                    o.get("train_seconds").getAsDouble(), o.get("wall_seconds").getAsDouble(),
                    o.get("data").getAsString(), Long.parseLong(o.get("seed").getAsString()),
                    num(o, "last_loss"), num(o, "last_val_loss"));
        } catch (JsonParseException | NullPointerException | IllegalStateException | NumberFormatException e) {
            throw UserException.runtime(file + ": malformed checkpoint state: " + e.getMessage());
        }
    }

    private static double num(com.google.gson.JsonObject o, String k) {
        return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsDouble() : Double.NaN;
    }
}
