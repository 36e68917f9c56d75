package llm.model;

import ai.djl.ndarray.NDArray;
import java.util.function.Function;

/**
 * The MLP sub-block of the GPT-2 shape (GPT-2, GPT-Neo, GPT-NeoX) with the LayerNorm before it:
 * {@code proj(gelu(fc(ln(x))))}, GELU exact or tanh as the config says.
 */
record GeluMlp(NDArray lnW, NDArray lnB, // (C)
        NDArray fcW, NDArray fcB, // (F, C), (F)
        NDArray projW, NDArray projB) { // (C, F), (C)

    /** The weights named {@code ln + "weight"}, {@code fc + "bias"}, ... (each prefix ends with its dot). */
    static GeluMlp of(Function<String, NDArray> w, String ln, String fc, String proj) {
        return new GeluMlp(w.apply(ln + "weight"), w.apply(ln + "bias"), w.apply(fc + "weight"), w.apply(fc + "bias"),
                w.apply(proj + "weight"), w.apply(proj + "bias"));
    }

    /**
     * (B, T, C) -> (B, T, C), not yet added to the residual stream; cache: as
     * {@link Layers#linear(KvCache, NDArray, NDArray, NDArray)}.
     */
    NDArray apply(NDArray x, ModelConfig config, KvCache cache) {
        NDArray h = Layers.linear(cache, Layers.layerNorm(x, lnW, lnB, config.normEps()), fcW, fcB);
        h = config.activation() == Activation.GELU ? Layers.geluErf(h) : Layers.geluTanh(h);
        return Layers.linear(cache, h, projW, projB);
    }
}
