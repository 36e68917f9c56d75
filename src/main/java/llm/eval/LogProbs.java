package llm.eval;

/**
 * A model as scoring sees it: the log-probability of each target given the ids up to and including its position.
 * Implemented over a loaded model in {@code llm.run} ({@code ModelLogProbs}); {@link TokenScorer} and
 * {@code fewshot.ModelLikelihood} build the batches.
 */
public interface LogProbs {
    /** The model's context: rows of at most this many ids. */
    int context();

    /**
     * ids and targets (rows, cols), row-major -> (rows, cols): {@code out[r * cols + c]} = log p(targets[r * cols + c]
     * | ids[r * cols] .. ids[r * cols + c]). One forward pass over all rows.
     */
    float[] ofTargets(int[] ids, int[] targets, int rows, int cols);
}
