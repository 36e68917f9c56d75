package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import llm.engine.Engines;
import llm.eval.Memorization;
import llm.eval.memorize.Document;
import llm.eval.memorize.DocumentReader;
import llm.eval.memorize.Split;
import llm.model.LanguageModel;
import llm.model.Models;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** memorize-check end to end on stories260K (../shared), against a slow token-by-token greedy reference. */
class MemorizeCheckCommandTest {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));
    static final Path MODEL = SHARED.resolve("models/stories260K/stories260K.bin");
    static final Path TOK = SHARED.resolve("models/stories260K/tok512.bin");
    static final Path STORIES = SHARED.resolve("data/tinystories/tinystories-2.5k.txt");
    static final Path GREEDY = SHARED.resolve("models/stories260K/expected/greedy_noprompt_n200.txt");

    @TempDir
    static Path tmp;

    static Path docs;

    @BeforeAll
    static void inputs() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED), "../shared not present");
        // 5 TinyStories paragraphs, one too short, then the model's own greedy text (which it must reproduce)
        List<String> paras = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(STORIES);
                DocumentReader d = DocumentReader.text(r, "s", Split.BLANK_LINE)) {
            while (paras.size() < 5) {
                paras.add(d.next().text());
            }
        }
        paras.add("Tom ran.");
        paras.add(Files.readString(GREEDY));
        docs = tmp.resolve("docs.txt");
        Files.writeString(docs, String.join("\n\n", paras) + "\n");
    }

    static List<JsonObject> records(String out) {
        List<JsonObject> rs = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                rs.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        return rs;
    }

    static String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("memorize-check", "--model", MODEL.toString(), "--tokenizer",
                TOK.toString(), "--device", "cpu", "-q"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(new String[0]);
    }

    /** Greedy decoding one token at a time, recomputing the whole sequence each step (no KV cache, no batch). */
    static int[] slowGreedy(LanguageModel m, NDManager root, int[] prompt, int steps) {
        return llm.eval.memorize.SlowGreedy.continuation(m, root, prompt, steps);
    }

    @Test
    void batchedScoresEqualSlowGreedyOnEveryDocument() throws IOException {
        var r = CliHarness.run(args("--split", "blank-line", "--prefix-tokens", "16", "--suffix-tokens", "16",
                "--batch-size", "3", "--format", "jsonl", "--json", docs.toString()));
        assertEquals(0, r.code(), r.err());
        List<JsonObject> rs = records(r.out());
        JsonObject summary = rs.remove(rs.size() - 1).getAsJsonObject("summary");
        assertEquals(7, rs.size());
        Tokenizer tok = Tokenizers.load(TOK);
        List<Document> ds = new ArrayList<>();
        try (DocumentReader d = DocumentReader.text(Files.newBufferedReader(docs), "x", Split.BLANK_LINE)) {
            d.forEachRemaining(ds::add);
        }
        int exact = 0;
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            LanguageModel m = Models.load(MODEL, root);
            for (int i = 0; i < ds.size(); i++) {
                JsonObject rec = rs.get(i);
                int[] ids = tok.encode(ds.get(i).text());
                if (ids.length < 32) {
                    assertEquals(ids.length + " tokens, fewer than 32 (prefix 16 + suffix 16)",
                            rec.get("skipped").getAsString());
                    continue;
                }
                int[] prompt = new int[17];
                prompt[0] = tok.bos().getAsInt();
                System.arraycopy(ids, 0, prompt, 1, 16);
                int[] gen = slowGreedy(m, root, prompt, 16);
                var match = Memorization.compare(gen, Arrays.copyOfRange(ids, 16, 32));
                assertEquals(match.score(), rec.get("score").getAsDouble(), 1e-6, "document " + i);
                assertEquals(match.matchTokens(), rec.get("match_tokens").getAsInt(), "document " + i);
                assertEquals(match.exact(), rec.get("exact").getAsBoolean(), "document " + i);
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                int prev = ids[15];
                for (int id : gen) {
                    text.writeBytes(tok.tokenBytes(prev, id));
                    prev = id;
                }
                assertEquals(text.toString(StandardCharsets.UTF_8), rec.get("continuation").getAsString());
                exact += match.exact() ? 1 : 0;
            }
        }
        assertTrue(rs.get(6).get("exact").getAsBoolean(), "the model recites its own greedy text");
        // and the same continuations from `llm sample --temperature 0`, token by token, for the first documents
        for (int i = 0; i < 2; i++) {
            JsonObject rec = rs.get(i);
            var g = CliHarness.run("sample", "--model", MODEL.toString(), "--tokenizer", TOK.toString(), "--device",
                    "cpu", "-q", "--temperature", "0", "-n", "16", "--json", "--prefix", rec.get("prefix").getAsString());
            assertEquals(0, g.code(), g.err());
            JsonObject sample = JsonParser.parseString(g.out().strip()).getAsJsonObject();
            assertEquals(rec.get("continuation").getAsString(), sample.get("text").getAsString(), "document " + i);
        }
        assertEquals(7, summary.get("documents").getAsInt());
        assertEquals(1, summary.get("skipped").getAsInt());
        assertEquals(exact, summary.get("exact").getAsInt());
    }

    @Test
    void failAboveExitsWithThreshold() throws IOException {
        Path own = tmp.resolve("own.txt");
        Files.writeString(own, Files.readString(GREEDY));
        var r = CliHarness.run(args("--fail-above", "0.5", "--format", "tsv", own.toString()));
        assertEquals(ExitCodes.THRESHOLD, r.code(), r.err());
        assertTrue(r.err().contains("exceeds --fail-above 0.5"), r.err());
        assertTrue(r.out().startsWith("id\twindow\t"), r.out());
        assertTrue(r.out().contains("\ttrue\t1.0000\t32\t"), r.out());
        // --samples: near-greedy sampling reproduces the text every time; very hot sampling almost never does
        var cold = CliHarness.run(args("--samples", "4", "--temperature", "0.01", "--seed", "1", "--format", "jsonl",
                own.toString()));
        assertEquals(0, cold.code(), cold.err());
        assertEquals(1.0, records(cold.out()).get(0).get("extraction_rate").getAsDouble());
        var hot = CliHarness.run(args("--samples", "4", "--temperature", "5", "--seed", "1", "--format", "jsonl",
                own.toString()));
        assertEquals(0.0, records(hot.out()).get(0).get("extraction_rate").getAsDouble());
        assertEquals(4, records(hot.out()).get(0).get("samples").getAsInt());
        // --windows: the later windows are not the model's greedy path from BOS, and --fail-above 1 never fails
        var w = CliHarness.run(args("--windows", "3", "--fail-above", "1", "--format", "jsonl", own.toString()));
        assertEquals(0, w.code(), w.err());
        List<JsonObject> rs = records(w.out());
        assertEquals(3, rs.size());
        assertEquals(0, rs.get(0).get("offset").getAsInt());
        assertTrue(rs.get(2).get("offset").getAsInt() > 100);
    }

    @Test
    void badInputs() throws IOException {
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "");
        var e = CliHarness.run(args(empty.toString()));
        assertEquals(1, e.code());
        assertTrue(e.err().contains("no documents in the input"), e.err());

        Path jsonl = tmp.resolve("d.jsonl");
        Files.writeString(jsonl, "{\"title\":\"a\"}\n{\"text\":\"" + Files.readString(GREEDY).replace("\n", "\\n")
                .replace("\"", "\\\"") + "\",\"title\":\"b\"}\n");
        var j = CliHarness.run(args("--id-field", "title", "--format", "jsonl", jsonl.toString()));
        assertEquals(0, j.code(), j.err());
        List<JsonObject> rs = records(j.out());
        assertEquals("no field 'text'", rs.get(0).get("skipped").getAsString());
        assertEquals("a", rs.get(0).get("id").getAsString());
        assertEquals("b", rs.get(1).get("id").getAsString());

        Path shortDoc = tmp.resolve("short.txt");
        Files.writeString(shortDoc, "Tom ran.");
        var s = CliHarness.run(args(shortDoc.toString()));
        assertEquals(1, s.code());
        assertTrue(s.err().contains("no document could be tested (1 skipped)"), s.err());
        assertTrue(s.out().contains("skipped: "), s.out());

        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{oops\n");
        var b = CliHarness.run(args(bad.toString()));
        assertEquals(1, b.code());
        assertTrue(b.err().contains("bad.jsonl:1: not a JSON line"), b.err());
    }

    @Test
    void usageErrors() {
        assertEquals(2, CliHarness.run(args("--prefix-tokens", "0", docs.toString())).code());
        var w = CliHarness.run(args("--prefix-sentence", "--windows", "2", docs.toString()));
        assertEquals(2, w.code());
        assertTrue(w.err().contains("--prefix-sentence"), w.err());
        assertEquals(2, CliHarness.run(args("--split", "pages", docs.toString())).code());
        assertEquals(2, CliHarness.run(args("--fail-above", "1.5", docs.toString())).code());
        var c = CliHarness.run(args("--prefix-tokens", "500", "--suffix-tokens", "100", docs.toString()));
        assertEquals(2, c.code());
        assertTrue(c.err().contains("exceed the model's context of 512"), c.err());
    }

    @Test
    void jsonKeepsStdoutJsonLinesAndRefusesAReportOrTsvWithIt() {
        var r = CliHarness.run(args("--split", "blank-line", "--prefix-tokens", "8", "--suffix-tokens", "8", "--json",
                docs.toString()));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.size() > 1, r.out());
        for (String line : lines) {
            assertTrue(com.google.gson.JsonParser.parseString(line).isJsonObject(), "a JSON line: " + line);
        }
        assertTrue(lines.get(lines.size() - 1).startsWith("{\"summary\""), r.out());
        var report = CliHarness.run(args("--format", "report", "--json", docs.toString()));
        assertEquals(2, report.code(), report.err());
        assertTrue(report.err().startsWith("llm: --json keeps stdout JSON: it takes --format jsonl"), report.err());
    }
}
