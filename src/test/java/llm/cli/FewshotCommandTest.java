package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.io.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm fewshot} end to end on stories260K (a real 260K-parameter TinyStories model), plus its usage errors. */
class FewshotCommandTest {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));
    static final Path MODEL = SHARED.resolve("models/stories260K/stories260K.bin");
    static final Path TOK = SHARED.resolve("models/stories260K/tok512.bin");

    static void assumeModel() {
        assumeTrue(Files.isRegularFile(MODEL) && Files.isRegularFile(TOK), "../shared not present");
    }

    /** Run with {@code stdin} as standard input and Log's stderr captured into the result's err. */
    static CliHarness.Result run(String stdin, String... args) {
        InputStream savedIn = System.in;
        PrintStream savedErr = Log.err();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            Log.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            CliHarness.Result r = CliHarness.run(args);
            return new CliHarness.Result(r.code(), r.out(), r.err() + log.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(savedIn);
            Log.setErr(savedErr);
            Log.setLevel(Log.Level.NORMAL);
        }
    }

    static String[] model(String... rest) {
        String[] a = new String[rest.length + 7];
        a[0] = "fewshot";
        a[1] = "--model";
        a[2] = MODEL.toString();
        a[3] = "--tokenizer";
        a[4] = TOK.toString();
        a[5] = "--threads";
        a[6] = "1";
        System.arraycopy(rest, 0, a, 7, rest.length);
        return a;
    }

    @Test
    void usageErrorsNameTheFlags() {
        CliHarness.Result r = CliHarness.run("fewshot", "--model", "m", "--sweep-shots", "0,1", "--examples", "e.tsv");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("llm: --sweep-shots needs --eval FILE"), r.err());
        r = CliHarness.run("fewshot", "--model", "m", "--chat", "--examples", "e.tsv");
        assertEquals(2, r.code());
        r = CliHarness.run("fewshot", "--model", "m", "--query", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--examples FILE is required"), r.err());
        r = CliHarness.run("fewshot", "--model", "m", "--choices", "h.txt", "--chat");
        assertEquals(2, r.code());
        r = CliHarness.run("fewshot", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("Default template: '{input} => {output}'"), help);
        assertTrue(help.contains("length in UTF-8 bytes"), help);
    }

    @Test
    void badFilesAndTemplatesFailBeforeTheModelLoads(@TempDir Path dir) throws IOException {
        Path ex = Files.writeString(dir.resolve("ex.tsv"), "dog\tdog\n");
        String noModel = dir.resolve("no-model").toString();
        CliHarness.Result r = CliHarness.run("fewshot", "--model", noModel, "--examples", ex.toString(), "--template", "{input}");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("llm: --template must contain {input} and {output}"), r.err());
        r = CliHarness.run("fewshot", "--model", noModel, "--examples", ex.toString(), "--shots", "2");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("llm: --shots 2 is more than the 1 examples given"), r.err());
        r = CliHarness.run("fewshot", "--model", noModel, "--examples", ex.toString(), "--eval", ex.toString(),
                "--sweep-shots", "0,1,2");
        assertEquals(2, r.code());
        assertEquals("llm: --sweep-shots 2 is more than the 1 examples given\n", r.err());
        r = CliHarness.run("fewshot", "--model", noModel, "--examples", dir.resolve("none.tsv").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("none.tsv: no such file"), r.err());
        r = CliHarness.run("fewshot", "--model", noModel, "--examples", ex.toString(), "--query", "x");
        assertEquals(1, r.code(), "only now the model");
        assertTrue(r.err().contains("no-model"), r.err());
    }

    /**
     * The chat stop must fire: with speakers Lily and Tom, stories260K answers Tom's turn and then, as TinyStories
     * models do, starts a new line with "Lily" — the human's label, so the answer is cut there (found by trying
     * messages; greedy decoding makes it repeatable).
     */
    @Test
    void chatStopsBeforeTheInventedHumanTurn(@TempDir Path dir) throws IOException {
        assumeModel();
        Path t = Files.writeString(dir.resolve("t.txt"), """
                Once upon a time, there was a little girl named Lily. She loved to play outside in the park.
                Lily: Hi Tom!
                Tom: Hi Lily!
                Lily: Hi Tom!
                Tom: Hi Lily!
                """);
        CliHarness.Result r = run("Can we play with the ball?\n", model("--chat", "--transcript", t.toString(),
                "--human-label", "Lily", "--assistant-label", "Tom", "-n", "60", "-v"));
        assertEquals(0, r.code(), r.err());
        assertEquals("\"Let's go to the park!\"\n", r.out());
        assertTrue(r.err().contains("at '\\nLily"), "the human-turn stop fired: " + r.err());
    }

    /**
     * The same on the bundled default model (v2: GPT-2 shape, mostly stories sampled from stories260K): after a story
     * preamble it answers ROMEO's turn with a short line, then starts the next line with "Mummy", as its stories' new
     * paragraphs often do; with "Mummy" as the human's label that line is the invented human turn, and the answer is
     * cut there. Greedy, so repeatable for a given model; found by trying labels on the model trained on 2026-12-07
     * (v1's "And" no longer works). If the bundled model is retrained, the transcript may need another label.
     */
    @Test
    void chatOnTheDefaultModelStopsBeforeTheInventedHumanTurn(@TempDir Path dir) throws IOException {
        Path defaultModel = Path.of("models", "default");
        assumeTrue(Files.isRegularFile(defaultModel.resolve("config.json")), "no bundled default model");
        Path t = Files.writeString(dir.resolve("t.txt"), """
                Once upon a time, there was a little girl named Lily. She loved to play outside in the park.
                Mummy: Hi Tom!
                ROMEO: Hi Lily!
                Mummy: Hi Tom!
                ROMEO: Hi Lily!
                """);
        CliHarness.Result r = run("Hi Tom!\nLook at the big tree!\nI am sad.\n", "fewshot", "--model", defaultModel.toString(),
                "--threads", "1", "--chat", "--transcript", t.toString(), "--human-label", "Mummy",
                "--assistant-label", "ROMEO", "-n", "100", "-v");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.out().lines().count(), r.out());
        long fired = r.err().lines().filter(l -> l.contains("at '\\nMummy")).count();
        assertTrue(fired >= 2, "the human-turn stop fired for most messages: " + r.err());
        assertFalse(r.out().contains("Mummy"), r.out());
    }

    @Test
    void queriesAndAnEvalSweepOnACopyingPattern(@TempDir Path dir) throws IOException {
        assumeModel();
        Path ex = Files.writeString(dir.resolve("ex.tsv"), "input\toutput\ndog\tdog\ncat\tcat\n");
        Path ev = Files.writeString(dir.resolve("ev.jsonl"), "{\"input\": \"hat\", \"output\": \"hat\"}\n"
                + "{\"input\": \"king\", \"output\": \"king\"}\n");
        String tpl = "The {input} is happy. The {output} is happy.";
        CliHarness.Result q = run("hat\nking\n", model("--examples", ex.toString(), "--shots", "0", "--template", tpl,
                "--stop", " ", "-n", "6", "--show-prompt"));
        assertEquals(0, q.code(), q.err());
        assertEquals("hat\nking\n", q.out(), "stories260K copies the noun with no shots");
        assertTrue(q.err().contains("The hat is happy. The\n"), q.err());
        CliHarness.Result s = run("", model("--examples", ex.toString(), "--eval", ev.toString(), "--template", tpl,
                "--stop", " ", "-n", "6", "--sweep-shots", "0,2", "--json"));
        assertEquals(0, s.code(), s.err());
        String[] lines = s.out().split("\n");
        assertEquals(2, lines.length, s.out());
        assertEquals("{\"shots\":0,\"correct\":2,\"total\":2,\"accuracy\":1.000000}", lines[0]);
        assertTrue(lines[1].startsWith("{\"shots\":2,"), lines[1]);
    }

    /** The GPT-2 path (no BOS; end-of-text ends an answer) on a tiny random release with GPT-2's tokenizer. */
    @Test
    void gpt2ReleaseRunsEveryMode(@TempDir Path dir) throws IOException {
        Path tokJson = SHARED.resolve("tokenizers/gpt2/tokenizer.json");
        assumeTrue(Files.isRegularFile(tokJson), "../shared not present");
        try (ai.djl.ndarray.NDManager m = llm.engine.Engines.newRoot(ai.djl.Device.cpu())) {
            llm.model.LanguageModel lm = llm.model.LanguageModel.create(llm.model.ModelConfig.gpt2(50257, 64, 16, 1, 2), m, 1);
            llm.model.Release.write(dir.resolve("rel"), lm, tokJson, null);
        }
        String rel = dir.resolve("rel").toString();
        Path ex = Files.writeString(dir.resolve("ex.tsv"), "dog\tchien\ncat\tchat\n");
        CliHarness.Result q = run("bird\nfish\n", "fewshot", "--model", rel, "--examples", ex.toString(), "-n", "4", "--json");
        assertEquals(0, q.code(), q.err());
        assertEquals(2, q.out().lines().count(), q.out());
        assertTrue(q.out().startsWith("{\"query\":\"bird\",\"answer\":"), q.out());
        Path mc = Files.writeString(dir.resolve("mc.jsonl"), "{\"context\": \"The cat\", \"endings\": [\"sat.\", \"flew.\"], \"label\": 0}\n");
        CliHarness.Result c = run("", "fewshot", "--model", rel, "--choices", mc.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().startsWith("acc "), c.out());
        CliHarness.Result chat = run("Hello?\n", "fewshot", "--model", rel, "--chat", "-n", "4");
        assertEquals(0, chat.code(), chat.err());
        assertEquals(1, chat.out().lines().count(), chat.out());
    }

    @Test
    void hellaswagChoices() {
        assumeModel();
        Path hs = SHARED.resolve("eval/hellaswag_val.txt.bz2");
        CliHarness.Result r = run("", model("--choices", hs.toString(), "--limit", "4", "--json"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"items\":4,\"acc\":"), r.out());
        assertTrue(r.out().contains("\"norm\":\"utf8_bytes\""), r.out());
        assertFalse(r.out().contains("\n{"), "one line");
    }
}
