package llm.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelShapeTest {
    static final String GPT2_CONFIG = """
            {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 50257, "n_positions": 1024,
             "n_embd": 768, "n_layer": 12, "n_head": 12, "n_inner": null, "tie_word_embeddings": true}""";

    @Test
    void gpt2_124M() {
        ModelShape s = ModelShape.fromConfig(JsonParser.parseString(GPT2_CONFIG).getAsJsonObject(), "config.json");
        assertEquals(124_439_808L, s.params());
        assertEquals(38_597_376L, s.tokenEmbedding());
        assertEquals(786_432L, s.positionEmbedding());
        assertEquals(124_439_808L - 38_597_376L - 786_432L, s.nonEmbeddingParams()); // 85,056,000
        assertEquals(85_056_000L, s.nonEmbeddingParams());
        assertEquals(123_653_376L, s.matmulParams()); // nanoGPT's count: total minus wpe
        assertEquals(s, ModelShape.gpt2(50257, 12, 768, 12, 1024));
    }

    @Test
    void gpt2_xl_is_1_6B() {
        // GPT-2 XL: 48 layers, d 1600, 25 heads: 1,557,611,200 parameters (the "1.5B" model)
        assertEquals(1_557_611_200L, ModelShape.gpt2(50257, 48, 1600, 25, 1024).params());
    }

    @Test
    void llamaStories260K() {
        // llama2.c stories260K: dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads, vocab 512, shared classifier
        String cfg = """
                {"model_type": "llama", "vocab_size": 512, "hidden_size": 64, "intermediate_size": 172,
                 "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4,
                 "max_position_embeddings": 512, "tie_word_embeddings": true}""";
        ModelShape s = ModelShape.fromConfig(JsonParser.parseString(cfg).getAsJsonObject(), "c");
        // per layer: q 64·64 + k,v 2·64·32 + o 64·64 + 3·64·172 + 2 norms·64 = 45,440
        assertEquals(45_440L - 128, s.attentionPerLayer() + s.mlpPerLayer());
        assertEquals(5 * 45_440L + 512 * 64 + 64, s.params());
        assertEquals(260_032L, s.params());
    }

    @Test
    void llama3_8B() {
        // Meta-Llama-3-8B config.json: 8,030,261,248 parameters
        String cfg = """
                {"model_type": "llama", "vocab_size": 128256, "hidden_size": 4096, "intermediate_size": 14336,
                 "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
                 "max_position_embeddings": 8192, "tie_word_embeddings": false}""";
        ModelShape s = ModelShape.fromConfig(JsonParser.parseString(cfg).getAsJsonObject(), "c");
        assertEquals(8_030_261_248L, s.params());
    }

    @Test
    void readsReleaseDirAndReportsBadConfigs(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        assertEquals(124_439_808L, ModelShape.read(dir).params());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_embd\": 768}");
        UserException e = assertThrows(UserException.class, () -> ModelShape.read(dir));
        assertTrue(e.getMessage().contains("missing \"n_head\""), e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{not json");
        assertThrows(UserException.class, () -> ModelShape.read(dir));
        assertThrows(UserException.class, () -> ModelShape.read(dir.resolve("nope")));
    }
}
