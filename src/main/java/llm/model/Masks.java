package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The attention masks of one forward (T queries at positions pos .. pos+T-1 over S = pos + T keys): one per distinct
 * window of {@link ModelConfig#windows}, made when first needed, and the attention call that fits each layer.
 */
final class Masks {
    private final NDManager manager;
    private final ModelConfig config;
    private final int t;
    private final int pos;
    private final Map<Integer, NDArray> byWindow = new HashMap<>();
    private final float scale;

    Masks(NDManager manager, ModelConfig config, int t, int pos) {
        this.manager = manager;
        this.config = config;
        this.t = t;
        this.pos = pos;
        this.scale = config.scaledAttention() ? (float) (1.0 / Math.sqrt(config.headDim())) : 1f;
    }

    /** Layer l's attention: q (B, H, T, hd), k and v (B, Hkv, S, hd) → (B, T, H·hd). */
    NDArray attention(int l, NDArray q, NDArray k, NDArray v) {
        int s = pos + t;
        int w = config.window(l);
        boolean windowed = w > 0 && w < s; // a window that hides nothing is the plain causal mask
        int key = windowed ? w : 0;
        NDArray mask = byWindow.computeIfAbsent(key, x -> Layers.windowMask(manager, t, s, pos, x));
        return Layers.attention(q, k, v, mask, windowed, scale);
    }
}
