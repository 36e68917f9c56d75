package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import llm.spark.SparkMain;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * llm-spark against llm on the same input, in one JVM: a local[2] session (up to 3 attempts per task, for the
 * injected failure) shared by the tests; the bundled model. WikiText-2's test split cut to its first articles
 * (--limit) to keep the run short on a 2-core machine.
 */
class SparkJobTest {
    private static final String MASTER = "local[2,3]"; // 2 threads, a task may fail twice
    private static SparkSession session;

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void start() {
        session = SparkSession.builder().master(MASTER).appName("llm-spark tests")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.stop();
        }
    }

    private static Path wikitext() {
        Path p = Path.of(System.getProperty("llm.shared", "../shared"), "data/wikitext-2-raw/wiki.test.raw");
        assumeTrue(Files.isRegularFile(p), "no " + p + " (the shared data)");
        return p;
    }

    static Run llm(String... args) {
        llm.io.Log.setLevel(llm.io.Log.Level.NORMAL);
        picocli.CommandLine cmd = Llm.newCommandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run spark(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * Records then the --json summary, and the --fail-above gate: byte for byte llm's (input order kept). Two of the
     * four articles are leads the bundled model was made to memorize (models/default/README.md), so the gate fires.
     */
    @Test
    void memorizeCheckEqualsSingleMachine() throws IOException {
        String[] args = {"memorize-check", "--prefix-sentence", "--format", "jsonl", "--json",
            "--titles", "Anarchism,Autism,Aardvark,Algae", "--fail-above", "0", multistream().toString()};
        Run one = llm(args);
        Run many = spark(concat(args, "--master", MASTER));
        assertEquals(3, one.code(), one.err()); // Aardvark and Algae are memorized
        assertEquals(one.code(), many.code(), many.err());
        assertEquals(5, one.out().lines().count(), one.out());
        assertEquals(one.out(), many.out());
        assertEquals(1, SparkMainAccess.loads(), "the model loads once per JVM, not once per task");
    }

    /**
     * --samples: a window's samples are seeded by --seed and its prompt, so the parts draw what the single-machine
     * command draws (the memorized leads give extraction rates between 0 and 1 at this temperature).
     */
    @Test
    void sampledContinuationsEqualSingleMachine() throws IOException {
        String[] args = {"memorize-check", "--format", "jsonl", "--json", "--samples", "6", "--temperature", "1.5",
            "--seed", "5", "--titles", "Anarchism,Aardvark,Algae", multistream().toString()};
        Run one = llm(args);
        Run many = spark(concat(args, "--master", MASTER));
        assertEquals(0, one.code(), one.err());
        assertEquals(0, many.code(), many.err());
        assertEquals(4, one.out().lines().count(), one.out());
        assertTrue(one.out().contains("\"extraction_rate\":"), one.out());
        assertEquals(one.out(), many.out());
    }

    /** score: the per-document records and the total; perplexity within 1e-6 (sums in another order). */
    @Test
    void scoreEqualsSingleMachine() {
        String[] args = {"score", "--split", "wikitext", "--json", "--limit", "2", wikitext().toString()};
        Run one = llm(args);
        Run many = spark(concat(args, "--master", MASTER, "--partitions", "2"));
        assertEquals(0, one.code(), one.err());
        assertEquals(0, many.code(), many.err());
        List<String> a = one.out().lines().toList();
        List<String> b = many.out().lines().toList();
        assertEquals(3, a.size());
        assertEquals(a.subList(0, 2), b.subList(0, 2));
        JsonObject ta = JsonParser.parseString(a.get(2)).getAsJsonObject().getAsJsonObject("summary");
        JsonObject tb = JsonParser.parseString(b.get(2)).getAsJsonObject().getAsJsonObject("summary");
        double pa = ta.get("perplexity").getAsDouble();
        double pb = tb.get("perplexity").getAsDouble();
        assertTrue(Math.abs(pa - pb) / pa < 1e-6, pa + " vs " + pb);
        assertEquals(ta.get("tokens"), tb.get("tokens"));
        assertEquals(ta.get("bytes"), tb.get("bytes"));
        assertEquals(ta.get("documents"), tb.get("documents"));
    }

    /** A task that fails once is retried: --output holds every record once, the summary is the same. */
    @Test
    void injectedFailureGivesCompleteIdenticalOutput(@TempDir Path tmp) throws IOException {
        String[] args = {"memorize-check", "--split", "wikitext", "--format", "jsonl", "--json", "--limit", "8",
            wikitext().toString()};
        Run one = llm(args);
        Path dir = tmp.resolve("out");
        Run many = spark(concat(args, "--master", MASTER, "--partitions", "4", "--inject-failure", "1",
                "--output", dir.toString()));
        assertEquals(0, one.code(), one.err());
        assertEquals(0, many.code(), many.err());
        List<String> expected = new ArrayList<>(one.out().lines().toList());
        String summary = expected.remove(expected.size() - 1);
        assertEquals(summary + "\n", many.out()); // stdout: the summary alone
        List<String> written = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
                written.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        assertEquals(8, written.size());
        assertEquals(expected, written); // part files in partition order: the input's order, nothing twice
    }

    /** Parquet read by Spark: the same records as llm on the same documents as JSON Lines (order aside). */
    @Test
    void parquetEqualsJsonLines(@TempDir Path tmp) throws IOException {
        Run docs = llm("memorize-check", "--split", "wikitext", "--format", "jsonl", "--limit", "6",
                "--suffix-tokens", "1", "--prefix-tokens", "1", wikitext().toString());
        // the first 6 articles as JSON Lines (id, text), through llm's own reader: ids from the records
        List<String> jsonl = new ArrayList<>();
        try (var reader = llm.eval.memorize.DocumentSource.open(wikitext().toString(),
                llm.eval.memorize.Split.WIKITEXT, null, null)) {
            for (int i = 0; i < 6 && reader.hasNext(); i++) {
                var d = reader.next();
                JsonObject o = new JsonObject();
                o.addProperty("id", d.id());
                o.addProperty("text", d.text());
                jsonl.add(o.toString());
            }
        }
        assertEquals(0, docs.code(), docs.err());
        Path in = tmp.resolve("docs.jsonl");
        Files.write(in, jsonl, StandardCharsets.UTF_8);
        Path parquet = tmp.resolve("docs.parquet");
        session.read().json(session.createDataset(jsonl, Encoders.STRING())).repartition(2).write()
                .parquet(parquet.toString());
        String[] args = {"memorize-check", "--id-field", "id", "--format", "jsonl"};
        Run one = llm(concat(args, in.toString()));
        Run many = spark(concat(args, "--master", MASTER, parquet.toString()));
        assertEquals(0, one.code(), one.err());
        assertEquals(0, many.code(), many.err());
        assertEquals(6, one.out().lines().count());
        assertEquals(one.out().lines().sorted().toList(), many.out().lines().sorted().toList());
    }

    @Test
    void existingOutputIsAUsageError(@TempDir Path tmp) {
        Run r = spark("score", "--master", MASTER, "--output", tmp.toString(), wikitext().toString());
        assertEquals(2, r.code());
        assertEquals("llm: " + tmp + ": already exists (--output wants a new directory)\n", r.err());
    }

    private static Path sharedDump() {
        Path p = Path.of(System.getProperty("llm.shared", "../shared"), "data/wikipedia-dumps/"
                + "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2");
        assumeTrue(Files.isRegularFile(p), "no " + p + " (the shared data)");
        return p;
    }

    private static Path repacked;

    /** {@link #multistream(Path)} made once per JVM (its tests share it; removed at exit). */
    static synchronized Path multistream() throws IOException {
        if (repacked == null) {
            Path dir = Files.createTempDirectory("llm-spark-dump");
            Path f = dir.resolve("enwiki-multistream.xml.bz2");
            dir.toFile().deleteOnExit();
            f.toFile().deleteOnExit(); // deleted before its directory (the reverse order of registration)
            repacked = multistream(f);
        }
        return repacked;
    }

    /** The shared dump re-packed Wikimedia's multistream way: header, 100 pages per bzip2 stream, footer. */
    static Path multistream(Path to) throws IOException {
        String xml;
        try (var in = llm.io.Inputs.open(sharedDump().toString())) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int first = xml.indexOf("  <page>");
        int end = xml.lastIndexOf("</page>") + "</page>\n".length();
        List<String> parts = new ArrayList<>(List.of(xml.substring(0, first)));
        var m = java.util.regex.Pattern.compile("  <page>.*?</page>\n", java.util.regex.Pattern.DOTALL)
                .matcher(xml.substring(first, end));
        StringBuilder group = new StringBuilder();
        for (int n = 1; m.find(); n++) {
            group.append(m.group());
            if (n % 100 == 0) {
                parts.add(group.toString());
                group.setLength(0);
            }
        }
        parts.add(group.toString());
        parts.add(xml.substring(end));
        assertEquals(xml, String.join("", parts));
        try (var out = Files.newOutputStream(to)) {
            for (String part : parts) {
                var z = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(
                        new java.io.FilterOutputStream(out) {
                            @Override
                            public void close() throws IOException {
                                flush(); // the file stays open for the next stream
                            }
                        });
                z.write(part.getBytes(StandardCharsets.UTF_8));
                z.close();
            }
        }
        return to;
    }

    /**
     * The shared Wikipedia dump as a multistream file, read by the executors (a range of bzip2 streams each): every
     * article's record equals llm's on the same file, in the same (dump) order.
     */
    @Test
    void multistreamDumpSplitAcrossTasksEqualsSingleMachine() throws IOException {
        String[] args = {"memorize-check", "--format", "jsonl", multistream().toString()};
        Run one = llm(args);
        Run many = spark(concat(args, "--master", MASTER));
        assertEquals(0, one.code(), one.err());
        assertEquals(0, many.code(), many.err());
        assertEquals(106, one.out().lines().count()); // the dump's articles (206 pages: redirects are not)
        assertEquals(one.out(), many.out());
    }

    /** --titles on a split dump (titles in three of its four ranges, one given with '_'): llm's records. */
    @Test
    void titlesOnASplitDump() throws IOException {
        String[] args = {"memorize-check", "--format", "jsonl", "--titles", "Alien,Politics_of_Angola,Ampere",
            multistream().toString()}; // pages 91, 169, 204: streams 1, 2, 3
        Run one = llm(args);
        Run many = spark(concat(args, "--master", MASTER));
        assertEquals(0, one.code(), one.err());
        assertEquals(0, many.code(), many.err());
        assertEquals(3, one.out().lines().count(), one.out());
        assertEquals(one.out().lines().sorted().toList(), many.out().lines().sorted().toList());
    }

    /**
     * A model whose config the driver reads but whose weights no executor can load: every attempt fails, and the run
     * ends with one llm line naming the cause and the attempts (not Spark's page of task failures), exit 1.
     */
    @Test
    void aTaskThatFailsForGoodEndsWithOneLine(@TempDir Path tmp) throws IOException {
        Path model = Path.of(System.getProperty("llm.model", "../models/default"));
        Path broken = Files.createDirectories(tmp.resolve("broken-model"));
        for (String f : new String[] {"config.json", "tokenizer.json"}) {
            Files.copy(model.resolve(f), broken.resolve(f));
        }
        Files.write(broken.resolve("model.safetensors"), new byte[64]);
        Run r = spark("memorize-check", "--master", MASTER, "--split", "wikitext", "--limit", "2", "--model",
                broken.toString(), wikitext().toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("llm: "), r.err());
        assertTrue(r.err().contains("failed 3 times"), r.err()); // local[2,3]: three attempts
        assertTrue(r.err().contains("model.safetensors") || r.err().contains("broken-model"), r.err());
    }
}
