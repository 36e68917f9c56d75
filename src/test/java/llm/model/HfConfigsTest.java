package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** config.json of real releases (the hub's files, copied in here as text) read with transformers' keys and defaults. */
class HfConfigsTest {
    static ModelConfig read(String json) {
        return ModelConfig.fromHfJson(JsonParser.parseString(json).getAsJsonObject());
    }

    /** EleutherAI/pythia-160m's config.json (abridged to the keys the model reads). */
    static final String PYTHIA_160M = """
            {"architectures": ["GPTNeoXForCausalLM"], "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "gelu",
             "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05,
             "max_position_embeddings": 2048, "model_type": "gpt_neox", "num_attention_heads": 12,
             "num_hidden_layers": 12, "rotary_emb_base": 10000, "rotary_pct": 0.25, "tie_word_embeddings": false,
             "torch_dtype": "float16", "use_cache": true, "use_parallel_residual": true, "vocab_size": 50304}""";

    @Test
    void pythia() {
        ModelConfig c = read(PYTHIA_160M);
        assertEquals(Architecture.GPT_NEOX, c.arch());
        assertEquals(64, c.headDim());
        assertEquals(16, c.rotaryDims()); // int(64 · 0.25)
        assertEquals(Activation.GELU, c.activation());
        assertTrue(c.parallelResidual());
        assertFalse(c.tiedEmbeddings());
        assertEquals(1e-5f, c.normEps());
        assertEquals(162_322_944L, c.parameterCount()); // transformers' num_parameters() for pythia-160m
        ParameterCount p = ParameterCount.of(c);
        assertEquals(50304L * 768, p.embeddings());
        assertEquals(50304L * 768, p.head()); // embed_out
        assertEquals(c.parameterCount(), p.total());
        assertEquals(c, ModelConfig.fromHfJson(c.toHfJson()));
        // newer transformers: partial_rotary_factor / rope_theta win over the old names
        JsonObject o = JsonParser.parseString(PYTHIA_160M).getAsJsonObject();
        o.addProperty("partial_rotary_factor", 0.5);
        o.addProperty("use_parallel_residual", false);
        ModelConfig n = ModelConfig.fromHfJson(o);
        assertEquals(32, n.rotaryDims());
        assertFalse(n.parallelResidual());
    }

    @Test
    void gptNeo125mAlternatesGlobalAndLocalLayers() {
        ModelConfig c = read("""
                {"activation_function": "gelu_new", "architectures": ["GPTNeoForCausalLM"],
                 "attention_layers": ["global", "local", "global", "local", "global", "local", "global", "local",
                   "global", "local", "global", "local"],
                 "attention_types": [[["global", "local"], 6]], "bos_token_id": 50256, "eos_token_id": 50256,
                 "hidden_size": 768, "intermediate_size": null, "layer_norm_epsilon": 1e-05,
                 "max_position_embeddings": 2048, "model_type": "gpt_neo", "num_heads": 12, "num_layers": 12,
                 "vocab_size": 50257, "window_size": 256}""");
        assertEquals(3072, c.dFf());
        assertFalse(c.scaledAttention());
        assertTrue(c.tiedEmbeddings());
        assertEquals(0, c.window(0));
        assertEquals(256, c.window(1));
        assertEquals(0, c.window(10));
        assertEquals(256, c.window(11));
        assertEquals(125_198_592L, c.parameterCount()); // EleutherAI/gpt-neo-125m
        assertEquals(c, ModelConfig.fromHfJson(c.toHfJson()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("""
                {"model_type": "gpt_neo", "num_layers": 3, "attention_types": [[["global", "local"], 1]]}"""));
        assertEquals("attention_types give 2 layers, but num_layers is 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read("""
                {"model_type": "gpt_neo", "num_layers": 1, "attention_types": [[["sparse"], 1]]}"""));
        assertEquals("attention_types: 'sparse' is not supported (global or local)", e.getMessage());
    }

    /** Qwen/Qwen2.5-0.5B's config.json (abridged). */
    static final String QWEN25_05B = """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
             "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
             "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24,
             "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}""";

    @Test
    void qwen2() {
        ModelConfig c = read(QWEN25_05B);
        assertTrue(c.qkvBias());
        assertTrue(c.tiedEmbeddings());
        assertEquals(1e6f, c.ropeTheta());
        assertEquals(List.of(), c.windows()); // use_sliding_window false: sliding_window does not count
        assertEquals(494_032_768L, c.parameterCount()); // Qwen2.5-0.5B's model card: 0.49B
        assertEquals(c, ModelConfig.fromHfJson(c.toHfJson()));
        JsonObject o = JsonParser.parseString(QWEN25_05B).getAsJsonObject();
        o.addProperty("use_sliding_window", true);
        o.addProperty("max_window_layers", 20);
        ModelConfig s = ModelConfig.fromHfJson(o);
        assertEquals(0, s.window(19));
        assertEquals(32768, s.window(20));
        assertEquals(s, ModelConfig.fromHfJson(s.toHfJson()));
    }

    @Test
    void mistralSlidingWindowAndHeadDim() {
        ModelConfig v01 = read("""
                {"architectures": ["MistralForCausalLM"], "hidden_act": "silu", "hidden_size": 4096,
                 "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
                 "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05,
                 "rope_theta": 10000.0, "sliding_window": 4096, "tie_word_embeddings": false, "vocab_size": 32000}""");
        assertEquals(Collections.nCopies(32, 4096), v01.windows());
        assertEquals(128, v01.headDim());
        assertEquals(7_241_732_096L, v01.parameterCount()); // Mistral-7B-v0.1
        ModelConfig nemo = read("""
                {"model_type": "mistral", "hidden_size": 5120, "head_dim": 128, "num_attention_heads": 32,
                 "num_key_value_heads": 8, "num_hidden_layers": 40, "intermediate_size": 14336,
                 "max_position_embeddings": 1024000, "vocab_size": 131072, "sliding_window": null,
                 "rope_theta": 1000000.0}""");
        assertEquals(4096, nemo.qDim()); // 32 × 128, not the width 5120
        assertEquals(List.of(), nemo.windows());
        assertEquals(nemo, ModelConfig.fromHfJson(nemo.toHfJson()));
        // a llama config with head_dim (Llama 3.x ships it) is honoured too
        ModelConfig llama = read("""
                {"model_type": "llama", "hidden_size": 64, "head_dim": 32, "num_attention_heads": 4,
                 "num_hidden_layers": 1, "intermediate_size": 128, "max_position_embeddings": 32,
                 "vocab_size": 100}""");
        assertEquals(128, llama.qDim());
    }

    @Test
    void unknownValuesAreOneClearLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(PYTHIA_160M.replace("\"gelu\"", "\"relu\"")));
        assertEquals("hidden_act 'relu' is not supported (gelu, gelu_new or gelu_pytorch_tanh)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(QWEN25_05B.replace("\"silu\"", "\"gelu\"")));
        assertEquals("hidden_act 'gelu' is not supported (silu)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(QWEN25_05B.replace("\"rope_theta\"",
                "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}, \"rope_theta\"")));
        assertEquals("rope_scaling type 'yarn' is not supported (linear, llama3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(PYTHIA_160M.replace("\"rotary_pct\": 0.25",
                "\"rotary_pct\": 0.3")));
        assertTrue(e.getMessage().contains("rotary dims 19 must be even"), e.getMessage());
    }
}
