package llm.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model's weights as plain Java arrays, read from disk without the engine: what the CPU decoder needs, and the
 * step before {@link LanguageModel} (which puts them into tensors on a device).
 *
 * @param config the model's shape
 * @param tensors each parameter by its HF name, flat, row-major in its in-memory shape ({@link Init#specs}: matrices
 *     (out, in), GPT-2's Conv1D weights already transposed)
 */
public record ModelArrays(ModelConfig config, Map<String, float[]> tensors) {
    /** One tensor; an unknown name is a programming error. */
    public float[] get(String name) {
        float[] a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    /** Total number of parameters (tied embeddings counted once). */
    public long parameterCount() {
        long n = 0;
        for (float[] a : tensors.values()) {
            n += a.length;
        }
        return n;
    }

    /** The model on {@code manager}'s device. */
    public LanguageModel toModel(NDManager manager) {
        List<Parameter> params = new ArrayList<>();
        for (Init.Spec s : Init.specs(config)) {
            params.add(new Parameter(s.name(), manager.create(get(s.name()), new Shape(s.shape())), s.conv1d()));
        }
        return LanguageModel.build(config, params);
    }
}
