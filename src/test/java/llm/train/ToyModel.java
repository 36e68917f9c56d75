package llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A tiny trainable model for loop tests: logits = tanh(wte[ids] + wpe) · W + b. No attention, no llm.model. */
final class ToyModel implements TrainModel {
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final int vocab;

    ToyModel(NDManager m, int vocab, int dim, int ctx, long seed) {
        this.vocab = vocab;
        Random r = new Random(seed);
        params.put("wte.weight", m.create(gauss(r, vocab * dim), new Shape(vocab, dim)));
        params.put("wpe.weight", m.create(gauss(r, ctx * dim), new Shape(ctx, dim)));
        params.put("head.weight", m.create(gauss(r, dim * vocab), new Shape(dim, vocab)));
        params.put("head.bias", m.zeros(new Shape(vocab)));
    }

    private static float[] gauss(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (0.1 * r.nextGaussian());
        }
        return a;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    @Override
    public NDArray forward(NDArray ids) {
        long t = ids.getShape().get(1);
        NDArray x = Embedding.embedding(ids, params.get("wte.weight"), SparseFormat.DENSE).singletonOrThrow(); // (B, T, C)
        x = x.add(params.get("wpe.weight").get("0:" + t)).tanh();
        return x.matMul(params.get("head.weight")).add(params.get("head.bias"));                 // (B, T, V)
    }

    @Override
    public int vocabSize() {
        return vocab;
    }
}
