package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import llm.compute.TrainingRun;
import llm.engine.DevicePeak;
import llm.engine.Dtype;
import llm.model.ModelConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostCommandTest {
    static JsonObject json(String... args) {
        CliHarness.Result r = CliHarness.run(args);
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out().strip()).getAsJsonObject();
    }

    @Test
    void llama3_405B() {
        JsonObject o = json("cost", "--params", "405B", "--tokens", "15T", "--gpus", "16384", "--json");
        assertEquals(3.645e25, o.get("flops").getAsDouble(), 1e21);
        // 3.645e25 / (989.4e12 × 0.4) / 3600 = 25.58M H100-hours, $76.75M at $3
        assertEquals(25.58e6, o.get("gpu_hours").getAsDouble(), 0.01e6);
        assertEquals(76.75e6, o.get("dollars").getAsDouble(), 0.01e6);
        assertEquals(25.58e6 * 3600 / 16384, o.get("wall_seconds").getAsDouble(), 0.01e6 * 3600 / 16384);
        assertEquals(405_000_000_000L, o.get("params").getAsLong());
        for (String unknown : new String[] {"n_layer", "d_model", "ctx"}) { // no shape given: unknown, not 0
            assertTrue(o.has(unknown) && o.get(unknown).isJsonNull(), unknown + ": " + o.get(unknown));
        }
    }

    @Test
    void gpt2_1_6B_humanTable() {
        CliHarness.Result r = CliHarness.run("cost", "--params", "1.6B", "--tokens", "100B", "--price", "2",
                "--mfu", "0.5", "--gpu", "a100");
        assertEquals(0, r.code(), r.err());
        // 9.6e20 / (312e12 × 0.5) / 3600 = 1,709 GPU-hours, $3,419
        assertTrue(r.out().contains("9.60e20"), r.out());
        assertTrue(r.out().contains("GPU-hours    1,709\n"), r.out());
        assertTrue(r.out().contains("$3,418.80 at $2.00 per GPU-hour"), r.out());
        assertTrue(r.out().contains("NVIDIA A100"), r.out());
    }

    @Test
    void modelFromConfigHasTheAttentionTerm(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "gpt2", "vocab_size": 50257, "n_positions": 1024, "n_embd": 768, "n_layer": 12,
                 "n_head": 12}""");
        JsonObject o = json("cost", "--model", dir.toString(), "--tokens", "10B", "--json");
        assertEquals(124_439_808L, o.get("params").getAsLong());
        assertEquals(123_653_376L, o.get("flops_params").getAsLong());
        assertEquals(12, o.get("n_layer").getAsInt());
        assertEquals(768, o.get("d_model").getAsInt());
        double fpt = 6.0 * 123_653_376 + 12.0 * 12 * 1024 * 768;
        assertEquals(fpt, o.get("flops_per_token").getAsDouble(), 1);
        assertEquals(fpt * 10e9, o.get("flops").getAsDouble(), 1e6);
        // default tokens: Chinchilla's 20 per parameter; --ctx changes the attention term
        JsonObject c = json("cost", "--model", dir.resolve("config.json").toString(), "--ctx", "256", "--json");
        assertEquals(20 * 124_439_808.0, c.get("tokens").getAsDouble(), 1);
        assertEquals(256, c.get("ctx").getAsInt());
        assertEquals(6.0 * 123_653_376 + 12.0 * 12 * 256 * 768, c.get("flops_per_token").getAsDouble(), 1);
        // the weights file of a release stands for its directory, as in score, info and sample
        Files.write(dir.resolve("model.safetensors"), new byte[] {(byte) 0xff, 0, 1, 2});
        assertEquals(124_439_808L, json("cost", "--model", dir.resolve("model.safetensors").toString(), "--json")
                .get("params").getAsLong());
    }

    @Test
    void paramsWithShape() {
        JsonObject o = json("cost", "--params", "124M", "--layers", "12", "--d-model", "768", "--ctx", "1024",
                "--tokens", "1B", "--json");
        assertEquals(6 * 124e6 + 12.0 * 12 * 1024 * 768, o.get("flops_per_token").getAsDouble(), 1);
    }

    @Test
    void stories260K() {
        Path bin = Path.of(System.getProperty("llm.shared", "../shared"), "models/stories260K/stories260K.bin");
        Assumptions.assumeTrue(Files.isRegularFile(bin), "../shared not present");
        JsonObject o = json("cost", "--model", bin.toString(), "--tokens", "1B", "--json");
        assertEquals(260_032L, o.get("params").getAsLong());
        assertEquals(512, o.get("ctx").getAsInt());
    }

    @Test
    void llama2cVersion1CountsAsInfoDoes(@TempDir Path dir) throws Exception {
        // an "ak42" version-1 export: 256-byte header (magic, version, 7 × int32, shared classifier flag), then
        // norms, embedding, wq, wk, wv, wo, w1, w2, w3 — dim 8, hidden 16, 2 layers, 2 heads, 1 kv head, vocab 16
        int dim = 8, hidden = 16, layers = 2, heads = 2, kvHeads = 1, vocab = 16, seqLen = 8;
        int kv = kvHeads * dim / heads;
        int floats = layers * dim * 2 + dim + vocab * dim
                + layers * (dim * dim + 2 * kv * dim + dim * dim + 3 * hidden * dim);
        ByteBuffer b = ByteBuffer.allocate(256 + 4 * floats).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x616b3432).putInt(1);
        for (int v : new int[] {dim, hidden, layers, heads, kvHeads, vocab, seqLen}) {
            b.putInt(v);
        }
        b.put((byte) 1);
        b.position(256);
        for (int i = 0; i < floats; i++) {
            b.putFloat(0.01f * (i % 7));
        }
        Path bin = Files.write(dir.resolve("v1.bin"), b.array());
        CliHarness.Result info = CliHarness.run("info", "--model", bin.toString(), "--json");
        assertEquals(0, info.code(), info.err());
        long total = JsonParser.parseString(info.out()).getAsJsonObject().getAsJsonObject("parameters")
                .get("total").getAsLong();
        assertEquals(floats, total); // the tied classifier is the embedding: every stored float is a parameter
        JsonObject cost = json("cost", "--model", bin.toString(), "--tokens", "1M", "--json");
        assertEquals(total, cost.get("params").getAsLong());
        assertEquals("llama", cost.get("arch").getAsString());
        assertEquals(seqLen, cost.get("ctx").getAsInt());
    }

    @Test
    void badInputIsAUsageErrorOnOneLine() {
        String[][] bad = {
            {"cost", "--params", "12X"}, {"cost", "--params", "1B", "--tokens", "-5"}, {"cost"},
            {"cost", "--params", "1B", "--mfu", "1.5"}, {"cost", "--params", "1B", "--gpu", "k80"},
            {"cost", "--params", "1B", "--gpus", "0"}, {"cost", "--params", "1B", "--tokens", "1B",
                "--tokens-per-param", "20"}, {"cost", "--params", "1B", "--layers", "4"},
            {"cost", "--params", "1B", "--gpu", "t4"}, {"cost", "--params", "1B", "--dtype", "int4"},
            {"cost", "--params", "1B", "--price", "-1"}, {"cost", "--params", "0.5", "--tokens", "1B"},
            {"cost", "--params", "1B", "--tokens", "0.1"}};
        for (String[] args : bad) {
            CliHarness.Result r = CliHarness.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("llm: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals("", r.out());
        }
        assertEquals(1, CliHarness.run("cost", "--model", "/nonexistent/x").code());
        assertEquals(1, CliHarness.run("cost", "--from-run", "/nonexistent/x").code());
    }

    @Test
    void fromRun(@TempDir Path dir) throws Exception {
        ModelConfig s = ModelConfig.gpt2(256, 128, 64, 2, 4);
        TrainingRun run = TrainingRun.of(s, 1_000_000, 100, 10_000, 200.0, "cpu", 1, Dtype.FP32,
                DevicePeak.measuredCpu(2, 165e9), 2.0, 2.1, 1L, List.of(), null);
        run.write(dir);
        // the run itself: 5,000 tokens/s measured (training.json), the same tokens → 200 s
        JsonObject same = json("cost", "--from-run", dir.toString(), "--price", "1", "--json");
        assertEquals(1_000_000, same.get("tokens").getAsLong());
        assertEquals(200.0, same.get("wall_seconds").getAsDouble(), 1e-6);
        assertEquals(200.0 / 3600, same.get("dollars").getAsDouble(), 1e-9);
        assertEquals(run.mfu(), same.get("mfu").getAsDouble(), 1e-12);
        // a price written with its dollar sign; without --price, a CPU run is said to get a GPU's price
        JsonObject dollar = json("cost", "--from-run", dir.toString(), "--price", "$1", "--json");
        assertEquals(same.get("dollars").getAsDouble(), dollar.get("dollars").getAsDouble(), 1e-12);
        CliHarness.Result bad = CliHarness.run("cost", "--from-run", dir.toString(), "--price", "$x");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("'$x' is not a price in dollars"), bad.err());
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream savedErr = llm.io.Log.err();
        try {
            llm.io.Log.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(0, CliHarness.run("cost", "--from-run", dir.toString()).code());
            assertEquals(0, CliHarness.run("cost", "--from-run", dir.toString(), "--price", "0.10").code());
        } finally {
            llm.io.Log.setErr(savedErr);
        }
        assertEquals("llm: warning: --price not given: $3.00 is a GPU-hour price, applied here to the CPU's "
                + "device-hours; give --price for this machine\n", log.toString(java.nio.charset.StandardCharsets.UTF_8));
        // metrics.jsonl takes precedence: median of the last half (steady state), torn lines skipped
        Files.writeString(dir.resolve("metrics.jsonl"), """
                {"step": 1, "tokens_per_s": 100, "mfu": 0.001}
                {"step": 2, "tokens_per_s": 9000, "mfu": 0.09}
                {"step": 3, "tokens_per_s": 10000, "mfu": 0.1}
                {"step": 4, "tokens_per_s": 10000, "mfu": 0.1}
                {"step": 5, "tokens_p""");
        JsonObject m = json("cost", "--from-run", dir.toString(), "--tokens", "10M", "--json");
        assertEquals(10_000, m.getAsJsonObject("run").get("tokens_per_s").getAsDouble(), 1e-9);
        assertEquals(1000.0, m.get("wall_seconds").getAsDouble(), 1e-6);
        // on another GPU: at the measured MFU against that GPU's peak
        JsonObject g = json("cost", "--from-run", dir.toString(), "--tokens", "10M", "--gpu", "h100", "--gpus", "1",
                "--json");
        assertEquals(0.1, g.get("mfu").getAsDouble(), 1e-12);
        assertEquals(10e6 * Double.parseDouble(g.get("flops_per_token").getAsString()) / (989.4e12 * 0.1),
                g.get("wall_seconds").getAsDouble(), 1e-9);
    }

    @Test
    void badConfigIsOneLineInWordsAsSampleSaysIt(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("text.txt"), "hello world\n");
        Path truncated = Files.writeString(dir.resolve("truncated.json"), "{\"model_type\": \"gpt2\",\n");
        Path abc = Files.writeString(dir.resolve("abc.json"), "{\"model_type\": \"gpt2\", \"n_embd\": \"abc\", "
                + "\"n_layer\": 2, \"n_head\": 2, \"vocab_size\": 10, \"n_positions\": 8}");
        Path flag = Files.writeString(dir.resolve("flag.json"), "{\"model_type\": \"gpt2\", \"n_embd\": 8, "
                + "\"n_layer\": 2, \"n_head\": 2, \"vocab_size\": 10, \"n_positions\": 8, \"tie_word_embeddings\": 3}");
        Path type = Files.writeString(dir.resolve("type.json"), "{\"model_type\": {\"x\": 1}}");
        String[][] cases = {
            {text.toString(), "text.txt: not valid JSON (malformed JSON at column "},
            {truncated.toString(), "truncated.json: not valid JSON (unexpected end of input at line 2 column 1)"},
            {abc.toString(), "abc.json: n_embd is not a number: \"abc\""},
            {flag.toString(), "flag.json: tie_word_embeddings is not true/false: 3"},
            {type.toString(), "type.json: model_type is not a string: {\"x\":1}"},
        };
        for (String[] c : cases) {
            CliHarness.Result r = CliHarness.run("cost", "--model", c[0]);
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().contains(c[1]), r.err());
            for (String leak : List.of("Exception", "gson", "JsonReader", "For input string")) {
                assertTrue(!r.err().contains(leak), leak + " in: " + r.err());
            }
        }
        // the same words as sample/info/score give for the same file (Release.readConfig)
        Path rel = Files.createDirectories(dir.resolve("rel"));
        Files.copy(truncated, rel.resolve("config.json"));
        CliHarness.Result info = CliHarness.run("info", "--model", rel.toString());
        assertEquals(1, info.code(), info.err());
        assertTrue(info.err().contains("config.json: not valid JSON (unexpected end of input at line 2 column 1)"),
                info.err());
    }
}
