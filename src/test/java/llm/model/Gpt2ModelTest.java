package llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2ModelTest extends CpuRoot {
    static ModelConfig tiny() {
        return ModelConfig.gpt2(64, 16, 32, 2, 4);
    }

    static NDArray ids(NDManager m, int[] ids, int b) {
        return m.create(ids, new Shape(b, ids.length / b));
    }

    @Test
    void gpt2_124M_has_the_known_parameter_count() {
        assertEquals(124_439_808L, ModelConfig.gpt2(50257, 1024, 768, 12, 12).parameterCount());
    }

    @Test
    void forwardShapeAndParametersMatchTheConfig() {
        ModelConfig c = tiny();
        LanguageModel model = LanguageModel.create(c, root, 1);
        assertEquals(c.parameterCount(), model.parameterCount());
        assertEquals("transformer.wte.weight", model.parameters().get(0).name());
        assertTrue(model.parameter("transformer.h.1.attn.c_attn.weight").conv1d());
        try (NDManager s = root.newSubManager()) {
            NDArray logits = model.forward(ids(s, new int[] {1, 2, 3, 4, 5, 6}, 2));
            assertEquals(new Shape(2, 3, 64), logits.getShape());
        }
    }

    @Test
    void sameSeedSameWeightsDifferentSeedDifferent() {
        ModelConfig c = tiny();
        float[] a = LanguageModel.create(c, root, 7).parameters().get(0).array().toFloatArray();
        float[] b = LanguageModel.create(c, root, 7).parameters().get(0).array().toFloatArray();
        float[] d = LanguageModel.create(c, root, 8).parameters().get(0).array().toFloatArray();
        assertArrayEquals(a, b);
        assertTrue(a[0] != d[0]);
        double var = 0;
        for (float x : a) {
            var += x * x;
        }
        double std = Math.sqrt(var / a.length);
        assertEquals(0.02, std, 0.004);
    }

    @Test
    void releaseRoundTripsWithHfLayout(@TempDir Path dir) throws Exception {
        ModelConfig c = tiny();
        LanguageModel model = LanguageModel.create(c, root, 3);
        Path tok = Files.writeString(dir.resolve("tok.json"), "{}");
        Path out = dir.resolve("release");
        Release.write(out, model, tok, null);
        JsonObject cfg = JsonParser.parseString(Files.readString(out.resolve("config.json"))).getAsJsonObject();
        assertEquals("gpt2", cfg.get("model_type").getAsString());
        assertEquals("GPT2LMHeadModel", cfg.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals(32, cfg.get("n_embd").getAsInt());
        assertTrue(Files.exists(out.resolve("tokenizer.json")));
        try (Safetensors.Reader r = new Safetensors.Reader(out.resolve("model.safetensors"))) {
            // Conv1D stored (in, out)
            assertArrayEquals(new long[] {32, 96}, r.entries().get("transformer.h.0.attn.c_attn.weight").shape());
            assertArrayEquals(new long[] {128, 32}, r.entries().get("transformer.h.0.mlp.c_proj.weight").shape());
            assertEquals(c.parameterCount(), r.entries().values().stream().mapToLong(Safetensors.Entry::size).sum());
        }
        LanguageModel back = Release.read(out, root);
        try (NDManager s = root.newSubManager()) {
            NDArray x = ids(s, new int[] {5, 9, 1, 33, 60, 2, 2, 7}, 1);
            float[] l1 = model.forward(x).toFloatArray();
            float[] l2 = back.forward(x).toFloatArray();
            assertArrayEquals(l1, l2, 0f);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gpt2", "llama"})
    void forwardLeavesNothingInTheWeightsManagerAndTrains(String arch) {
        ModelConfig c = arch.equals("gpt2") ? tiny() : ModelConfig.llama(64, 16, 32, 2, 4, 2, 64, true);
        try (NDManager m = root.newSubManager()) {
            LanguageModel model = LanguageModel.create(c, m, 5);
            int before = m.getManagedArrays().size();
            for (Parameter p : model.parameters()) {
                p.array().setRequiresGradient(true);
            }
            int[] seq = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            float first = 0, last = 0;
            for (int step = 0; step < 8; step++) {
                try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = s.create(java.util.Arrays.copyOf(seq, 11), new Shape(1, 11));
                    NDArray y = s.create(java.util.Arrays.copyOfRange(seq, 1, 12), new Shape(11, 1)).toType(
                            ai.djl.ndarray.types.DataType.INT64, false);
                    NDArray logits = model.forward(x).reshape(11, 64);
                    NDArray loss = logits.logSoftmax(-1).gather(y, 1).neg().mean();
                    gc.backward(loss);
                    float l = loss.getFloat();
                    if (step == 0) {
                        first = l;
                    }
                    last = l;
                }
                for (Parameter p : model.parameters()) {
                    NDArray g = p.array().getGradient();
                    try (NDArray upd = g.mul(arch.equals("gpt2") ? 0.5f : 0.1f)) {
                        p.array().subi(upd);
                    }
                    g.close();
                }
            }
            assertEquals(Math.log(64), first, 0.3);
            assertTrue(last < first - 0.5, "loss " + first + " -> " + last);
            assertTrue(m.getManagedArrays().size() <= before + 1,
                    "arrays leaked into the weights manager: " + before + " -> " + m.getManagedArrays().size());
        }
    }
}
