package llm.train;

import com.google.gson.JsonObject;

/**
 * What one optimizer step measured: one line of {@code metrics.jsonl}. {@code valLoss} is NaN except on evaluation
 * steps; {@code mfu} is NaN when the device's peak is unknown.
 *
 * @param step       optimizer steps done (1-based: the first line has step 1)
 * @param tokens     training tokens seen so far
 * @param loss       mean training loss over this step's micro-batches (nats per token)
 * @param lr         learning rate used
 * @param gradNorm   global gradient norm before clipping
 * @param tokensPerS training throughput of this step
 * @param mfu        model FLOPs utilisation: achieved FLOP/s / the device's peak
 * @param elapsedS   training wall time so far (seconds, across resumes)
 * @param valLoss    validation loss measured after this step, or NaN
 */
public record StepMetrics(long step, long tokens, double loss, double lr, double gradNorm, double tokensPerS,
                          double mfu, double elapsedS, double valLoss) {

    /** This record with a validation loss. */
    public StepMetrics withValLoss(double v) {
        return new StepMetrics(step, tokens, loss, lr, gradNorm, tokensPerS, mfu, elapsedS, v);
    }

    /** The JSON line: stable field names, absent fields omitted (never NaN, which JSON lacks). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("step", step);
        o.addProperty("tokens", tokens);
        put(o, "loss", loss, 6);
        put(o, "lr", lr, 9);
        put(o, "grad_norm", gradNorm, 6);
        put(o, "tokens_per_s", tokensPerS, 1);
        put(o, "mfu", mfu, 5);
        put(o, "elapsed_s", elapsedS, 3);
        put(o, "val_loss", valLoss, 6);
        return o;
    }

    /** Parse a line written by {@link #toJson()} (absent numbers become NaN). */
    public static StepMetrics fromJson(JsonObject o) {
        return new StepMetrics(o.get("step").getAsLong(), o.has("tokens") ? o.get("tokens").getAsLong() : 0,
                get(o, "loss"), get(o, "lr"), get(o, "grad_norm"), get(o, "tokens_per_s"), get(o, "mfu"),
                get(o, "elapsed_s"), get(o, "val_loss"));
    }

    private static void put(JsonObject o, String name, double v, int digits) {
        if (Double.isFinite(v)) {
            o.addProperty(name, new java.math.BigDecimal(v).round(new java.math.MathContext(digits + 3)).doubleValue());
        }
    }

    private static double get(JsonObject o, String name) {
        return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsDouble() : Double.NaN;
    }
}
