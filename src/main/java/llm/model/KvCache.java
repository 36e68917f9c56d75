package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.IdentityHashMap;
import java.util.Map;
import llm.engine.FusedOps;

/**
 * Keys and values of the positions seen so far, for one generation (one batch of sequences that advance together).
 * Owned by the generation, not by the model: preallocated once at full capacity, written in place, freed by
 * {@link #close()}.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys; // per layer (B, Hkv, capacity, hd)
    private final NDArray[] values; // per layer (B, Hkv, capacity, hd)
    private final int batch;
    private final int capacity;
    private int length;
    /** W → W packed for products of {@link #batch} rows ({@link #pack}), or null where this cache does not pack. */
    private Map<NDArray, NDArray> packed;

    KvCache(NDManager parent, ModelConfig config, int batch, int capacity) {
        if (batch < 1 || capacity < 1) {
            throw new IllegalArgumentException("batch and capacity must be positive");
        }
        if (capacity > config.ctx()) {
            throw new IllegalArgumentException("cache capacity " + capacity + " exceeds the context " + config.ctx());
        }
        this.manager = parent.newSubManager();
        this.batch = batch;
        this.capacity = capacity;
        this.keys = new NDArray[config.nLayer()];
        this.values = new NDArray[config.nLayer()];
        Shape shape = new Shape(batch, config.nKvHead(), capacity, config.headDim());
        for (int l = 0; l < config.nLayer(); l++) {
            keys[l] = manager.zeros(shape);
            values[l] = manager.zeros(shape);
        }
    }

    /**
     * From now on, decode steps through this cache multiply by weights packed by MKL for its batch size (each weight
     * packed at its first step, kept until {@link #close}: a second copy of the matrices the steps use). Where MKL's
     * packed products are not available, nothing changes.
     */
    void pack() {
        if (FusedOps.packedAvailable()) {
            packed = new IdentityHashMap<>();
        }
    }

    /** W packed for x when x is one position of this cache's rows (B, 1, in) and the cache packs; else null. */
    NDArray packed(NDArray w, NDArray x) {
        Shape s = x.getShape();
        if (packed == null || s.dimension() != 3 || s.get(0) != batch || s.get(1) != 1) {
            return null;
        }
        return packed.computeIfAbsent(w, k -> FusedOps.pack(k, batch, manager));
    }

    /** Weights packed so far (for tests). */
    int packedCount() {
        return packed == null ? 0 : packed.size();
    }

    /** Positions already stored (the position of the next token). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public int batch() {
        return batch;
    }

    /** Forget everything (reuse the memory for a new sequence of the same batch size). */
    public void reset() {
        length = 0;
    }

    /**
     * Store k, v (B, Hkv, T, hd) of layer {@code layer} at positions length .. length+T-1 and return the keys and
     * values of positions 0 .. length+T-1 as arrays in {@code scope}.
     */
    NDArray[] update(int layer, NDArray k, NDArray v, NDManager scope) {
        long t = k.getShape().get(2);
        int end = (int) (length + t);
        if (end > capacity) {
            throw new IllegalStateException("KV cache full: " + end + " > capacity " + capacity);
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", length, end);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex seen = new NDIndex(":, :, :{}", end);
        return new NDArray[] {keys[layer].get(scope, seen), values[layer].get(scope, seen)};
    }

    /** Called by the model after the last layer of a forward of T positions. */
    void advance(int t) {
        length += t;
    }

    @Override
    public void close() {
        manager.close();
    }
}
