package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every document-reading command on the real English dump of ../shared, as Wikimedia ships it. */
class WikiDumpCliTest {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));
    static final Path DUMP = SHARED.resolve(
            "data/wikipedia-dumps/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2");
    static final Path MODEL = SHARED.resolve("models/stories260K/stories260K.bin");
    static final Path TOK = SHARED.resolve("models/stories260K/tok512.bin");

    @TempDir
    static Path tmp;

    @BeforeAll
    static void shared() {
        Assumptions.assumeTrue(Files.isRegularFile(DUMP), "../shared not present");
    }

    static List<JsonObject> lines(String out) {
        List<JsonObject> rs = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank()) {
                rs.add(JsonParser.parseString(l).getAsJsonObject());
            }
        }
        return rs;
    }

    static String[] model(String command, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, "--model", MODEL.toString(), "--tokenizer", TOK.toString(),
                "--device", "cpu", "-q"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void memorizeCheckTestsTheArticles() {
        var r = CliHarness.run(model("memorize-check", "--format", "jsonl", "--json", DUMP.toString()));
        assertEquals(0, r.code(), r.err());
        List<JsonObject> rs = lines(r.out());
        JsonObject summary = rs.remove(rs.size() - 1).getAsJsonObject("summary");
        assertEquals(106, summary.get("documents").getAsInt());
        assertTrue(summary.get("tested").getAsInt() >= 95, summary.toString());
        assertEquals("Anarchism", rs.get(0).get("id").getAsString());
        assertTrue(rs.get(0).get("prefix").getAsString().startsWith("Anarchism is a political philosophy"),
                rs.get(0).toString());
    }

    @Test
    void titlesSelectExactlyThoseArticles() throws IOException {
        var r = CliHarness.run(model("memorize-check", "--titles", "Aardvark", "--prefix-sentence", "--format",
                "jsonl", DUMP.toString()));
        assertEquals(0, r.code(), r.err());
        List<JsonObject> rs = lines(r.out());
        assertEquals(1, rs.size(), r.out());
        assertEquals("Aardvark", rs.get(0).get("id").getAsString());
        Path list = tmp.resolve("titles.txt");
        Files.writeString(list, "Albert_Einstein\n\nAardvark\nNo such article\n");
        assertEquals(List.of("extract", "--titles=@" + list, "--limit", "1", "--", "--titles", "@x"),
                List.of(DocumentOptions.keepTitleFiles("extract", "--titles", "@" + list, "--limit", "1", "--",
                        "--titles", "@x")), "llm run joins them: picocli would expand @FILE as an argument file");
        var e = CliHarness.run(DocumentOptions.keepTitleFiles("extract", "--titles", "@" + list, DUMP.toString()));
        assertEquals(0, e.code(), e.err());
        List<JsonObject> docs = lines(e.out());
        assertEquals(List.of("Aardvark", "Albert Einstein"), docs.stream().map(o -> o.get("id").getAsString())
                .toList(), "in dump order");
        assertEquals("Aardvark", docs.get(0).get("title").getAsString());
        assertTrue(docs.get(0).get("text").getAsString().startsWith("The aardvark"), docs.get(0).toString());
        var missing = CliHarness.run("extract", "--titles=@" + tmp.resolve("none.txt"), DUMP.toString());
        assertEquals(2, missing.code());
        assertEquals("llm: --titles @" + tmp.resolve("none.txt") + ": no such file\n", missing.err());
    }

    @Test
    void scoreAcceptsTheDump() {
        var r = CliHarness.run(model("score", "--split", "line", "--json", "--titles",
                "Asia Minor (disambiguation)", DUMP.toString()));
        assertEquals(0, r.code(), r.err());
        List<JsonObject> rs = lines(r.out());
        assertEquals(2, rs.size(), r.out());
        assertEquals("Asia Minor (disambiguation)", rs.get(0).get("id").getAsString());
        assertTrue(rs.get(0).get("tokens").getAsInt() > 50, rs.get(0).toString());
    }

    @Test
    void trainReadsOneDocumentPerArticle() throws IOException {
        Path tok = llm.train.TestTokenizers.bytes(tmp);
        var r = CliHarness.run("train", "--data", DUMP.toString(), "--tokenizer", tok.toString(), "--preset", "tiny",
                "--steps", "1", "--batch", "2", "--threads", "1", "--seed", "1", "--out", tmp.resolve("run")
                        .toString());
        assertEquals(0, r.code(), r.err());
        long docs = 0;
        for (var d : llm.compute.TrainingRun.read(tmp.resolve("run")).data()) {
            docs += d.documents();
        }
        assertEquals(106, docs, "one document per article (training and held out)");
    }

    /** The first half of the dump's bytes: a truncated download. */
    static Path truncated() throws IOException {
        Path cut = tmp.resolve("cut.xml.bz2");
        if (!Files.exists(cut)) {
            byte[] all = Files.readAllBytes(DUMP);
            Files.write(cut, Arrays.copyOf(all, all.length / 2));
        }
        return cut;
    }

    @Test
    void aTruncatedDumpGivesItsCompleteArticlesThenOneLine() throws IOException {
        Path cut = truncated();
        var r = CliHarness.run("extract", cut.toString());
        assertEquals(1, r.code());
        List<JsonObject> docs = lines(r.out());
        assertTrue(docs.size() >= 20 && docs.size() < 106, "articles before the cut: " + docs.size());
        assertEquals("Anarchism", docs.get(0).get("id").getAsString());
        assertTrue(r.err().matches("llm: \\Q" + cut + "\\E: line \\d+, column \\d+: unexpected end of compressed data"
                + " \\(truncated file\\?\\)\n"), r.err());
    }

    @Test
    void malformedXmlIsOneLineWithItsPosition() throws IOException {
        Path bad = tmp.resolve("bad.xml");
        Files.writeString(bad, "<mediawiki>\n  <page>\n    <title>A</title>\n    <ns>0</ns>\n    <revision><text>Fine"
                + " text.</text></revision>\n  </page>\n  <page>\n    <title>B</title>\n  </pag>\n</mediawiki>\n");
        var r = CliHarness.run("extract", bad.toString());
        assertEquals(1, r.code());
        assertEquals("{\"id\":\"A\",\"title\":\"A\",\"text\":\"Fine text.\"}\n", r.out());
        assertEquals("llm: " + bad + ": line 9, column 5: malformed XML: The element type \"page\" must be terminated"
                + " by the matching end-tag \"</page>\".\n", r.err());
    }

    @Test
    void extractOfOtherInputsIsUnchangedDocuments() throws IOException {
        Path wt = tmp.resolve("wt.txt");
        Files.writeString(wt, " = Robert Boulter = \n Robert Boulter is an English actor .\n = Tatwine = \n Tatwine"
                + " was an archbishop .\n");
        var r = CliHarness.run("extract", "--split", "wikitext", wt.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("{\"id\":\"Robert Boulter\",\"title\":\"Robert Boulter\",\"text\":\" Robert Boulter is an"
                + " English actor .\"}\n{\"id\":\"Tatwine\",\"title\":\"Tatwine\",\"text\":\" Tatwine was an archbishop"
                + " .\"}\n", r.out());
        var lines = CliHarness.run("extract", "--split", "line", "--limit", "1", wt.toString());
        assertEquals("{\"id\":\"" + wt + ":1\",\"text\":\"= Robert Boulter =\"}\n", lines.out());
    }
}
