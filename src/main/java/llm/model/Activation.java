package llm.model;

/** The MLP's activation, by its HuggingFace name ({@code hidden_act} / {@code activation_function}). */
public enum Activation {
    /** GELU, tanh approximation (GPT-2, GPT-Neo): {@code gelu_new}, {@code gelu_pytorch_tanh}. */
    GELU_TANH("gelu_new"),
    /** GELU, exact: x·Φ(x) with the error function (GPT-NeoX / Pythia): {@code gelu}. */
    GELU("gelu"),
    /** SiLU of the gate of a SwiGLU MLP (Llama, Qwen2, Mistral): {@code silu}. */
    SILU("silu");

    private final String hfName;

    Activation(String hfName) {
        this.hfName = hfName;
    }

    /** The name written to config.json. */
    public String hfName() {
        return hfName;
    }

    /**
     * From a config's value; {@code key} names the config key for the message.
     *
     * @throws IllegalArgumentException "KEY 'NAME' is not supported (...)" for any other name
     */
    public static Activation fromHf(String key, String name, boolean gated) {
        Activation a = switch (name) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "gelu" -> GELU;
            case "silu", "swish" -> SILU;
            default -> null;
        };
        if (a == null || (a == SILU) != gated) {
            throw new IllegalArgumentException(key + " '" + name + "' is not supported ("
                    + (gated ? "silu" : "gelu, gelu_new or gelu_pytorch_tanh") + ")");
        }
        return a;
    }
}
