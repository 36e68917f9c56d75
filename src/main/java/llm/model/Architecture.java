package llm.model;

/** The two model families: their HuggingFace {@code model_type} and {@code architectures} class name. */
public enum Architecture {
    /** GPT-2: learned positions, LayerNorm with bias, GELU (tanh), tied embeddings, biases everywhere. */
    GPT2("gpt2", "GPT2LMHeadModel"),
    /** Llama: RMSNorm, RoPE, SwiGLU, grouped-query attention, no biases, optional untied head. */
    LLAMA("llama", "LlamaForCausalLM");

    private final String modelType;
    private final String hfClass;

    Architecture(String modelType, String hfClass) {
        this.modelType = modelType;
        this.hfClass = hfClass;
    }

    /** HF {@code model_type}: {@code gpt2} or {@code llama}. */
    public String modelType() {
        return modelType;
    }

    /** HF {@code architectures[0]}: {@code GPT2LMHeadModel} or {@code LlamaForCausalLM}. */
    public String hfClass() {
        return hfClass;
    }

    /** Parse {@code gpt2|llama} (case-insensitive); null when unknown. */
    public static Architecture fromName(String name) {
        for (Architecture a : values()) {
            if (a.modelType.equalsIgnoreCase(name)) {
                return a;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return modelType;
    }
}
