package llm.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model's weights in host memory, read from disk without the engine: what the CPU decoder needs, and the step
 * before {@link LanguageModel} (which puts them into tensors on a device). The tensors are kept as the file stores
 * them ({@link HostTensor}: usually a read-only mapping of the file, F32/F16/BF16 as stored, GPT-2's Conv1D weights
 * as Wᵀ); {@link #get} widens one to the in-memory float layout the engine uses.
 *
 * @param config the model's shape
 * @param tensors each parameter by its HF name
 */
public record ModelArrays(ModelConfig config, Map<String, HostTensor> tensors) {
    /** One tensor as stored; an unknown name is a programming error. */
    public HostTensor tensor(String name) {
        HostTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return t;
    }

    /**
     * One tensor as float32, flat, row-major in its in-memory shape ({@link Init#specs}: matrices (out, in), GPT-2's
     * Conv1D weights transposed): a new array.
     */
    public float[] get(String name) {
        return tensor(name).toFloats();
    }

    /** Total number of parameters (tied embeddings counted once). */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(HostTensor::size).sum();
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
