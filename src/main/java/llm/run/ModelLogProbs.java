package llm.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import llm.engine.Engines;
import llm.eval.LogProbs;
import llm.model.LanguageModel;
import llm.model.TargetLogProbs;

/**
 * {@link LogProbs} of a loaded model: one full forward per call in a step scope under {@code root}; the log-softmax
 * and the pick of each target happen on the device ({@link TargetLogProbs}), so only (B, T) numbers come back.
 */
public record ModelLogProbs(LanguageModel model, NDManager root) implements LogProbs {
    @Override
    public int context() {
        return model.config().ctx();
    }

    @Override
    public float[] ofTargets(int[] ids, int[] targets, int rows, int cols) {
        try (NDManager step = Engines.step(root)) {
            NDArray logits = model.forward(step.create(ids, new Shape(rows, cols)));   // (B, T, V)
            NDArray y = step.create(targets, new Shape(rows, cols, 1));                  // (B, T, 1)
            return TargetLogProbs.pick(logits, y).toType(DataType.FLOAT32, false).toFloatArray(); // (B, T, 1)
        }
    }
}
