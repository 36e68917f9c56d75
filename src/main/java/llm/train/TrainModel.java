package llm.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** What the training loop needs from a model: its named parameters and a differentiable forward pass. */
public interface TrainModel {
    /** The parameters by name (HF tensor names), in a fixed order; the loop sets them to require gradients. */
    Map<String, NDArray> parameters();

    /** ids (B, T) int32 -> logits (B, T, V) float32, in the manager of {@code ids}. */
    NDArray forward(NDArray ids);

    /** Vocabulary size V. */
    int vocabSize();
}
