package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * GPT-NeoX (Pythia): LayerNorm with bias, a fused q/k/v projection laid out per head, RoPE on the first
 * {@link ModelConfig#rotaryDims} of each head (rotate-half), exact GELU, parallel residual
 * (x + attn(ln1 x) + mlp(ln2 x)) or the sequential one, untied {@code embed_out}.
 */
public final class GptNeoX extends LanguageModel {
    private final NDArray embed; // (V, C)
    private final Block[] layers;

    private record Block(NDArray ln1w, NDArray ln1b, // (C)
            NDArray qkvW, NDArray qkvB, // (3C, C), (3C): rows (H, 3, hd)
            NDArray denseW, NDArray denseB, // (C, C), (C)
            GeluMlp mlp) {} // post_attention_layernorm, dense_h_to_4h, dense_4h_to_h

    GptNeoX(ModelConfig config, List<Parameter> parameters) {
        super(config, parameters);
        embed = w("gpt_neox.embed_in.weight");
        layers = blocks("gpt_neox.layers.", Block[]::new, p -> new Block(w(p + "input_layernorm.weight"),
                w(p + "input_layernorm.bias"), w(p + "attention.query_key_value.weight"),
                w(p + "attention.query_key_value.bias"), w(p + "attention.dense.weight"),
                w(p + "attention.dense.bias"), GeluMlp.of(this::w, p + "post_attention_layernorm.",
                        p + "mlp.dense_h_to_4h.", p + "mlp.dense_4h_to_h.")));
    }

    @Override
    protected NDArray hidden(NDArray ids, KvCache cache, int pos) {
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        int nh = config.nHead(), hd = config.headDim(), rot = config.rotaryDims();
        float eps = config.normEps();
        NDArray[] rope = Layers.ropeTables(ids.getManager(), pos, (int) t, config.ropeInverseFrequencies()); // (T, rot)
        NDArray x = Layers.embed(ids, embed); // (B, T, C)
        Masks masks = new Masks(ids.getManager(), config, (int) t, pos);
        for (int l = 0; l < layers.length; l++) {
            Block blk = layers[l];
            try (BlockScope scope = BlockScope.open(x, cache != null)) { // (decoding: freed per block)
                x = scope.enter(x);
                NDArray a = Layers.layerNorm(x, blk.ln1w, blk.ln1b, eps);
                NDArray qkv = Layers.linear(cache, a, blk.qkvW, blk.qkvB); // (B, T, 3C)
                // per head: (B, T, H, 3, hd) -> (3, B, H, T, hd)
                NDList parts = qkv.reshape(b, t, nh, 3, hd).transpose(3, 0, 2, 1, 4).split(3, 0);
                NDArray q = Layers.ropePartial(parts.get(0).squeeze(0), rope[0], rope[1], rot);
                NDArray k = Layers.ropePartial(parts.get(1).squeeze(0), rope[0], rope[1], rot);
                NDArray v = parts.get(2).squeeze(0);
                if (cache != null) {
                    NDArray[] kv = cache.update(l, k, v, ids.getManager());
                    k = kv[0];
                    v = kv[1];
                }
                NDArray attn = Layers.linear(cache, masks.attention(l, q, k, v), blk.denseW, blk.denseB);
                if (config.parallelResidual()) {
                    x = x.add(attn).add(blk.mlp.apply(x, config, cache));
                } else {
                    x = x.add(attn);
                    x = x.add(blk.mlp.apply(x, config, cache));
                }
                x = scope.leave(x);
            }
        }
        return x;
    }
}
