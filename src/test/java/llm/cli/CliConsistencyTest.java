package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.io.Log;
import llm.io.Stdio;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands agree with their help and with each other (a CLI audit): exit codes of model-load failures, flags that
 * would be ignored, the limits the help states, header rows, and what --json reports. Runs stories260K (../shared).
 */
class CliConsistencyTest {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));
    static final Path STORIES = SHARED.resolve("models/stories260K");
    static final Path MODEL = STORIES.resolve("stories260K.bin");
    static final Path TOK = STORIES.resolve("tok512.bin");
    static final Path SWADESH = SHARED.resolve("eval/swadesh_en_fr_es_de_it.tsv");

    static void assumeShared() {
        assumeTrue(Files.isRegularFile(MODEL) && Files.isRegularFile(TOK), "../shared not present");
    }

    /** Runs the CLI with {@code stdin}, binary stdout and Log's stderr captured (out: text stdout, then binary). */
    static CliHarness.Result run(String stdin, String... args) {
        InputStream savedIn = System.in;
        OutputStream savedOut = Stdio.stdout();
        PrintStream savedErr = Log.err();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            Stdio.setStdout(bytes);
            Log.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            CliHarness.Result r = CliHarness.run(args);
            return new CliHarness.Result(r.code(), r.out() + bytes.toString(StandardCharsets.UTF_8),
                    r.err() + log.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(savedIn);
            Stdio.setStdout(savedOut);
            Log.setErr(savedErr);
            Log.setLevel(Log.Level.NORMAL);
        }
    }

    static String[] stories(String command, String... more) {
        List<String> a = new ArrayList<>(List.of(command, "--model", MODEL.toString(), "--tokenizer", TOK.toString(),
                "--threads", "1"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    // ---- a model without its tokenizer: a model-load failure (exit 1) naming the directory ----

    @Test
    void aMissingTokenizerIsAModelLoadFailureNamingTheDirectory(@TempDir Path dir) throws Exception {
        assumeShared();
        Path text = Files.writeString(dir.resolve("s.txt"), "Once upon a time, there was a little girl.\n");
        String where = MODEL.toAbsolutePath().getParent().toString();
        for (String command : List.of("sample", "score")) {
            CliHarness.Result r = run("", command, "--model", MODEL.toString(), "--threads", "1", text.toString());
            assertEquals(1, r.code(), command + ": " + r.err());
            assertEquals("llm: " + where + ": no tokenizer.bin beside the model stories260K.bin; give --tokenizer PATH"
                    + " (here: tok512.bin)", r.err().strip(), command);
        }
        // a release directory without tokenizer.json
        Path rel = Files.createDirectories(dir.resolve("rel"));
        Path bundled = Path.of("models", "default");
        assumeTrue(Files.isRegularFile(bundled.resolve("model.safetensors")), "no bundled default model");
        Files.copy(bundled.resolve("config.json"), rel.resolve("config.json"));
        Files.copy(bundled.resolve("model.safetensors"), rel.resolve("model.safetensors"));
        CliHarness.Result r = run("", "sample", "--model", rel.toString(), "-n", "1", "--threads", "1");
        assertEquals(1, r.code(), r.err());
        assertEquals("llm: " + rel + ": no tokenizer.json beside the model; give --tokenizer PATH", r.err().strip());
    }

    /** The example `llm score --help` shows, in the shared layout (stories260K's tokenizer is tok512.bin). */
    @Test
    void scoreHelpExampleRunsInTheSharedLayout(@TempDir Path dir) throws Exception {
        assumeShared();
        Path text = Files.writeString(dir.resolve("stories.txt"), "Once upon a time, there was a little girl named "
                + "Lily. She loved to play outside in the park.\n");
        CliHarness.Result r = run("", "score", "--model", MODEL.toString(), "--tokenizer", TOK.toString(), "--ctx",
                "256", "--stride", "128", "--json", text.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"bits_per_byte\""), r.out());
    }

    // ---- info reports a tokenizer too large for the model (sample refuses the pair) ----

    @Test
    void infoWarnsOfATokenizerLargerThanTheModelsVocabulary() {
        assumeShared();
        Path gpt2 = SHARED.resolve("tokenizers/gpt2/tokenizer.json");
        assumeTrue(Files.isRegularFile(gpt2), "../shared not present");
        CliHarness.Result info = run("", "info", "--model", MODEL.toString(), "--tokenizer", gpt2.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.err().contains("warning: ") && info.err().contains("50,257 tokens")
                && info.err().contains("vocabulary of 512"), info.err());
        CliHarness.Result sample = run("", "sample", "--model", MODEL.toString(), "--tokenizer", gpt2.toString(),
                "-n", "1");
        assertEquals(2, sample.code(), sample.err());
        CliHarness.Result fits = run("", "info", "--model", MODEL.toString(), "--tokenizer", TOK.toString());
        assertEquals(0, fits.code(), fits.err());
        assertFalse(fits.err().contains("warning"), fits.err());
    }

    // ---- memorize-check: sampling flags without --samples would be ignored ----

    @Test
    void memorizeCheckSamplingFlagsNeedSamples() {
        for (String[] flag : new String[][] {{"--temperature", "0.5"}, {"--top-k", "5"}, {"--top-p", "0.9"},
            {"--min-p", "0.1"}, {"--repetition-penalty", "1.2"}}) {
            CliHarness.Result r = CliHarness.run("memorize-check", flag[0], flag[1], "--split", "wikitext", "--limit",
                    "2", "no-such-input.txt");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("llm: " + flag[0] + " needs --samples N"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    // ---- sample ----

    @Test
    void anEmptyStopIsAUsageError() {
        CliHarness.Result s = CliHarness.run("sample", "--stop", "", "-n", "1");
        assertEquals(2, s.code(), s.err());
        assertEquals("llm: --stop must not be empty", s.err().strip());
        CliHarness.Result f = CliHarness.run("fewshot", "--examples", "e.tsv", "--stop", "", "--query", "x");
        assertEquals(2, f.code(), f.err());
        assertEquals("llm: --stop must not be empty", f.err().strip());
    }

    @Test
    void anEmptyStdinPrefixIsWarnedAbout() {
        assumeShared();
        CliHarness.Result r = run("", stories("sample", "-n", "3", "--seed", "1", "-"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("llm: warning: stdin was empty; sampling from the start token"), r.err());
        CliHarness.Result full = run("Once", stories("sample", "-n", "3", "--seed", "1", "-"));
        assertFalse(full.err().contains("warning"), full.err());
    }

    @Test
    void sampleJsonTokensLeaveOutTheStopAsTextDoes() throws Exception {
        assumeShared();
        JsonObject all = JsonParser.parseString(run("", stories("sample", "--temperature", "0", "-n", "60",
                "--json")).out().strip()).getAsJsonObject();
        JsonObject cut = JsonParser.parseString(run("", stories("sample", "--temperature", "0", "-n", "60", "--stop",
                ".", "--json")).out().strip()).getAsJsonObject();
        assertEquals("stop", cut.get("finish_reason").getAsString());
        String text = cut.get("text").getAsString();
        assertEquals(all.get("text").getAsString().substring(0, all.get("text").getAsString().indexOf('.')), text);
        // the greedy tokens up to the one holding the '.' (which begins there: stories260K spells "." alone)
        Tokenizer tok = Tokenizers.load(TOK);
        JsonArray ids = all.getAsJsonArray("tokens");
        ByteArrayOutputStream sofar = new ByteArrayOutputStream();
        int prev = 1;
        int k = 0;
        while (k < ids.size()) {
            byte[] piece = tok.tokenBytes(prev, ids.get(k).getAsInt());
            if (new String(piece, StandardCharsets.UTF_8).contains(".")) {
                assertTrue(new String(piece, StandardCharsets.UTF_8).startsWith("."), "test premise: '.' begins its token");
                break;
            }
            sofar.writeBytes(piece);
            prev = ids.get(k++).getAsInt();
        }
        JsonArray want = new JsonArray();
        for (int i = 0; i < k; i++) {
            want.add(ids.get(i));
        }
        assertEquals(want, cut.getAsJsonArray("tokens"), "tokens agree with text: no stop token");
        assertEquals(text, sofar.toString(StandardCharsets.UTF_8).strip());
    }

    // ---- fewshot ----

    @Test
    void fewshotMaxTokensIsCappedAtHalfTheContextSoTheQueryStays(@TempDir Path dir) throws Exception {
        assumeShared();
        Path ex = Files.writeString(dir.resolve("train.tsv"), "input\toutput\ncat\tchat\nsea\tmer\nsun\tsoleil\n");
        CliHarness.Result r = run("", stories("fewshot", "--examples", ex.toString(), "--query", "dog", "-n",
                "100000"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: -n 100000 is more than half the model's context of 512: at most 256 "
                + "new tokens per answer"), r.err());
        assertFalse(r.err().contains("does not fit"), "the prompt kept whole: " + r.err());
    }

    /** A slice of the Swadesh list with its header line (index, english, french, ...). */
    static Path swadesh(Path dir, String name, int from, int to) throws Exception {
        List<String> lines = Files.readAllLines(SWADESH);
        List<String> slice = new ArrayList<>();
        slice.add(lines.get(0));
        slice.addAll(lines.subList(from, to));
        return Files.write(dir.resolve(name), slice);
    }

    @Test
    void fewshotNumberedAndNamedColumnsSelectTheSameRows(@TempDir Path dir) throws Exception {
        assumeShared();
        assumeTrue(Files.isRegularFile(SWADESH), "../shared not present");
        Path train = swadesh(dir, "train.tsv", 1, 21);
        Path test = swadesh(dir, "test.tsv", 101, 111);
        CliHarness.Result eval = run("", stories("fewshot", "--examples", train.toString(), "--columns", "2,3",
                "--eval", test.toString(), "--shots", "2", "-n", "4", "--json"));
        assertEquals(0, eval.code(), eval.err());
        assertEquals(10, JsonParser.parseString(eval.out().strip()).getAsJsonObject().get("total").getAsInt(),
                eval.out());
        String[] prompts = new String[2];
        String[] columns = {"2,3", "english,french"};
        for (int i = 0; i < 2; i++) {
            CliHarness.Result q = run("", stories("fewshot", "--examples", train.toString(), "--columns", columns[i],
                    "--seed", "1", "--shots", "4", "--query", "dog", "-n", "1", "--show-prompt"));
            assertEquals(0, q.code(), q.err());
            prompts[i] = q.err().substring(0, q.err().indexOf("\n----\n"));
        }
        assertEquals(prompts[1], prompts[0]);
        assertFalse(prompts[0].contains("english => french"), prompts[0]);
        // no --columns: the header names no input/output, so which two columns is asked, not guessed
        CliHarness.Result none = run("", stories("fewshot", "--examples", train.toString(), "--query", "dog"));
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("pick two with --columns, e.g. --columns english,french"), none.err());
    }
}
