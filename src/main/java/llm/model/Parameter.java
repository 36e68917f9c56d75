package llm.model;

import ai.djl.ndarray.NDArray;

/**
 * One named weight tensor of a model.
 *
 * @param name HF tensor name, exactly as written to {@code model.safetensors}
 *     (e.g. {@code transformer.h.0.attn.c_attn.weight}, {@code model.layers.0.self_attn.q_proj.weight})
 * @param array the live tensor (in-memory layout: every matrix is (out, in), as {@code torch.nn.Linear} keeps it)
 * @param conv1d true for GPT-2's Conv1D weights, which HF stores transposed, (in, out); release I/O transposes them
 */
public record Parameter(String name, NDArray array, boolean conv1d) {
    /** Matrices (2-D) take weight decay; vectors (biases, norm gains) do not. */
    public boolean isMatrix() {
        return array.getShape().dimension() >= 2;
    }

    public long size() {
        return array.getShape().size();
    }
}
