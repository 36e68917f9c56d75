package llm.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * GPT-Neo: GPT-2's blocks with learned positions and a GELU MLP, but q/k/v as three bias-free projections, scores
 * not divided by √hd (as the original Mesh-TensorFlow model), and local layers that see only the last
 * {@code window_size} positions ({@link ModelConfig#windows}); tied head.
 */
public final class GptNeo extends LanguageModel {
    private final NDArray wte; // (V, C)
    private final NDArray wpe; // (ctx, C)
    private final Block[] h;

    private record Block(NDArray ln1w, NDArray ln1b, // (C)
            NDArray wq, NDArray wk, NDArray wv, // (C, C) each, no bias
            NDArray outW, NDArray outB, // (C, C), (C)
            GeluMlp mlp) {}

    GptNeo(ModelConfig config, List<Parameter> parameters) {
        super(config, parameters);
        wte = w("transformer.wte.weight");
        wpe = w("transformer.wpe.weight");
        h = blocks("transformer.h.", Block[]::new, p -> {
            String a = p + "attn.attention.";
            return new Block(w(p + "ln_1.weight"), w(p + "ln_1.bias"), w(a + "q_proj.weight"), w(a + "k_proj.weight"),
                    w(a + "v_proj.weight"), w(a + "out_proj.weight"), w(a + "out_proj.bias"),
                    GeluMlp.of(this::w, p + "ln_2.", p + "mlp.c_fc.", p + "mlp.c_proj."));
        });
    }

    @Override
    protected NDArray hidden(NDArray ids, KvCache cache, int pos) {
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        int nh = config.nHead(), hd = config.headDim();
        float eps = config.normEps();
        NDArray x = Layers.embed(ids, wte, wpe, pos); // (B, T, C)
        Masks masks = new Masks(ids.getManager(), config, (int) t, pos);
        for (int l = 0; l < h.length; l++) {
            Block blk = h[l];
            try (BlockScope scope = BlockScope.open(x, cache != null)) { // (decoding: freed per block)
                x = scope.enter(x);
                NDArray a = Layers.layerNorm(x, blk.ln1w, blk.ln1b, eps);
                // (B, H, T, hd)
                NDArray q = Layers.linear(cache, a, blk.wq, null).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
                NDArray k = Layers.linear(cache, a, blk.wk, null).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
                NDArray v = Layers.linear(cache, a, blk.wv, null).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
                if (cache != null) {
                    NDArray[] kv = cache.update(l, k, v, ids.getManager());
                    k = kv[0];
                    v = kv[1];
                }
                x = x.add(Layers.linear(cache, masks.attention(l, q, k, v), blk.outW, blk.outB));
                x = x.add(blk.mlp.apply(x, config, cache));
                x = scope.leave(x);
            }
        }
        return x;
    }
}
