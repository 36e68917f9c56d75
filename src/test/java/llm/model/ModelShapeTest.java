package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelConfig} as the shape the cost model counts: parameters by part, from a config.json or built. */
class ModelShapeTest {
    static final String GPT2_CONFIG = """
            {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 50257, "n_positions": 1024,
             "n_embd": 768, "n_layer": 12, "n_head": 12, "n_inner": null, "tie_word_embeddings": true}""";

    private static ModelConfig parse(String json) {
        return ModelConfig.fromHfJson(JsonParser.parseString(json).getAsJsonObject());
    }

    @Test
    void gpt2_124M() {
        ModelConfig s = parse(GPT2_CONFIG);
        assertEquals(124_439_808L, s.parameterCount());
        assertEquals(38_597_376L, s.tokenEmbedding());
        assertEquals(786_432L, s.positionEmbedding());
        assertEquals(85_056_000L, s.nonEmbeddingParams());
        assertEquals(123_653_376L, s.matmulParams()); // nanoGPT's count: total minus wpe
        assertEquals(768, s.attnDim());
        assertEquals(s, ModelConfig.gpt2(50257, 1024, 768, 12, 12));
    }

    @Test
    void gpt2_xl_is_1_6B() {
        // GPT-2 XL: 48 layers, d 1600, 25 heads: 1,557,611,200 parameters (the "1.5B" model)
        assertEquals(1_557_611_200L, ModelConfig.gpt2(50257, 1024, 1600, 48, 25).parameterCount());
    }

    @Test
    void llamaStories260K() {
        // llama2.c stories260K: dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads, vocab 512, shared classifier
        ModelConfig s = parse("""
                {"model_type": "llama", "vocab_size": 512, "hidden_size": 64, "intermediate_size": 172,
                 "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4,
                 "max_position_embeddings": 512, "tie_word_embeddings": true}""");
        // per layer: q 64·64 + k,v 2·64·32 + o 64·64 + 3·64·172 + 2 norms·64 = 45,440
        assertEquals(5 * 45_440L + 512 * 64 + 64, s.parameterCount());
        assertEquals(260_032L, s.parameterCount());
        assertEquals(0, s.positionEmbedding());
        assertEquals(s.parameterCount(), s.matmulParams()); // tied: the embedding matrix is the head's matmul
    }

    @Test
    void llama3_8B() {
        // Meta-Llama-3-8B config.json: 8,030,261,248 parameters
        ModelConfig s = parse("""
                {"model_type": "llama", "vocab_size": 128256, "hidden_size": 4096, "intermediate_size": 14336,
                 "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
                 "max_position_embeddings": 8192, "tie_word_embeddings": false}""");
        assertEquals(8_030_261_248L, s.parameterCount());
        assertEquals(8_030_261_248L - 128256L * 4096, s.matmulParams()); // the untied head is a matmul, the lookup not
    }

    @Test
    void shapesThisToolkitCountsButDoesNotRun(@TempDir Path dir) throws Exception {
        // Mistral 7B: Llama's layout (GQA, SwiGLU, untied head) with a sliding window: 7,241,732,096 parameters
        String mistral = """
                {"model_type": "mistral", "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336,
                 "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
                 "max_position_embeddings": 32768, "hidden_act": "silu", "sliding_window": 4096}""";
        Path file = Files.writeString(dir.resolve("mistral.json"), mistral);
        assertEquals(7_241_732_096L, Models.readShape(file).parameterCount());
        assertEquals(Architecture.MISTRAL, Models.readShape(file).arch());
        assertEquals(7_241_732_096L, parse(mistral).parameterCount()); // (runs too, since issue 19)
        // an activation the decoder has not does not change the counts: cost reads it, sample, score and info refuse it
        String gelu = mistral.replace("\"silu\"", "\"gelu\"");
        assertEquals(7_241_732_096L, ModelConfig.shapeFromHfJson(JsonParser.parseString(gelu).getAsJsonObject())
                .parameterCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(gelu));
        assertTrue(e.getMessage().contains("hidden_act 'gelu' is not supported"), e.getMessage());
        // no model_type: recognised by its keys for counting
        String bare = GPT2_CONFIG.replace("\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], ", "");
        assertEquals(124_439_808L, ModelConfig.shapeFromHfJson(JsonParser.parseString(bare).getAsJsonObject())
                .parameterCount());
        assertThrows(IllegalArgumentException.class, () -> parse(bare));
    }

    @Test
    void modelsReadShapeReadsReleaseDirsAndConfigFilesAndReportsBadOnes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        assertEquals(124_439_808L, Models.readShape(dir).parameterCount());
        Path other = Files.writeString(dir.resolve("gpt2.json"), GPT2_CONFIG);
        assertEquals(124_439_808L, Models.readShape(other).parameterCount());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_embd\": 768}");
        UserException e = assertThrows(UserException.class, () -> Models.readShape(dir));
        assertTrue(e.getMessage().contains("missing key n_head"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": [\"gpt2\"]}");
        e = assertThrows(UserException.class, () -> Models.readShape(dir));
        assertTrue(e.getMessage().endsWith("config.json: model_type is not a string: [\"gpt2\"]"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{not json");
        assertThrows(UserException.class, () -> Models.readShape(dir));
        assertThrows(UserException.class, () -> Models.readShape(dir.resolve("nope")));
    }
}
