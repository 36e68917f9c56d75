package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.model.Release;
import llm.run.ModelRef;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));

    @TempDir
    Path tmp;

    static JsonObject json(CliHarness.Result r) {
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void theModelMayBeGivenWithoutTheFlag() {
        Path bundled = ModelRef.bundled();
        Assumptions.assumeTrue(bundled != null, "no bundled model");
        var flag = CliHarness.run("info", "--model", bundled.toString(), "--json");
        var positional = CliHarness.run("info", bundled.toString(), "--json");
        assertEquals(json(flag), json(positional));
        var both = CliHarness.run("info", "--model", bundled.toString(), tmp.toString());
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("two models given"), both.err());
    }

    @Test
    void stories260KCountedExactly() {
        Path bin = SHARED.resolve("models/stories260K/stories260K.bin");
        Assumptions.assumeTrue(Files.isRegularFile(bin), "../shared not present");
        var r = CliHarness.run("info", "--model", bin.toString(), "--tokenizer",
                SHARED.resolve("models/stories260K/tok512.bin").toString(), "--json", "--tensors");
        JsonObject o = json(r);
        JsonObject p = o.getAsJsonObject("parameters");
        // dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads, vocab 512, shared classifier
        assertEquals(260_032, p.get("total").getAsLong());
        assertEquals(260_032, p.get("stored_total").getAsLong());
        assertEquals(32_768, p.get("embeddings").getAsLong());
        assertEquals(61_440, p.get("attention").getAsLong());
        assertEquals(165_120, p.get("mlp").getAsLong());
        assertEquals(704, p.get("norms").getAsLong());
        assertEquals(0, p.get("head").getAsLong());
        assertEquals("llama2c", o.get("format").getAsString());
        assertEquals(4, o.getAsJsonObject("config").get("num_key_value_heads").getAsInt());
        assertEquals(512, o.getAsJsonObject("tokenizer").get("vocab_size").getAsInt());
        assertEquals(1, o.getAsJsonObject("tokenizer").getAsJsonObject("bos").get("id").getAsInt());
        assertEquals(1 + 5 * 9 + 1, o.getAsJsonArray("tensors").size());
        var text = CliHarness.run("info", "--model", bin.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("parameters     260,032\n"), text.out());
        assertTrue(text.out().contains("tied to the token embeddings"), text.out());
    }

    @Test
    void gpt2SmallConfigCountsTiedEmbeddingsOnce() throws IOException {
        Path dir = tmp.resolve("gpt2-124m");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), new GsonBuilder().create()
                .toJson(ModelConfig.gpt2(50257, 1024, 768, 12, 12).toHfJson()));
        var r = CliHarness.run("info", "--model", dir.toString(), "--json");
        JsonObject p = json(r).getAsJsonObject("parameters");
        assertEquals(124_439_808L, p.get("total").getAsLong());
        assertEquals(0, p.get("head").getAsLong());
        assertEquals(38_597_376L + 786_432L, p.get("embeddings").getAsLong());
        assertTrue(!p.has("stored_total"), "no tensors were stored");
    }

    @Test
    void releaseDirectoryTensorsFilesTokenizerTraining() throws IOException {
        Path gpt2Tok = SHARED.resolve("tokenizers/gpt2/tokenizer.json");
        Assumptions.assumeTrue(Files.isRegularFile(gpt2Tok), "../shared not present");
        Path dir = tmp.resolve("tiny");
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = LanguageModel.create(ModelConfig.gpt2(50257, 32, 16, 2, 2), root, 1);
            Release.write(dir, m, gpt2Tok, null);
        }
        Files.writeString(dir.resolve("training.json"), "{\"steps\": 100, \"tokens\": 51200}");
        JsonObject o = json(CliHarness.run("info", "--model", dir.toString(), "--json", "--tensors"));
        long total = o.getAsJsonObject("parameters").get("total").getAsLong();
        assertEquals(50257L * 16 + 32 * 16 + 2 * (4 * 16 + 16 * 48 + 48 + 16 * 16 + 16 + 16 * 64 + 64 + 64 * 16 + 16)
                + 2 * 16, total);
        assertEquals(total, o.getAsJsonObject("parameters").get("stored_total").getAsLong());
        assertEquals(2 + 2 * 12 + 2, o.getAsJsonArray("tensors").size());
        assertEquals("F32", o.getAsJsonArray("tensors").get(0).getAsJsonObject().get("dtype").getAsString());
        assertEquals(50257, o.getAsJsonObject("tokenizer").get("vocab_size").getAsInt());
        assertEquals("<|endoftext|>", o.getAsJsonObject("tokenizer").getAsJsonObject("eos").get("piece")
                .getAsString());
        assertEquals(100, o.getAsJsonObject("training").get("steps").getAsInt());
        assertEquals(4, o.getAsJsonArray("files").size()); // config, weights, tokenizer, training
        var text = CliHarness.run("info", "--model", dir.toString(), "--tensors");
        assertTrue(text.out().contains("  steps"), text.out());
        assertTrue(text.out().contains("transformer.h.1.mlp.c_fc.weight"), text.out());
        assertTrue(text.out().contains("model.safetensors"), text.out());
    }

    @Test
    void trainingNumbersAreReadableAndABrokenTrainingJsonIsSaidToBeBroken() throws IOException {
        Path dir = tmp.resolve("small");
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = LanguageModel.create(ModelConfig.gpt2(257, 16, 16, 1, 2), root, 1);
            Path tok = tmp.resolve("bytes.json"); // 256 byte tokens + <|endoftext|>, no merges; needs no ../shared
            llm.tokenizer.BpeTrainer.train(List.of("hello"), 257, tok);
            Release.write(dir, m, tok, null);
        }
        Files.writeString(dir.resolve("training.json"),
                "{\"steps\": 100, \"seconds\": 1.3764476049999999, \"peak_flops\": 1.7775515326252927E11}");
        var text = CliHarness.run("info", "--model", dir.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("  steps                100\n"), text.out());
        assertTrue(text.out().contains("  seconds              1.37645\n"), text.out());
        assertTrue(text.out().contains("  peak_flops           1.77755e+11\n"), text.out());
        // --json keeps the numbers as they are
        assertEquals(1.3764476049999999, json(CliHarness.run("info", "--model", dir.toString(), "--json"))
                .getAsJsonObject("training").get("seconds").getAsDouble());

        var badTok = CliHarness.run("info", "--model", dir.toString(), "--tokenizer", tmp.resolve("nope.json").toString());
        assertEquals(1, badTok.code(), badTok.out());
        assertTrue(badTok.err().startsWith("llm: ") && badTok.err().contains("nope.json"), badTok.err());

        for (String broken : List.of("xx", "{\"steps\":")) {
            Files.writeString(dir.resolve("training.json"), broken);
            text = CliHarness.run("info", "--model", dir.toString());
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("training       (training.json is not"), text.out());
        }
    }

    @Test
    void missingModelIsARuntimeError() {
        var r = CliHarness.run("info", "--model", tmp.resolve("nope").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("llm: "), r.err());
    }
}
