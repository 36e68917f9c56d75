package llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import llm.engine.FusedOps;
import llm.model.TargetLogProbs;

/** The language-modelling loss: mean negative log-likelihood of the targets, in nats per token. */
public final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * logits (B, T, V), targets (B, T) int -> scalar mean of -log softmax(logits)[target]. libtorch's
     * cross-entropy ({@link FusedOps#crossEntropy}: log-softmax and NLL with their fused backward) when available.
     */
    public static NDArray loss(NDArray logits, NDArray targets) {
        if (!FusedOps.available(logits)) {
            return lossUnfused(logits, targets);
        }
        long v = logits.getShape().get(logits.getShape().dimension() - 1);
        return FusedOps.crossEntropy(logits.reshape(-1, v), targets.reshape(-1).toType(DataType.INT64, false));
    }

    /** {@link #loss} from DJL ops: the log-probabilities of the targets ({@link TargetLogProbs}), their mean. */
    static NDArray lossUnfused(NDArray logits, NDArray targets) {
        long v = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray picked = TargetLogProbs.pick(logits.reshape(-1, v), targets.reshape(-1, 1)); // (B·T, V) -> (B·T, 1)
        return picked.mean().neg();
    }
}
