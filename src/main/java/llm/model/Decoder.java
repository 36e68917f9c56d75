package llm.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Incremental decoding of B sequences that advance together (one generation, or a batch of memorize-check
 * documents with prompts of equal length): owns the {@link KvCache}, opens a scope per call, returns logits as
 * {@code float[]} rows.
 */
public final class Decoder implements AutoCloseable {
    private final LanguageModel model;
    private final NDManager manager;
    private final KvCache cache;
    private final int batch;

    /** @param capacity positions to hold (at most the model's context) */
    public Decoder(LanguageModel model, NDManager parent, int batch, int capacity) {
        this.model = model;
        this.manager = parent.newSubManager();
        this.batch = batch;
        this.cache = model.newCache(manager, batch, Math.min(capacity, model.config().ctx()));
    }

    public LanguageModel model() {
        return model;
    }

    /** Positions fed so far. */
    public int position() {
        return cache.length();
    }

    public int capacity() {
        return cache.capacity();
    }

    /** Start over (same batch size). */
    public void reset() {
        cache.reset();
    }

    /** Feed {@code ids[b]} (all rows the same length, at least 1) at the current position; logits after each row's last token. */
    public float[][] feed(int[][] ids) {
        if (ids.length != batch) {
            throw new IllegalArgumentException("batch of " + ids.length + " rows for a decoder of " + batch);
        }
        int t = ids[0].length;
        int[] flat = new int[batch * t];
        for (int b = 0; b < batch; b++) {
            if (ids[b].length != t) {
                throw new IllegalArgumentException("rows of different lengths");
            }
            System.arraycopy(ids[b], 0, flat, b * t, t);
        }
        try (NDManager step = manager.newSubManager()) {
            float[] logits = model.forward(step.create(flat, new Shape(batch, t)), cache, true).toFloatArray();
            int v = model.config().vocabSize();
            float[][] out = new float[batch][];
            for (int b = 0; b < batch; b++) {
                out[b] = java.util.Arrays.copyOfRange(logits, b * v, (b + 1) * v);
            }
            return out;
        }
    }

    /** Feed one token per row. */
    public float[][] next(int[] ids) {
        int[][] rows = new int[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            rows[b] = new int[] {ids[b]};
        }
        return feed(rows);
    }

    @Override
    public void close() {
        manager.close();
    }
}
