package llm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import llm.engine.Engines;
import llm.io.Log;
import llm.io.Stdio;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.model.Release;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCommandTest {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));
    static final Path STORIES = SHARED.resolve("models/stories260K");

    record Run(int code, byte[] stdout, String out, String err) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    static Run run(String... args) {
        OutputStream saved = Stdio.stdout();
        java.io.PrintStream savedErr = Log.err();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Stdio.setStdout(bytes);
        Log.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            CliHarness.Result r = CliHarness.run(args);
            return new Run(r.code(), bytes.toByteArray(), r.out(), r.err() + log.toString(StandardCharsets.UTF_8));
        } finally {
            Stdio.setStdout(saved);
            Log.setErr(savedErr);
        }
    }

    static String[] stories(String... more) {
        String[] base = {"sample", "--model", STORIES.resolve("stories260K.bin").toString(), "--tokenizer",
            STORIES.resolve("tok512.bin").toString(), "--threads", "1"};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @BeforeAll
    static void needShared() {
        Assumptions.assumeTrue(Files.isDirectory(STORIES), "../shared not present");
    }

    @Test
    void greedyStories260KIsByteIdenticalToLlama2c() throws Exception {
        Run r = run(stories("--temperature", "0", "-n", "200"));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(STORIES.resolve("expected/greedy_noprompt_n200.txt")), r.stdout());
    }

    @Test
    void echoPrintsThePrefixThenTheGreedyContinuation() {
        Run a = run(stories("--temperature", "0", "-n", "20", "--echo", "--prefix", "Lily saw a cat"));
        assertEquals(0, a.code(), a.err());
        assertTrue(a.text().startsWith("Lily saw a cat"), a.text());
        assertTrue(a.text().length() > "Lily saw a cat".length() + 10);
        Run b = run(stories("--temperature", "0", "-n", "20", "--prefix", "Lily saw a cat"));
        assertEquals(a.text().substring("Lily saw a cat".length()), b.text());
    }

    @Test
    void seedsReproduceAndDifferAndGreedySamplesAgree() {
        Run a = run(stories("--seed", "5", "-n", "40", "--num-samples", "2"));
        Run b = run(stories("--seed", "5", "-n", "40", "--num-samples", "2"));
        Run c = run(stories("--seed", "6", "-n", "40", "--num-samples", "2"));
        assertEquals(0, a.code(), a.err());
        assertEquals(a.text(), b.text());
        assertNotEquals(a.text(), c.text());
        String[] twoSampled = a.text().split("\n---\n");
        assertEquals(2, twoSampled.length);
        assertNotEquals(twoSampled[0], twoSampled[1]);
        Run g = run(stories("--temperature", "0", "-n", "30", "--num-samples", "3"));
        String[] greedy = g.text().split("\n---\n");
        assertEquals(3, greedy.length);
        assertEquals(greedy[0], greedy[1]);
        assertEquals(greedy[0], greedy[2]);
        Run seedless = run(stories("-n", "3"));
        assertTrue(seedless.err().contains("seed"), seedless.err());
    }

    @Test
    void engineFreeAndEnginePathsSampleTheSameTokens() {
        // on a CPU-only machine `sample` reads the weights into Java arrays and never starts libtorch; with the
        // DJL decoder it goes through the engine: same tokens, logprobs equal to float rounding
        String[] args = stories("--seed", "4", "-n", "24", "--temperature", "0.9", "--json", "--logprobs", "2",
                "--prefix", "The dog");
        Run free = run(args);
        Run engine;
        System.setProperty("llm.decoder", "djl");
        try {
            engine = run(args);
        } finally {
            System.clearProperty("llm.decoder");
        }
        assertEquals(0, free.code(), free.err());
        assertEquals(0, engine.code(), engine.err());
        JsonObject a = JsonParser.parseString(free.out().trim()).getAsJsonObject();
        JsonObject b = JsonParser.parseString(engine.out().trim()).getAsJsonObject();
        assertEquals(a.get("text"), b.get("text"));
        assertEquals(a.get("tokens"), b.get("tokens"));
        JsonArray la = a.getAsJsonArray("logprobs");
        JsonArray lb = b.getAsJsonArray("logprobs");
        assertEquals(24, la.size());
        for (int i = 0; i < la.size(); i++) {
            assertEquals(la.get(i).getAsJsonObject().get("logprob").getAsDouble(),
                    lb.get(i).getAsJsonObject().get("logprob").getAsDouble(), 1e-4);
        }
    }

    @Test
    void jsonWithLogprobsDescribesEachToken() {
        Run r = run(stories("--temperature", "0", "-n", "12", "--json", "--logprobs", "3", "--prefix", "Once"));
        assertEquals(0, r.code(), r.err());
        assertEquals(0, r.stdout().length);
        JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
        JsonArray tokens = o.getAsJsonArray("tokens");
        JsonArray lps = o.getAsJsonArray("logprobs");
        assertEquals(tokens.size(), lps.size());
        assertEquals("length", o.get("finish_reason").getAsString());
        for (int i = 0; i < lps.size(); i++) {
            JsonObject t = lps.get(i).getAsJsonObject();
            JsonArray top = t.getAsJsonArray("top");
            assertEquals(3, top.size());
            // greedy: the chosen token is the top alternative
            assertEquals(tokens.get(i).getAsInt(), t.get("id").getAsInt());
            assertEquals(t.get("id").getAsInt(), top.get(0).getAsJsonObject().get("id").getAsInt());
            assertEquals(t.get("logprob").getAsDouble(), top.get(0).getAsJsonObject().get("logprob").getAsDouble(),
                    1e-9);
            assertTrue(t.get("logprob").getAsDouble() <= 0);
        }
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        Run full = run(stories("--temperature", "0", "-n", "60"));
        String text = full.text();
        int dot = text.indexOf('.');
        assertTrue(dot > 0);
        Run cut = run(stories("--temperature", "0", "-n", "60", "--stop", "."));
        assertEquals(text.substring(0, dot), cut.text());
        Run json = run(stories("--temperature", "0", "-n", "60", "--stop", ".", "--json"));
        assertEquals("stop", JsonParser.parseString(json.out().trim()).getAsJsonObject().get("finish_reason")
                .getAsString());
    }

    @Test
    void badOptionsAreUsageErrors() {
        Run r = run(stories("--top-p", "1.5"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--top-p"), r.err());
        assertEquals(2, run(stories("--logprobs", "2")).code());
        assertEquals(2, run(stories("--temperature", "-1")).code());
        assertEquals(2, run(stories("--num-samples", "0")).code());
        Run missing = run("sample", "--model", "/nonexistent/model.bin");
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
    }

    @Test
    void gpt2_release_written_by_the_project_samples(@TempDir Path dir) throws Exception {
        Path tokJson = SHARED.resolve("tokenizers/gpt2/tokenizer.json");
        Assumptions.assumeTrue(Files.isRegularFile(tokJson), "gpt2 tokenizer not present");
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            LanguageModel model = LanguageModel.create(ModelConfig.gpt2(50257, 64, 16, 1, 2), m, 1);
            Release.write(dir.resolve("rel"), model, tokJson, null);
        }
        Run a = run("sample", "--model", dir.resolve("rel").toString(), "--prefix", "Hello world", "-n", "8",
                "--seed", "3", "--echo", "--json");
        assertEquals(0, a.code(), a.err());
        JsonObject o = JsonParser.parseString(a.out().trim()).getAsJsonObject();
        assertTrue(o.get("text").getAsString().startsWith("Hello world"));
        String finish = o.get("finish_reason").getAsString();
        assertTrue(finish.equals("length") ? o.getAsJsonArray("tokens").size() == 8 : finish.equals("eos"), finish);
    }

    static Path safetensors(Path dir, String name, long headerLen, String header, int dataBytes) throws Exception {
        Path rel = Files.createDirectories(dir.resolve(name));
        Files.writeString(rel.resolve("config.json"), ModelConfig.gpt2(8, 4, 4, 1, 1).toHfJson().toString());
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLen).put(h);
        Files.write(rel.resolve("model.safetensors"), b.array());
        Files.writeString(rel.resolve("tokenizer.json"), "{}");
        return rel;
    }

    static void oneLineError(Path release, String expect) {
        Run r = run("sample", "--model", release.toString(), "--tokenizer", STORIES.resolve("tok512.bin").toString(),
                "-n", "1");
        assertEquals(1, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("llm: ") && err.contains(expect), err);
        assertFalse(err.contains("Exception"), err);
    }

    @Test
    void truncatedOversizedAndWrongDtypeSafetensorsAreClearErrors(@TempDir Path dir) throws Exception {
        String hdr = "{\"transformer.wte.weight\":{\"dtype\":\"F32\",\"shape\":[8,4],\"data_offsets\":[0,128]}}";
        oneLineError(safetensors(dir, "truncated", hdr.length(), hdr, 20), "truncated");
        oneLineError(safetensors(dir, "oversized", 1L << 40, hdr, 0), "header length");
        oneLineError(safetensors(dir, "header-past-end", 5000, hdr, 0), "truncated");
        String i32 = "{\"transformer.wte.weight\":{\"dtype\":\"I32\",\"shape\":[8,4],\"data_offsets\":[0,128]}}";
        oneLineError(safetensors(dir, "dtype", i32.length(), i32, 128), "dtype I32");
        String bad = "{\"transformer.wte.weight\":{\"dtype\":\"F32\",\"shape\":[8,5],\"data_offsets\":[0,128]}}";
        oneLineError(safetensors(dir, "shape", bad.length(), bad, 128), "needs 160 bytes");
    }
}
