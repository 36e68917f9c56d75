package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The one log-probability-of-targets computation: log softmax(logits)[target] along the vocabulary axis. Scoring
 * ({@code llm score}, few-shot choices) and the unfused training loss all read it from here.
 */
public final class TargetLogProbs {
    private TargetLogProbs() {}

    /**
     * logits (..., V) and targets (..., 1) of any integer type -> (..., 1): the log-probability of each target,
     * in the logits' manager and data type.
     */
    public static NDArray pick(NDArray logits, NDArray targets) {
        int axis = logits.getShape().dimension() - 1;
        return logits.logSoftmax(axis).gather(targets.toType(DataType.INT64, false), axis);
    }
}
