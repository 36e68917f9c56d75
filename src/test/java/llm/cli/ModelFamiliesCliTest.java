package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import llm.model.Architecture;
import llm.model.HfReleaseFixture;
import llm.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on releases of the families beyond GPT-2 and Llama (random weights in the HF layout). */
class ModelFamiliesCliTest {
    @TempDir
    Path tmp;

    static ModelConfig pythiaShaped() {
        return new ModelConfig(Architecture.GPT_NEOX, 300, 64, 64, 2, 4, 4, 256, 1e-5f, 10000f, false, null, 0, 4,
                null, true, false, true, List.of());
    }

    @Test
    void infoShowsTheFamilyAndItsParametersByPart() throws Exception {
        Path dir = tmp.resolve("pythia");
        HfReleaseFixture.write(dir, pythiaShaped(), 1, "BF16", 2);
        var r = CliHarness.run("info", "--model", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("architecture   gpt_neox: 2 layers, width 64, 4 heads (head size 16)"), r.out());
        assertTrue(r.out().contains("rope theta 10000 on 4 of 16 head dims, gelu, parallel residual, untied"),
                r.out());
        var j = CliHarness.run("info", "--model", dir.toString(), "--json");
        JsonObject p = JsonParser.parseString(j.out()).getAsJsonObject().getAsJsonObject("parameters");
        long c = 64, f = 256, v = 300;
        assertEquals(v * c, p.get("embeddings").getAsLong()); // embed_in
        assertEquals(v * c, p.get("head").getAsLong()); // embed_out
        assertEquals(2 * (c * 3 * c + 3 * c + c * c + c), p.get("attention").getAsLong());
        assertEquals(2 * (c * f + f + f * c + c), p.get("mlp").getAsLong());
        assertEquals(2 * 4 * c + 2 * c, p.get("norms").getAsLong());
        assertEquals(p.get("total").getAsLong(), p.get("stored_total").getAsLong());
    }

    @Test
    void sampleAndMemorizeCheckRunAPythiaShapedRelease() throws Exception {
        Path dir = tmp.resolve("pythia");
        HfReleaseFixture.write(dir, pythiaShaped(), 2, "F32", 1);
        var s = CliHarness.run("sample", "--model", dir.toString(), "--prefix", "Once upon a time", "-n", "6",
                "--temperature", "0", "--json", "--threads", "1");
        assertEquals(0, s.code(), s.err());
        JsonObject o = JsonParser.parseString(s.out().lines().findFirst().orElseThrow()).getAsJsonObject();
        assertEquals(6, o.getAsJsonArray("tokens").size());
        Path docs = Files.writeString(tmp.resolve("docs.txt"), HfReleaseFixture.TEXT);
        var m = CliHarness.run("memorize-check", "--model", dir.toString(), "--prefix-tokens", "8",
                "--suffix-tokens", "8", "--json", "--format", "jsonl", docs.toString());
        assertEquals(0, m.code(), m.err());
        assertTrue(m.out().contains("\"summary\""), m.out());
    }

    @Test
    void costCountsAPythiaRelease() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pythia-160m"));
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["GPTNeoXForCausalLM"], "hidden_act": "gelu", "hidden_size": 768,
                 "intermediate_size": 3072, "layer_norm_eps": 1e-05, "max_position_embeddings": 2048,
                 "model_type": "gpt_neox", "num_attention_heads": 12, "num_hidden_layers": 12, "rotary_emb_base": 10000,
                 "rotary_pct": 0.25, "tie_word_embeddings": false, "use_parallel_residual": true, "vocab_size": 50304}""");
        var r = CliHarness.run("cost", "--model", dir.toString(), "--tokens", "300B", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(162_322_944L, o.get("params").getAsLong()); // transformers' num_parameters() for pythia-160m
        assertEquals(162_322_944L - 50304L * 768, o.get("flops_params").getAsLong()); // embed_in is a lookup
    }

    @Test
    void trainBuildsOnlyGpt2AndLlama() {
        var r = CliHarness.run("train", "--arch", "gpt_neox", "--data", "x.txt", "--vocab-size", "300", "--out",
                tmp.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--arch gpt_neox: not trained by llm (read from releases only) (gpt2 or llama)"),
                r.err());
    }

    @Test
    void anUnknownModelTypeIsOneLine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rwkv"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"rwkv\"}");
        var r = CliHarness.run("info", "--model", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("llm: " + dir.resolve("config.json") + ": model_type 'rwkv' is not supported (gpt2, llama,"
                + " gpt_neox, gpt_neo, qwen2, mistral)", r.err().strip());
    }
}
