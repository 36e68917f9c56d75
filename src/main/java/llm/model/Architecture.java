package llm.model;

/**
 * The model families: their HuggingFace {@code model_type} and {@code architectures} class name. Two block shapes
 * underlie them: the GPT-2 shape (LayerNorm with bias, a GELU MLP: GPT-2, GPT-Neo, GPT-NeoX) and the Llama shape
 * (RMSNorm, RoPE, SwiGLU, grouped-query attention: Llama, Qwen2, Mistral); what differs within a shape is in
 * {@link ModelConfig}'s fields.
 */
public enum Architecture {
    /** GPT-2: learned positions, LayerNorm with bias, GELU (tanh), tied embeddings, biases everywhere. */
    GPT2("gpt2", "GPT2LMHeadModel"),
    /** Llama: RMSNorm, RoPE, SwiGLU, grouped-query attention, no biases, optional untied head. */
    LLAMA("llama", "LlamaForCausalLM"),
    /**
     * GPT-NeoX (Pythia): fused per-head q/k/v, partial rotary, LayerNorm with bias, exact GELU, parallel or
     * sequential residual, untied {@code embed_out}.
     */
    GPT_NEOX("gpt_neox", "GPTNeoXForCausalLM"),
    /** GPT-Neo: GPT-2 with separate bias-free q/k/v, unscaled scores, alternating global and local attention. */
    GPT_NEO("gpt_neo", "GPTNeoForCausalLM"),
    /** Qwen2 / Qwen2.5: Llama with biases on the q/k/v projections (optional sliding window on later layers). */
    QWEN2("qwen2", "Qwen2ForCausalLM"),
    /** Mistral: Llama with a sliding attention window and an explicit head size. */
    MISTRAL("mistral", "MistralForCausalLM");

    private final String modelType;
    private final String hfClass;

    Architecture(String modelType, String hfClass) {
        this.modelType = modelType;
        this.hfClass = hfClass;
    }

    /** HF {@code model_type}: {@code gpt2}, {@code llama}, {@code gpt_neox}, ... */
    public String modelType() {
        return modelType;
    }

    /** HF {@code architectures[0]}: {@code GPT2LMHeadModel}, {@code LlamaForCausalLM}, ... */
    public String hfClass() {
        return hfClass;
    }

    /** The Llama block shape (RMSNorm, RoPE on whole heads, SwiGLU): Llama, Qwen2, Mistral. */
    public boolean llamaShape() {
        return this == LLAMA || this == QWEN2 || this == MISTRAL;
    }

    /** Positions from RoPE (else a learned table, {@code wpe}). */
    public boolean rotary() {
        return llamaShape() || this == GPT_NEOX;
    }

    /**
     * Whether the family's tokenizers start a text with BOS (Llama's and Mistral's add {@code <s>}; GPT-2, GPT-Neo,
     * GPT-NeoX and Qwen2 add nothing), so that a prompt is fed as the model saw text in training.
     */
    public boolean startsWithBos() {
        return this == LLAMA || this == MISTRAL;
    }

    /** The families {@code llm train} builds (the others are read from releases only). */
    public boolean trainable() {
        return this == GPT2 || this == LLAMA;
    }

    /** Every {@code model_type} this reads, for messages: "gpt2, llama, gpt_neox, gpt_neo, qwen2, mistral". */
    public static String names() {
        StringBuilder s = new StringBuilder();
        for (Architecture a : values()) {
            s.append(s.length() == 0 ? "" : ", ").append(a.modelType);
        }
        return s.toString();
    }

    /** Parse a {@code model_type} (case-insensitive); null when unknown. */
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
