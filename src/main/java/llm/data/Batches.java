package llm.data;

/**
 * What a training loop consumes: a deterministic, resumable stream of training windows, each batch B rows of T+1
 * token ids (inputs are the first T, targets the last T). {@link #state()} after batch k, given to {@link #restore}
 * on a fresh stream built the same way, makes it continue with batch k+1. {@link Batcher#batches(int)} is the one
 * the product uses; tests may supply their own.
 */
public interface Batches {
    /** Rows per batch (B). */
    int batchSize();

    /** Window length T (each row holds T+1 ids). */
    int seqLen();

    /** The next batch, row-major (B, T+1). */
    int[] next();

    /** Where the stream stands, as a short string (JSON) for the checkpoint. */
    String state();

    /** Continue from a {@link #state()} of a stream built the same way; a runtime error for another stream's. */
    void restore(String state);
}
