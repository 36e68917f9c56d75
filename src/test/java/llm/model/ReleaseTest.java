package llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseTest extends CpuRoot {
    @Test
    void llamaReleaseRoundTripsWithHfNames(@TempDir Path dir) throws Exception {
        ModelConfig c = ModelConfig.llama(40, 16, 32, 2, 4, 2, 48, false);
        LanguageModel model = LanguageModel.create(c, root, 4);
        Release.write(dir, model, null, null);
        JsonObject cfg = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals("LlamaForCausalLM", cfg.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals(2, cfg.get("num_key_value_heads").getAsInt());
        assertEquals(c, ModelConfig.fromHfJson(cfg));
        try (Safetensors.Reader r = new Safetensors.Reader(dir.resolve("model.safetensors"))) {
            assertArrayEquals(new long[] {16, 32}, r.entries().get("model.layers.1.self_attn.k_proj.weight").shape());
            assertTrue(r.has("lm_head.weight"));
            assertTrue(r.has("model.norm.weight"));
        }
        LanguageModel back = Models.load(dir, root);
        assertEquals(c, Models.peekConfig(dir)); // without loading weights
        assertEquals(c, Models.peekConfig(dir.resolve("model.safetensors")));
        assertNull(Models.peekConfig(dir.resolve("missing.bin"))); // load() is what reports the error
        try (NDManager s = root.newSubManager()) {
            var ids = s.create(new int[] {3, 1, 4, 1, 5}, new Shape(1, 5));
            assertArrayEquals(model.forward(ids).toFloatArray(), back.forward(ids).toFloatArray(), 0f);
        }
    }

    @Test
    void gpt2_tensors_without_the_transformer_prefix_load(@TempDir Path dir) throws Exception {
        ModelConfig c = ModelConfig.gpt2(20, 8, 8, 1, 2);
        LanguageModel model = LanguageModel.create(c, root, 9);
        Release.write(dir, model, null, null);
        // rewrite the weights without the prefix, as the hub's openai-community/gpt2 has them
        java.util.List<Safetensors.Tensor> ts = new java.util.ArrayList<>();
        try (Safetensors.Reader r = new Safetensors.Reader(dir.resolve("model.safetensors"))) {
            for (Safetensors.Entry e : r.entries().values()) {
                float[] data = r.readFloats(e.name());
                ts.add(new Safetensors.Tensor(e.name().replace("transformer.", ""), e.shape(), () -> data));
            }
        }
        Safetensors.write(dir.resolve("model.safetensors"), ts, null);
        LanguageModel back = Release.read(dir, root);
        ModelArrays arrays = Models.loadArrays(dir); // the engine-free read (CPU sampling): same numbers, same layout
        for (Parameter p : model.parameters()) {
            assertArrayEquals(p.array().toFloatArray(), arrays.get(p.name()), 0f, p.name());
        }
        assertEquals(model.parameterCount(), arrays.parameterCount());
        assertArrayEquals(model.parameter("transformer.h.0.mlp.c_fc.weight").array().toFloatArray(),
                back.parameter("transformer.h.0.mlp.c_fc.weight").array().toFloatArray(), 0f);
    }

    @Test
    void f16_and_bf16_are_converted_to_float(@TempDir Path dir) throws Exception {
        // 1.5 and -2 as F16 (0x3E00, 0xC000) and as BF16 (0x3FC0, 0xC000)
        String h = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}";
        byte[] hb = h.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + hb.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(hb.length).put(hb).putShort((short) 0x3E00).putShort((short) 0xC000).putShort((short) 0x3FC0)
                .putShort((short) 0xC000);
        Path f = Files.write(dir.resolve("x.safetensors"), buf.array());
        try (Safetensors.Reader r = new Safetensors.Reader(f)) {
            assertArrayEquals(new float[] {1.5f, -2f}, r.readFloats("a"));
            assertArrayEquals(new float[] {1.5f, -2f}, r.readFloats("b"));
            UserException e = assertThrows(UserException.class, () -> r.readFloats("c"));
            assertTrue(e.getMessage().contains("missing tensor c"));
        }
        assertEquals(6.1035156e-5f, Safetensors.halfToFloat((short) 0x0400)); // smallest normal
        assertEquals(5.9604645e-8f, Safetensors.halfToFloat((short) 0x0001)); // smallest subnormal
    }

    @Test
    void configErrorsNameTheKey(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"mamba\"}");
        UserException e = assertThrows(UserException.class, () -> Release.readConfig(dir));
        assertTrue(e.getMessage().contains("model_type 'mamba' is not supported (gpt2, llama, gpt_neox, gpt_neo,"
                + " qwen2, mistral)"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"mistral\"}");
        e = assertThrows(UserException.class, () -> Release.readConfig(dir));
        assertTrue(e.getMessage().contains("config.json: missing key hidden_size"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"gpt2\",\"n_embd\":8}");
        e = assertThrows(UserException.class, () -> Release.readConfig(dir));
        assertTrue(e.getMessage().contains("config.json: missing key"), e.getMessage());
    }
}
