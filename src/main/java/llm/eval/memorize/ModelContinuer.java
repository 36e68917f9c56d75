package llm.eval.memorize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import llm.engine.Engines;
import llm.model.KvCache;
import llm.model.LanguageModel;

/**
 * Batched continuation on a {@link LanguageModel}: one prefill forward over the B prompts, then one forward of
 * (B, 1) per generated token through a {@link KvCache}. Only the last position's logits (B, V) come back to Java.
 */
public final class ModelContinuer implements Continuer {
    private final LanguageModel model;
    private final NDManager root;

    public ModelContinuer(LanguageModel model, NDManager root) {
        this.model = model;
        this.root = root;
    }

    @Override
    public int maxLength() {
        return model.config().ctx();
    }

    @Override
    public int[][] continueBatch(int[][] prompts, int steps, Picker picker) {
        int b = prompts.length;
        int p = prompts[0].length;
        int v = model.config().vocabSize();
        int[][] out = new int[b][steps];
        if (steps == 0) {
            return out;
        }
        int[] flat = new int[b * p];
        for (int i = 0; i < b; i++) {
            if (prompts[i].length != p) {
                throw new IllegalArgumentException("prompts of one batch must have one length");
            }
            System.arraycopy(prompts[i], 0, flat, i * p, p);
        }
        try (NDManager scope = Engines.step(root);
                KvCache cache = model.newCache(scope, b, p + steps - 1)) {
            float[] logits;
            try (NDManager step = Engines.step(scope)) {
                NDArray ids = step.create(flat, new Shape(b, p)); // (B, P)
                logits = model.forward(ids, cache, true).toFloatArray(); // (B, 1, V)
            }
            int[] next = new int[b];
            float[] row = new float[v];
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < b; i++) {
                    System.arraycopy(logits, i * v, row, 0, v);
                    next[i] = picker.pick(i, row);
                    out[i][t] = next[i];
                }
                if (t + 1 < steps) {
                    try (NDManager step = Engines.step(scope)) {
                        NDArray ids = step.create(next, new Shape(b, 1)); // (B, 1)
                        logits = model.forward(ids, cache, true).toFloatArray(); // (B, 1, V)
                    }
                }
            }
        }
        return out;
    }
}
