package llm.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * A RoPE frequency scaling, as HuggingFace's {@code rope_scaling} config key describes it: {@code linear}
 * (position interpolation: every frequency divided by {@code factor}) or {@code llama3} (Llama 3.1+: wavelengths
 * longer than {@code originalMaxPositions / lowFreqFactor} divided by {@code factor}, shorter than
 * {@code originalMaxPositions / highFreqFactor} kept, those between blended smoothly). Neither changes the attention
 * scale. Other types (dynamic, yarn, longrope) are rejected when the config is read.
 *
 * @param type                 "linear" or "llama3"
 * @param factor               how much longer the context became
 * @param lowFreqFactor        llama3 only
 * @param highFreqFactor       llama3 only
 * @param originalMaxPositions llama3 only: the context the model was pretrained at
 */
public record RopeScaling(String type, float factor, float lowFreqFactor, float highFreqFactor,
                          int originalMaxPositions) {
    public RopeScaling {
        if (!type.equals("linear") && !type.equals("llama3")) {
            throw new IllegalArgumentException("rope_scaling type '" + type + "' is not supported (linear, llama3)");
        }
        if (!(factor >= 1) || Float.isInfinite(factor)) {
            throw new IllegalArgumentException("rope_scaling factor must be a number >= 1, not " + factor);
        }
        if (type.equals("llama3") && !(highFreqFactor > lowFreqFactor && lowFreqFactor > 0 && originalMaxPositions > 0)) {
            throw new IllegalArgumentException("rope_scaling llama3 needs high_freq_factor > low_freq_factor > 0 and"
                    + " original_max_position_embeddings > 0");
        }
    }

    /**
     * The inverse frequencies θ_i = 1 / theta^(2i / headDim), i &lt; headDim / 2, in float as llama2.c and HF compute
     * them, then scaled ({@code scaling} null: unscaled).
     */
    public static float[] inverseFrequencies(int headDim, float theta, RopeScaling scaling) {
        float[] f = new float[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (1.0 / Math.pow(theta, (2 * i) / (float) headDim));
            if (scaling != null) {
                f[i] = scaling.scale(f[i]);
            }
        }
        return f;
    }

    /** One scaled inverse frequency (HF's {@code _compute_llama3_parameters} / linear), in float. */
    float scale(float inv) {
        if (type.equals("linear")) {
            return inv / factor;
        }
        float lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        float highFreqWavelen = originalMaxPositions / highFreqFactor;
        float wavelen = (float) (2 * Math.PI / inv);
        if (wavelen < highFreqWavelen) {
            return inv;
        }
        if (wavelen > lowFreqWavelen) {
            return inv / factor;
        }
        float smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * inv / factor + smooth * inv;
    }

    /** From HF's {@code rope_scaling} object; null for JSON null or type "default". */
    static RopeScaling fromHfJson(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("rope_scaling is not an object: " + e);
        }
        JsonObject o = e.getAsJsonObject();
        JsonElement t = o.has("rope_type") ? o.get("rope_type") : o.get("type");
        String type = t == null || t.isJsonNull() ? null : t.getAsString().toLowerCase(Locale.ROOT);
        if (type == null) {
            throw new IllegalArgumentException("rope_scaling has no rope_type");
        }
        if (type.equals("default")) {
            return null;
        }
        if (!type.equals("linear") && !type.equals("llama3")) {
            throw new IllegalArgumentException("rope_scaling type '" + type + "' is not supported (linear, llama3)");
        }
        float factor = number(o, "factor");
        if (type.equals("linear")) {
            return new RopeScaling(type, factor, 0, 0, 0);
        }
        return new RopeScaling(type, factor, number(o, "low_freq_factor"), number(o, "high_freq_factor"),
                (int) number(o, "original_max_position_embeddings"));
    }

    JsonObject toHfJson() {
        JsonObject o = new JsonObject();
        o.addProperty("rope_type", type);
        o.addProperty("factor", factor);
        if (type.equals("llama3")) {
            o.addProperty("low_freq_factor", lowFreqFactor);
            o.addProperty("high_freq_factor", highFreqFactor);
            o.addProperty("original_max_position_embeddings", originalMaxPositions);
        }
        return o;
    }

    private static float number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("rope_scaling: missing " + key);
        }
        try {
            return e.getAsFloat();
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException ex) {
            throw new IllegalArgumentException("rope_scaling: " + key + " is not a number: " + e);
        }
    }

    @Override
    public String toString() {
        return type.equals("linear") ? String.format(Locale.ROOT, "linear x%s", factor)
                : String.format(Locale.ROOT, "llama3 x%s (low %s, high %s, original context %d)", factor,
                        lowFreqFactor, highFreqFactor, originalMaxPositions);
    }
}
