package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class RopeScalingTest {
    /** Llama 3.1 8B's config.json keys that matter here (theta 500000, head size 128, llama3 scaling x8). */
    private static JsonObject llama31() {
        return JsonParser.parseString("""
                {"model_type": "llama", "vocab_size": 128256, "max_position_embeddings": 131072,
                 "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
                 "intermediate_size": 14336, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "hidden_act": "silu",
                 "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                  "original_max_position_embeddings": 8192, "rope_type": "llama3"}}
                """).getAsJsonObject();
    }

    @Test
    void llama3ScalingMatchesHuggingFaceValues() {
        ModelConfig c = ModelConfig.fromHfJson(llama31());
        float[] f = c.ropeInverseFrequencies();
        assertEquals(64, f.length);
        // expected: transformers' _compute_llama3_parameters in float32 (numpy replica), by index
        assertEquals(1.0f, f[0], 0f);                                   // short wavelengths: unchanged
        assertEquals(0.016560440883040428f, f[20], 1e-6f * 0.0166f);
        assertEquals(0.0021665706299245358f, f[29], 1e-5f * 0.00217f);  // between: blended
        assertEquals(0.0005248460220173001f, f[32], 1e-5f * 0.000525f);
        assertEquals(0.0001785077911335975f, f[34], 1e-5f * 0.000179f);
        assertEquals(9.556212899042293e-05f, f[35], 1e-5f * 9.56e-5f);  // long wavelengths: divided by 8
        assertEquals(3.068925877869333e-07f, f[63], 1e-5f * 3.07e-7f);
    }

    @Test
    void configRoundTripsThroughHfJson() {
        ModelConfig c = ModelConfig.fromHfJson(llama31());
        assertEquals("llama3", c.ropeScaling().type());
        assertEquals(c, ModelConfig.fromHfJson(c.toHfJson()));
        ModelConfig linear = ModelConfig.llama(64, 32, 16, 1, 2, 1, 32, false)
                .withRopeScaling(new RopeScaling("linear", 4f, 0, 0, 0));
        assertEquals(linear, ModelConfig.fromHfJson(linear.toHfJson()));
        float[] plain = RopeScaling.inverseFrequencies(8, 10000f, null);
        float[] scaled = linear.ropeInverseFrequencies();
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i] / 4f, scaled[i], 0f);
        }
    }

    @Test
    void defaultTypeIsNoScalingAndOthersAreRejected() {
        JsonObject o = llama31();
        o.add("rope_scaling", JsonParser.parseString("{\"rope_type\": \"default\"}"));
        assertNull(ModelConfig.fromHfJson(o).ropeScaling());
        o.add("rope_scaling", JsonParser.parseString("{\"type\": \"yarn\", \"factor\": 4.0}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromHfJson(o));
        assertTrue(e.getMessage().contains("yarn") && e.getMessage().contains("llama3"), e.getMessage());
        o.add("rope_scaling", JsonParser.parseString("{\"rope_type\": \"llama3\", \"factor\": 8.0}"));
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromHfJson(o));
        assertTrue(e.getMessage().contains("low_freq_factor"), e.getMessage());
    }

    @Test
    void gpt2RejectsTheExactGelu() {
        JsonObject o = ModelConfig.gpt2(64, 16, 16, 1, 2).toHfJson();
        o.addProperty("activation_function", "gelu");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromHfJson(o));
        assertTrue(e.getMessage().contains("'gelu'"), e.getMessage());
    }
}
