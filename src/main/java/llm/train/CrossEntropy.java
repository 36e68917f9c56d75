package llm.train;

import ai.djl.ndarray.NDArray;

/** The language-modelling loss: mean negative log-likelihood of the targets, in nats per token. */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** logits (B, T, V), targets (B, T) int -> scalar mean of -log softmax(logits)[target]. */
    public static NDArray loss(NDArray logits, NDArray targets) {
        long v = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray logp = logits.reshape(-1, v).logSoftmax(1);                        // (B·T, V)
        NDArray picked = logp.gather(targets.reshape(-1, 1).toType(ai.djl.ndarray.types.DataType.INT64, false), 1); // (B·T, 1)
        return picked.mean().neg();
    }
}
