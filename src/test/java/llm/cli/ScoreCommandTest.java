package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.engine.Engines;
import llm.eval.Perplexity;
import llm.model.KvCache;
import llm.model.LanguageModel;
import llm.model.Models;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** score on stories260K against an independent token-by-token computation. */
class ScoreCommandTest {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));
    static final Path MODEL = SHARED.resolve("models/stories260K/stories260K.bin");
    static final Path TOK = SHARED.resolve("models/stories260K/tok512.bin");
    static final String TEXT = "Once upon a time, there was a little dog named Max. Max liked to run in the park."
            + " One day, he saw a big red ball under a tree.\nHe ran to it and played all day.";

    @TempDir
    static Path tmp;

    static Path text;

    @BeforeAll
    static void setUp() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED), "../shared not present");
        text = tmp.resolve("t.txt");
        Files.writeString(text, TEXT + "\n");
    }

    static String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("score", "--model", MODEL.toString(), "--tokenizer", TOK.toString(),
                "--device", "cpu", "-q"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    static List<JsonObject> lines(String out) {
        List<JsonObject> r = new ArrayList<>();
        for (String l : out.split("\n")) {
            r.add(JsonParser.parseString(l).getAsJsonObject());
        }
        return r;
    }

    @Test
    void perplexityAgreesWithTokenByTokenLogprobs() {
        var r = CliHarness.run(args("--json", text.toString()));
        assertEquals(0, r.code(), r.err());
        List<JsonObject> ls = lines(r.out());
        assertEquals(2, ls.size());
        JsonObject total = ls.get(1).getAsJsonObject("summary");

        Tokenizer tok = Tokenizers.load(TOK);
        String scored = TEXT + "\n"; // the file's text exactly, its line end included
        int[] ids = tok.encode(scored);
        Perplexity want = new Perplexity();
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = Models.load(MODEL, root);
            int prev = tok.bos().getAsInt();
            try (KvCache cache = m.newCache(root, 1, ids.length)) {
                for (int id : ids) {
                    try (NDManager s = root.newSubManager()) {
                        float[] logits = m.forward(s.create(new int[] {prev}, new Shape(1, 1)), cache, true)
                                .toFloatArray();
                        want.addToken(Perplexity.logProb(logits, id));
                    }
                    prev = id;
                }
            }
        }
        want.addBytes(scored.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(ids.length, total.get("tokens").getAsInt());
        assertEquals(want.perplexity(), total.get("perplexity").getAsDouble(), 1e-4 * want.perplexity());
        assertEquals(want.bitsPerByte(), total.get("bits_per_byte").getAsDouble(), 1e-4);
        assertEquals(scored.getBytes(StandardCharsets.UTF_8).length, total.get("bytes").getAsInt());
        assertEquals(ls.get(0).get("perplexity").getAsDouble(), total.get("perplexity").getAsDouble(), 1e-9);

        // --tokens: one line per token, logprobs that sum to -NLL
        var t = CliHarness.run(args("--tokens", text.toString()));
        assertEquals(0, t.code(), t.err());
        List<JsonObject> toks = lines(t.out());
        assertEquals(ids.length, toks.size());
        double sum = 0;
        StringBuilder decoded = new StringBuilder();
        for (int i = 0; i < toks.size(); i++) {
            assertEquals(ids[i], toks.get(i).get("token_id").getAsInt());
            sum += toks.get(i).get("logprob").getAsDouble();
            decoded.append(toks.get(i).get("text").getAsString());
        }
        assertEquals(-want.nll(), sum, 1e-3);
        assertEquals(scored, decoded.toString());
    }

    /** Bits per byte of a file that is not UTF-8 divide by its own bytes, not by those of the U+FFFD it became. */
    /**
     * --limit N stops reading at its Nth document: a pipe whose writer has more to send later is not waited on (the
     * dump check read 8 KB, the loop asked for one more document, before stopping).
     */
    @Test
    void aLimitReadsNoFurtherThanItsDocuments() {
        java.io.InputStream saved = System.in;
        try {
            // two lines arrive, then reading on fails (where a real pipe would wait for its writer)
            System.setIn(new llm.io.Trickle(false,
                    "Once upon a time there was a girl.\nShe had a red ball.\n".getBytes(StandardCharsets.UTF_8)));
            var r = CliHarness.run(args("--json", "--split", "line", "--limit", "2", "-"));
            assertEquals(0, r.code(), r.err());
            List<JsonObject> ls = lines(r.out());
            assertEquals(3, ls.size(), r.out()); // two documents, the summary
            assertEquals("stdin:2", ls.get(1).get("id").getAsString());
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void bitsPerByteCountTheFileBytesNotTheReplacements(@TempDir Path dir) throws IOException {
        byte[] bytes = new byte[3000];
        new java.util.Random(3).nextBytes(bytes);
        Path file = java.nio.file.Files.write(dir.resolve("rand.dat"), bytes);
        var t = CliHarness.run("score", "--json", "--device", "cpu", "--threads", "1", "-q", file.toString());
        assertEquals(0, t.code(), t.err());
        List<JsonObject> out = lines(t.out());
        JsonObject doc = out.get(0);
        JsonObject total = out.get(out.size() - 1).getAsJsonObject("summary");
        assertEquals(3000, doc.get("bytes").getAsLong());
        assertEquals(3000, total.get("bytes").getAsLong());
        assertEquals(total.get("nll").getAsDouble() / (Math.log(2) * 3000), total.get("bits_per_byte").getAsDouble(),
                1e-5);
    }

    /** A token that is part of a UTF-8 character shows U+FFFD as text, so it carries its bytes: together, exact. */
    @Test
    void tokensThatSplitACharacterCarryTheirBytes(@TempDir Path dir) throws IOException {
        String text = "The tree — tall, naïve and old — stood.";
        Path file = dir.resolve("t.txt");
        Files.writeString(file, text);
        var t = CliHarness.run("score", "--tokens", "--device", "cpu", "-q", file.toString()); // the bundled model
        assertEquals(0, t.code(), t.err());
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        int split = 0;
        for (JsonObject o : lines(t.out())) {
            if (o.has("bytes")) {
                split++;
                for (var b : o.getAsJsonArray("bytes")) {
                    joined.write(b.getAsInt());
                }
            } else {
                joined.writeBytes(o.get("text").getAsString().getBytes(StandardCharsets.UTF_8));
            }
        }
        assertTrue(split > 0, "the default tokenizer has no merge for these characters");
        // the first token is not scored (it has no context), so compare from the second token's bytes on
        String got = joined.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith(got) && got.length() > text.length() - 4, got);
    }

    /** The check: score's perplexity of a text equals the one implied by sample --logprobs generating it. */
    @Test
    void perplexityAgreesWithSampleLogprobs() throws IOException {
        var g = CliHarness.run("sample", "--model", MODEL.toString(), "--tokenizer", TOK.toString(), "--device", "cpu",
                "-q", "--temperature", "0", "-n", "60", "--json", "--logprobs", "1");
        assertEquals(0, g.code(), g.err());
        JsonObject sample = JsonParser.parseString(g.out().strip()).getAsJsonObject();
        String generated = sample.get("text").getAsString();
        double sum = 0;
        int n = 0;
        for (var e : sample.getAsJsonArray("logprobs")) {
            sum += e.getAsJsonObject().get("logprob").getAsDouble();
            n++;
        }
        int[] ids = Tokenizers.load(TOK).encode(generated);
        int[] sampled = new int[n];
        for (int i = 0; i < n; i++) {
            sampled[i] = sample.getAsJsonArray("tokens").get(i).getAsInt();
        }
        assertEquals(java.util.Arrays.toString(sampled), java.util.Arrays.toString(ids),
                "the generated text tokenizes back to the generated ids");
        Path f = tmp.resolve("generated.txt");
        Files.writeString(f, generated);
        var r = CliHarness.run(args("--json", f.toString()));
        assertEquals(0, r.code(), r.err());
        JsonObject total = lines(r.out()).get(1).getAsJsonObject("summary");
        assertEquals(n, total.get("tokens").getAsInt());
        double ppl = Math.exp(-sum / n);
        assertEquals(ppl, total.get("perplexity").getAsDouble(), 1e-4 * ppl);
    }

    @Test
    void shortWindowsCostPerplexity() {
        var full = lines(CliHarness.run(args("--json", text.toString())).out()).get(1).getAsJsonObject("summary");
        var r = CliHarness.run(args("--json", "--ctx", "8", "--stride", "8", text.toString()));
        assertEquals(0, r.code(), r.err());
        JsonObject small = lines(r.out()).get(1).getAsJsonObject("summary");
        assertEquals(full.get("tokens").getAsInt(), small.get("tokens").getAsInt(), "every token is scored");
        assertEquals(8, small.get("ctx").getAsInt());
        assertTrue(small.get("perplexity").getAsDouble() > full.get("perplexity").getAsDouble(),
                "8 tokens of context predict worse than the whole text: " + small + " vs " + full);
        var plain = CliHarness.run(args(text.toString()));
        assertTrue(plain.out().contains("perplexity  "), plain.out());
        assertTrue(plain.out().contains("bits/byte   "), plain.out());
    }

    @Test
    void errors() throws IOException {
        assertEquals(2, CliHarness.run(args("--ctx", "1", text.toString())).code());
        assertEquals(2, CliHarness.run(args("--ctx", "1024", text.toString())).code());
        var s = CliHarness.run(args("--ctx", "8", "--stride", "9", text.toString()));
        assertEquals(2, s.code());
        assertTrue(s.err().contains("--stride must be within [1, 8]"), s.err());
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "\n");
        var e = CliHarness.run(args(empty.toString()));
        assertEquals(1, e.code());
        assertEquals("llm: " + empty + ": no text to score", e.err().strip());
        assertEquals(1, CliHarness.run(args(tmp.resolve("missing.txt").toString())).code());
    }
}
