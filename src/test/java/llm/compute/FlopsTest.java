package llm.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import llm.UserException;
import llm.engine.DevicePeak;
import llm.engine.Dtype;
import llm.engine.GpuSpec;
import llm.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlopsTest {
    @Test
    void sixND() {
        // Llama 3 405B on 15T tokens: 6·N·D = 3.645e25 (the lecture's ≈ 3.6e25; Meta reports 3.8e25 for 15.6T)
        assertEquals(3.645e25, Flops.perToken(405e9, null) * 15e12, 1e21);
        // GPT-2 1.6B on 100B tokens: 9.6e20
        assertEquals(9.6e20, Flops.perToken(1.6e9, null) * 100e9, 1e15);
    }

    @Test
    void attentionTermIsPalmAppendixB() {
        ModelConfig s = ModelConfig.gpt2(50257, 1024, 768, 12, 12);
        // 6 · 123,653,376 + 12 · 12 · 1024 · 768
        assertEquals(6.0 * 123_653_376 + 12.0 * 12 * 1024 * 768, Flops.perToken(s));
        assertEquals(113_246_208.0, Flops.attentionFlopsPerToken(12, 1024, 768));
        assertEquals(Flops.perToken(s) / 3, Flops.forwardPerToken(s));
        // nanoGPT's estimate_mfu reference: 124M at T=1024 is ≈ 0.85 GFLOP per token for training
        assertEquals(0.855e9, Flops.perToken(s), 0.01e9);
    }

    @Test
    void mfuAndCost() {
        // 1,000 tokens/s × 1 GFLOP/token on one device of 10 TFLOP/s → 10% MFU
        assertEquals(0.1, Flops.mfu(1000, 1e9, 1e13, 1), 1e-12);
        assertEquals(0.05, Flops.mfu(1000, 1e9, 1e13, 2), 1e-12);
        assertTrue(Double.isNaN(Flops.mfu(1, 1, 0, 1)));

        double flops = 6 * 405e9 * 15e12;
        CostEstimate c = CostEstimate.of(flops, GpuSpec.require("h100", "--gpu").peak(Dtype.BF16), 16384, 0.4, 3.0);
        double gpuHours = flops / (989.4e12 * 0.4) / 3600; // ≈ 25.6M GPU-hours (Meta: 30.84M at ~38-43% MFU)
        assertEquals(gpuHours, c.gpuHours(), 1);
        assertEquals(25.58e6, c.gpuHours(), 0.01e6);
        assertEquals(gpuHours * 3.0, c.dollars(), 10);
        assertEquals(gpuHours * 3600 / 16384, c.wallSeconds(), 1);

        CostEstimate m = CostEstimate.fromThroughput(1e9 * 3600e3, 3600e3, 1000, 1e13, 1, 2.0);
        assertEquals(1.0, m.gpuHours(), 1e-12);
        assertEquals(2.0, m.dollars(), 1e-12);
        assertEquals(0.1, m.mfu(), 1e-12);
        assertEquals("3.00 h", CostEstimate.duration(3 * 3600));
        assertEquals("90.0 min", CostEstimate.duration(5400));
        assertEquals("3.00 days", CostEstimate.duration(3 * 86400));
    }

    @Test
    void trainingJsonRoundTrip(@TempDir Path dir) throws Exception {
        ModelConfig s = ModelConfig.gpt2(50257, 1024, 768, 12, 12);
        JsonObject extra = new JsonObject();
        extra.addProperty("upsampled", "Robert Boulter");
        TrainingRun r = TrainingRun.of(s, 1_000_000, 100, 10_000, 100.0, "cpu", 1, Dtype.FP32,
                DevicePeak.measuredCpu(2, 165e9), 3.5, 3.7, 42L,
                List.of(new TrainingRun.DataSource("wiki.txt:10", "wiki.txt", 10, 5, 1000, "train")), extra);
        assertEquals(10_000, r.tokensPerSecond());
        assertEquals(10_000 * Flops.perToken(s) / 165e9, r.mfu(), 1e-12);
        r.write(dir);
        String json = Files.readString(dir.resolve("training.json"));
        assertTrue(json.contains("\"tokens_seen\": 1000000"), json);
        assertTrue(json.contains("\"non_embedding_params\": 85056000"), json);
        assertTrue(json.contains("\"final_val_loss\": 3.7"), json);
        assertTrue(json.contains("\"n_layer\": 12"), json);
        TrainingRun back = TrainingRun.read(dir);
        assertEquals(r, back);
        assertEquals("Robert Boulter", back.extra().get("upsampled").getAsString());

        TrainingRun partial = TrainingRun.fromJson("{\"tokens_seen\": 5, \"future_field\": [1]}", "t");
        assertEquals(5, partial.tokensSeen());
        assertEquals(0, partial.steps());
        assertEquals(null, partial.mfu());
        assertThrows(UserException.class, () -> TrainingRun.fromJson("[1,2]", "t"));
        assertThrows(UserException.class, () -> TrainingRun.read(dir.resolve("missing")));
    }
}
