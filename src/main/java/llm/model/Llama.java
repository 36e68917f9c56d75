package llm.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The Llama shape — Llama, Qwen2, Mistral: RMSNorm, RoPE (HF's rotate-half layout; llama2.c checkpoints are
 * permuted on load), SwiGLU MLP, grouped-query attention, optional untied head; Qwen2's q/k/v biases, Mistral's
 * head size apart from the width, and sliding attention windows ({@link ModelConfig#windows}).
 */
public final class Llama extends LanguageModel {
    private final NDArray embed; // (V, C)
    private final Block[] layers;

    private record Block(NDArray attnNorm, // (C)
            NDArray wq, NDArray wk, NDArray wv, NDArray wo, // (Q, C), (kv, C), (kv, C), (C, Q); Q = heads · hd
            NDArray bq, NDArray bk, NDArray bv, // (Q), (kv), (kv) with qkvBias, else null
            NDArray ffnNorm, // (C)
            NDArray gate, NDArray up, NDArray down) {} // (F, C), (F, C), (C, F)

    Llama(ModelConfig config, List<Parameter> parameters) {
        super(config, parameters);
        embed = w("model.embed_tokens.weight");
        layers = blocks("model.layers.", Block[]::new, p -> new Block(w(p + "input_layernorm.weight"),
                w(p + "self_attn.q_proj.weight"), w(p + "self_attn.k_proj.weight"), w(p + "self_attn.v_proj.weight"),
                w(p + "self_attn.o_proj.weight"), bias(p + "self_attn.q_proj.bias"),
                bias(p + "self_attn.k_proj.bias"), bias(p + "self_attn.v_proj.bias"),
                w(p + "post_attention_layernorm.weight"),
                w(p + "mlp.gate_proj.weight"), w(p + "mlp.up_proj.weight"), w(p + "mlp.down_proj.weight")));
    }

    private NDArray bias(String name) {
        return config.qkvBias() ? w(name) : null;
    }

    @Override
    protected NDArray hidden(NDArray ids, KvCache cache, int pos) {
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        int nh = config.nHead(), nkv = config.nKvHead(), hd = config.headDim();
        float eps = config.normEps();
        NDArray[] rope = Layers.ropeTables(ids.getManager(), pos, (int) t, config.ropeInverseFrequencies()); // (T, hd) ×2
        NDArray x = Layers.embed(ids, embed); // (B, T, C)
        Masks masks = new Masks(ids.getManager(), config, (int) t, pos);
        for (int l = 0; l < layers.length; l++) {
            Block blk = layers[l];
            try (BlockScope scope = BlockScope.open(x, cache != null)) { // (decoding: freed per block)
                x = scope.enter(x);
                NDArray a = Layers.rmsNorm(x, blk.attnNorm, eps);
                // q (B, H, T, hd); k, v (B, Hkv, T, hd)
                NDArray q = Layers.linear(cache, a, blk.wq, blk.bq).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
                NDArray k = Layers.linear(cache, a, blk.wk, blk.bk).reshape(b, t, nkv, hd).transpose(0, 2, 1, 3);
                NDArray v = Layers.linear(cache, a, blk.wv, blk.bv).reshape(b, t, nkv, hd).transpose(0, 2, 1, 3);
                q = Layers.rope(q, rope[0], rope[1]);
                k = Layers.rope(k, rope[0], rope[1]);
                if (cache != null) {
                    NDArray[] kv = cache.update(l, k, v, ids.getManager());
                    k = kv[0];
                    v = kv[1];
                }
                NDArray y = masks.attention(l, q, k, v); // (B, T, Q)
                x = x.add(Layers.linear(cache, y, blk.wo, null));
                NDArray m = Layers.rmsNorm(x, blk.ffnNorm, eps);
                NDArray gated = Layers.silu(Layers.linear(cache, m, blk.gate, null))
                        .mul(Layers.linear(cache, m, blk.up, null));
                x = x.add(Layers.linear(cache, gated, blk.down, null));
                x = scope.leave(x);
            }
        }
        return x;
    }
}
