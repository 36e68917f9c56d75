package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/** GPT-2: learned positions, pre-LayerNorm blocks, GELU (tanh) MLP, biases, tied head. */
public final class Gpt2 extends LanguageModel {
    private final NDArray wte; // (V, C)
    private final NDArray wpe; // (ctx, C)
    private final Block[] h;

    private record Block(NDArray ln1w, NDArray ln1b, // (C)
            NDArray attnW, NDArray attnB, // (3C, C), (3C)
            NDArray projW, NDArray projB, // (C, C), (C)
            GeluMlp mlp) {}

    Gpt2(ModelConfig config, List<Parameter> parameters) {
        super(config, parameters);
        wte = w("transformer.wte.weight");
        wpe = w("transformer.wpe.weight");
        h = blocks("transformer.h.", Block[]::new, p -> new Block(w(p + "ln_1.weight"), w(p + "ln_1.bias"),
                w(p + "attn.c_attn.weight"), w(p + "attn.c_attn.bias"), w(p + "attn.c_proj.weight"),
                w(p + "attn.c_proj.bias"), GeluMlp.of(this::w, p + "ln_2.", p + "mlp.c_fc.", p + "mlp.c_proj.")));
    }

    @Override
    protected NDArray hidden(NDArray ids, KvCache cache, int pos) {
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        int nh = config.nHead(), hd = config.headDim();
        float eps = config.normEps();
        NDArray x = Layers.embed(ids, wte, wpe, pos); // (B, T, C)
        NDArray mask = t > 1 ? Layers.causalMask(ids.getManager(), (int) t, (int) (pos + t), pos) : null; // (T, S)
        for (int l = 0; l < h.length; l++) {
            Block blk = h[l];
            try (BlockScope scope = BlockScope.open(x, cache != null)) { // (decoding: freed per block)
                x = scope.enter(x);
                NDArray a = Layers.layerNorm(x, blk.ln1w, blk.ln1b, eps);
                NDArray qkv = Layers.linear(cache, a, blk.attnW, blk.attnB); // (B, T, 3C)
                // 3 × (1, B, H, T, hd)
                NDList parts = qkv.reshape(b, t, 3, nh, hd).transpose(2, 0, 3, 1, 4).split(3, 0);
                NDArray q = parts.get(0).squeeze(0);
                NDArray k = parts.get(1).squeeze(0);
                NDArray v = parts.get(2).squeeze(0);
                if (cache != null) {
                    NDArray[] kv = cache.update(l, k, v, ids.getManager());
                    k = kv[0];
                    v = kv[1];
                }
                NDArray y = Layers.attention(q, k, v, mask); // (B, T, C)
                x = x.add(Layers.linear(cache, y, blk.projW, blk.projB));
                x = x.add(blk.mlp.apply(x, config, cache)); // GELU's tanh form: GPT-2's only activation
                x = scope.leave(x);
            }
        }
        return x;
    }
}
