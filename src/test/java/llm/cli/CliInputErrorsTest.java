package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input a first-time user gives: one clear line on stderr that names the file or flag, the documented code. */
class CliInputErrorsTest {
    @Test
    void decodeOfABinaryFileThatIsNotAShardSaysSo(@TempDir Path dir) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1024 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(20240521).putInt(1).putInt(2); // a shard header with the wrong magic
        Path f = dir.resolve("wrong.bin");
        Files.write(f, b.array());
        CliHarness.Result r = CliHarness.run("tokenize", "--decode", f.toString());
        assertEquals(1, r.code());
        assertEquals("llm: " + f + ": neither a token shard (magic 20240521, expected 20240520) nor text token ids\n",
                r.err());
        assertEquals("", r.out());
    }

    @Test
    void envJsonUsesSnakeCaseLikeEveryOtherJsonOutput() {
        CliHarness.Result r = CliHarness.run("env", "--json");
        assertEquals(0, r.code(), r.err());
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
        for (String k : o.keySet()) {
            assertTrue(k.matches("[a-z0-9_]+"), "field " + k + " in " + r.out());
        }
        assertTrue(o.has("engine_version") && o.has("gpu_count") && o.has("selected_device"), r.out());
    }

    /** Runs the CLI with Log's stderr captured too (warnings, progress). */
    static CliHarness.Result withLog(String... args) {
        java.io.PrintStream saved = llm.io.Log.err();
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        try {
            llm.io.Log.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
            CliHarness.Result r = CliHarness.run(args);
            return new CliHarness.Result(r.code(), r.out(), r.err() + log.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            llm.io.Log.setErr(saved);
        }
    }

    @Test
    void samplePrefixWithInvalidUtf8IsWarnedAbout(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("latin1.txt");
        Files.write(f, new byte[] {'c', 'a', 'f', (byte) 0xE9, ' '});
        CliHarness.Result r = withLog("sample", "-n", "0", "--seed", "1", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("llm: warning: " + f + ": not valid UTF-8; invalid bytes replaced with U+FFFD\n", r.err());
    }

    @Test
    void memorizeCheckOfAnEmptyFileIsOneLine(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        CliHarness.Result r = withLog("memorize-check", "--threads", "1", empty.toString());
        assertEquals(1, r.code());
        assertEquals("llm: " + empty + ": no documents in the input\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void aTextFileGivenAsModelIsNotALlama2cCheckpoint(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("notes.md"), "# Notes\n\nThese are notes, not weights.\n".repeat(20));
        CliHarness.Result r = CliHarness.run("sample", "--model", f.toString(), "--prefix", "x", "--seed", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("llm: " + f + ": not a llama2.c checkpoint (--model takes one, or a release "
                + "directory)"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void trainingATokenizerOnNoTextIsAnErrorAndOnLittleTextAWarning(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Path out = dir.resolve("tok.json");
        CliHarness.Result r = withLog("tokenize", "--train", "-o", out.toString(), empty.toString());
        assertEquals(1, r.code());
        assertEquals("llm: " + empty + ": no text to train the tokenizer on\n", r.err());
        assertTrue(Files.notExists(out));

        Path small = Files.writeString(dir.resolve("small.txt"), "aaaa bbbb");
        r = withLog("tokenize", "--train", "--vocab-size", "300", "-o", out.toString(), small.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("llm: warning: the text has only enough pairs for 262 tokens, fewer than "
                + "--vocab-size 300\n"), r.err());
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void aTokenizerTooLargeForTheModelIsNamedOnce(@TempDir Path dir) throws Exception {
        // the bundled model's tokenizer (4096 tokens) with 10 more
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(
                Files.readString(Path.of("models/default/tokenizer.json"))).getAsJsonObject();
        com.google.gson.JsonObject vocab = json.getAsJsonObject("model").getAsJsonObject("vocab");
        int n = vocab.size() + json.getAsJsonArray("added_tokens").size();
        for (int i = 0; i < 10; i++) {
            vocab.addProperty("extra" + i, n + i);
        }
        Path big = Files.writeString(dir.resolve("big.json"), json.toString());
        CliHarness.Result r = CliHarness.run("sample", "--tokenizer", big.toString(), "--prefix", "x", "--seed", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().matches("llm: tokenizer\\.json \\S*big\\.json \\(byte-level BPE, 4106 tokens\\) has more "
                + "tokens than the model's vocabulary of 4096 \\(wrong --tokenizer\\?\\)\n"), r.err());
    }

    @Test
    void aMistypedCommandOrOptionGetsASuggestion() {
        CliHarness.Result r = CliHarness.run("sampel", "--prefix", "x");
        assertEquals(2, r.code());
        assertEquals("llm: unknown command 'sampel'; did you mean 'sample'? (see 'llm --help')\n", r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        r = CliHarness.run("sample", "--temprature", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("did you mean '--temperature'?"), r.err());
        String commands = String.join(", ", Llm.COMMANDS.stream()
                .map(c -> c.getAnnotation(picocli.CommandLine.Command.class).name()).toList());
        assertTrue(commands.startsWith("tokenize, train, sample, "), commands);
        r = CliHarness.run("nosuch");
        assertEquals("llm: unknown command 'nosuch'; the commands are " + commands + " (see 'llm --help')\n", r.err(),
                "no far-fetched suggestion: the list");
        r = CliHarness.run("help", "nosuch");
        assertEquals(2, r.code());
        assertEquals("llm: unknown command 'nosuch'; the commands are " + commands + " (see 'llm --help')\n", r.err(),
                "help says it as the command line does");
        r = CliHarness.run("help", "sampel");
        assertEquals("llm: unknown command 'sampel'; did you mean 'sample'? (see 'llm --help')\n", r.err());
        r = CliHarness.run("--versoin");
        assertEquals(2, r.code());
        assertEquals("llm: Unknown option: '--versoin'; did you mean '--version'? (see 'llm --help')\n", r.err());
    }

    @Test
    void stdinNamedTwiceReadsItOnceAsCatDoes() {
        java.io.InputStream saved = System.in;
        try {
            // as the real stdin (a FileInputStream): no reading after close
            System.setIn(new java.io.BufferedInputStream(new java.io.ByteArrayInputStream(
                    "one two".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            CliHarness.Result r = CliHarness.run("tokenize", "--count", "-", "-");
            assertEquals(0, r.code(), r.err());
            assertEquals(2, r.out().lines().count(), r.out());
            assertEquals("0", r.out().lines().toList().get(1), r.out());
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void anOutputThatCannotBeWrittenIsNamed(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("t.txt"), "one two three two one");
        CliHarness.Result r = withLog("tokenize", "--train", "--vocab-size", "257", "-o", dir.toString(),
                text.toString());
        assertEquals(1, r.code());
        assertEquals("llm: " + dir + ": is a directory\n", r.err());
        r = withLog("tokenize", "--bin", text + "/x.bin", text.toString());
        assertEquals(1, r.code());
        assertEquals("llm: " + text + "/x.bin: cannot write (" + text + " is not a directory)\n", r.err());
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left");
        }
    }

    @Test
    void sampleStopTakesTheSameEscapesAsFewshot() {
        java.io.OutputStream saved = llm.io.Stdio.stdout();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        llm.io.Stdio.setStdout(out);
        try {
            CliHarness.Result r = CliHarness.run("sample", "--prefix", "Once", "-n", "100", "--seed", "3", "--threads",
                    "1", "--stop", "\\n", "--json");
            assertEquals(0, r.code(), r.err());
            com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
            assertEquals("stop", o.get("finish_reason").getAsString(), r.out());
            assertTrue(!o.get("text").getAsString().contains("\n"), r.out());
            r = CliHarness.run("sample", "--prefix", "x", "--stop", "\\q");
            assertEquals(2, r.code());
            assertEquals("llm: --stop: unknown escape \\q (known: \\n \\t \\r \\\\)\n", r.err());
        } finally {
            llm.io.Stdio.setStdout(saved);
        }
    }

    /** One rule for escapes in every text flag: each goes through the same decoder (an unknown escape says so). */
    @Test
    void everyTextFlagTakesTheSameEscapes(@TempDir Path dir) throws Exception {
        Path ex = Files.writeString(dir.resolve("ex.tsv"), "cat\tchat\n");
        String[][] runs = {
            {"--prefix", "sample", "--prefix", "a\\q"},
            {"--stop", "sample", "--prefix", "a", "--stop", "\\q"},
            {"--query", "fewshot", "--examples", ex.toString(), "--query", "\\q"},
            {"--template", "fewshot", "--examples", ex.toString(), "--query", "x", "--template", "{input}\\q{output}"},
            {"--delimiter", "fewshot", "--examples", ex.toString(), "--query", "x", "--delimiter", "\\q"},
            {"--instruction", "fewshot", "--examples", ex.toString(), "--query", "x", "--instruction", "\\q"},
            {"--stop", "fewshot", "--examples", ex.toString(), "--query", "x", "--stop", "\\q"},
            {"--human-label", "fewshot", "--chat", "--human-label", "U\\q"},
            {"--assistant-label", "fewshot", "--chat", "--assistant-label", "A\\q"},
            {"--sample-prompt", "train", "--data", ex.toString(), "--vocab-size", "300", "--preset", "tiny", "--out",
                    dir.resolve("o").toString(), "--sample-prompt", "\\q"},
        };
        for (String[] run : runs) {
            CliHarness.Result r = CliHarness.run(java.util.Arrays.copyOfRange(run, 1, run.length));
            assertEquals(2, r.code(), String.join(" ", run) + ": " + r.err());
            assertEquals("llm: " + run[0] + ": unknown escape \\q (known: \\n \\t \\r \\\\)\n", r.err());
        }
        // and what they are for: a prefix with a newline in it, as llama.cpp's -p takes it
        java.io.OutputStream saved = llm.io.Stdio.stdout();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        llm.io.Stdio.setStdout(out);
        try {
            CliHarness.Result r = CliHarness.run("sample", "--prefix", "Human: hi\\nAssistant:", "-n", "2", "--seed",
                    "1", "--threads", "1", "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals("Human: hi\nAssistant:", com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject()
                    .get("prefix").getAsString());
        } finally {
            llm.io.Stdio.setStdout(saved);
        }
    }

    @Test
    void chatTakesAOneShotQueryAndSaysWhichTurnsItDropped(@TempDir Path dir) throws Exception {
        java.io.InputStream saved = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("not read\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            // the bundled model's 256 positions less the answer's 64 cannot hold the whole built-in transcript
            CliHarness.Result r = withLog("fewshot", "--chat", "--query", "What is 2+2?", "--threads", "1", "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(1, r.out().lines().count(), r.out());
            assertEquals("What is 2+2?", com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject()
                    .get("message").getAsString());
            assertTrue(r.err().startsWith("llm: warning: chat: dropped the oldest 4 of 8 turns to fit the model's "
                    + "context (192 tokens for the prompt; it now takes "), r.err());
            // --keep-turns: fewer on purpose, no warning; too many is a usage error with the tokens needed
            r = withLog("fewshot", "--chat", "--query", "hi", "--keep-turns", "2", "--threads", "1");
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err());
            r = withLog("fewshot", "--chat", "--query", "hi", "--keep-turns", "8", "--threads", "1");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().matches("llm: the prompt with the last 8 turns \\(--keep-turns 8\\) takes \\d+ tokens, "
                    + "more than the 192 the model's context leaves for it: lower --keep-turns or --max-tokens\n"),
                    r.err());
            // a Chinese transcript with full-width colons
            Path zh = Files.writeString(dir.resolve("zh.txt"), "用户：你好\n助手：你好！\n");
            r = withLog("fewshot", "--chat", "--transcript", zh.toString(), "--human-label", "用户",
                    "--assistant-label", "助手", "--query", "你是谁？", "--show-prompt", "-n", "4", "--threads", "1");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().startsWith("用户：你好\n助手：你好！\n用户：你是谁？\n助手：\n----\n"), r.err());
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void aChatTranscriptWithoutTurnsIsWarnedAbout(@TempDir Path dir) throws Exception {
        Path t = Files.writeString(dir.resolve("t.txt"), "User: hi\nBot: hello\n");
        java.io.InputStream saved = System.in;
        CliHarness.Result r;
        try {
            System.setIn(new java.io.ByteArrayInputStream(new byte[0])); // no messages: the bundled model loads only
            r = withLog("fewshot", "--chat", "--transcript", t.toString(), "--threads", "1");
        } finally {
            System.setIn(saved);
        }
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("llm: warning: " + t + ": no line starts with 'Human:' or 'Assistant:', so all"
                + " of it is preamble (other labels: --human-label, --assistant-label)\n"), r.err());
    }

    @Test
    void aTranscriptOrExamplesFileThatIsNotTextSaysWhichByte(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[3000];
        new java.util.Random(7).nextBytes(bytes);
        bytes[0] = 'H'; // the first bad byte comes later than 0
        bytes[1] = (byte) 0xC0; // never valid in UTF-8
        Path rand = Files.write(dir.resolve("rand.dat"), bytes);
        CliHarness.Result r = CliHarness.run("fewshot", "--chat", "--transcript", rand.toString(), "--threads", "1");
        assertEquals(1, r.code(), r.err());
        assertEquals("llm: " + rand + ": not UTF-8 text (byte 1)\n", r.err());
        r = CliHarness.run("fewshot", "--examples", rand.toString(), "--eval", rand.toString(), "--threads", "1");
        assertEquals(1, r.code(), r.err());
        assertEquals("llm: " + rand + ": not UTF-8 text (byte 1)\n", r.err());
    }

    @Test
    void trainingDataIsAShardByItsMagicNotItsName(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[3000];
        new java.util.Random(7).nextBytes(bytes);
        bytes[10] = 0;
        int first = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
        String magic = " (magic " + Integer.toUnsignedString(first) + ", expected 20240520)\n";
        for (String name : new String[] {"rand.bin", "rand.dat"}) { // the same bytes, the same answer
            Path f = Files.write(dir.resolve(name), bytes);
            CliHarness.Result r = CliHarness.run("train", "--data", f.toString(), "--vocab-size", "300", "--preset", "tiny", "--out",
                    dir.resolve("out-" + name).toString(), "--steps", "1", "--threads", "1");
            assertEquals(1, r.code(), r.err());
            assertEquals("llm: " + f + ": looks binary: not text, JSON Lines or tar, and not a token shard" + magic,
                    r.err());
        }
        // in a folder, the file taken for a shard is named
        Path folder = Files.createDirectories(dir.resolve("shards"));
        Files.writeString(folder.resolve("notes.txt"), "some text");
        llm.data.TokenShard.write(folder.resolve("part.dat"), new int[] {1, 2, 3}, llm.data.TokenShard.VERSION_U16);
        CliHarness.Result r = CliHarness.run("train", "--data", folder.toString(), "--vocab-size", "300", "--preset",
                "tiny", "--out", dir.resolve("out-dir").toString(), "--steps", "1", "--threads", "1");
        assertEquals(2, r.code(), r.err());
        assertEquals("llm: --data " + folder + ": " + folder.resolve("part.dat") + " is a token shard (it has the "
                + "magic); a token shard holds the ids of the tokenizer that wrote it, not of one --vocab-size trains: "
                + "give that --tokenizer instead\n", r.err());
    }

    @Test
    void tsvRecordsAndAJsonSummaryDoNotShareStdout(@TempDir Path dir) throws Exception {
        Path docs = Files.writeString(dir.resolve("d.txt"), "Once upon a time there was a cat.\n");
        CliHarness.Result r = CliHarness.run("memorize-check", "--format", "tsv", "--json", "--threads", "1",
                docs.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals("llm: --json keeps stdout JSON: it takes --format jsonl (its default), not tsv (leave out --json"
                + " for the tsv with the summary on stderr)\n", r.err());
    }

    @Test
    void tokenizeLinesTakesCrlfAsTheNewline(@TempDir Path dir) throws Exception {
        Path unix = Files.writeString(dir.resolve("unix.txt"), "a b\nc\n");
        Path dos = Files.writeString(dir.resolve("dos.txt"), "a b\r\nc\r\n");
        CliHarness.Result u = CliHarness.run("tokenize", "--lines", "--threads", "1", unix.toString());
        CliHarness.Result d = CliHarness.run("tokenize", "--lines", "--threads", "1", dos.toString());
        assertEquals(0, d.code(), d.err());
        assertEquals(2, u.out().lines().count(), u.out());
        assertEquals(u.out(), d.out());
    }

    @Test
    void fewshotEvalPrintsItsAccuracyOnce(@TempDir Path dir) throws Exception {
        Path ex = Files.writeString(dir.resolve("ex.tsv"), "cat\tchat\ndog\tchien\n");
        Path ev = Files.writeString(dir.resolve("ev.tsv"), "bird\toiseau\n");
        CliHarness.Result r = withLog("fewshot", "--examples", ex.toString(), "--eval", ev.toString(), "-n", "2",
                "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("accuracy [01]\\.0000 \\([01]/1\\) at 2 shots\n"), r.out());
        assertTrue(!r.err().contains("accuracy"), "not again on stderr: " + r.err());
    }

    @Test
    void aBinaryShardIsNotWrittenToATerminal(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("t.txt"), "one two");
        java.io.OutputStream saved = llm.io.Stdio.stdout();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            llm.io.Stdio.setStdout(out, true);
            CliHarness.Result r = CliHarness.run("tokenize", "--bin", "-", text.toString());
            assertEquals(2, r.code());
            assertEquals("llm: --bin -: not writing a binary token shard to the terminal; redirect stdout "
                    + "(> train.bin) or give a file\n", r.err());
            assertEquals(0, out.size());
            llm.io.Stdio.setStdout(out, false);
            assertEquals(0, CliHarness.run("tokenize", "--bin", "-", text.toString()).code());
            assertTrue(out.size() > 1024, "a pipe gets the shard");
        } finally {
            llm.io.Stdio.setStdout(saved);
        }
    }

    /**
     * --slide on the bundled model (256 positions), with both CPU decoders: the Java one and DJL's. The prefix is a
     * Shakespeare speaker, whose verse the model does not end early with an end-of-text token, as it ends its stories.
     */
    @Test
    void slideGoesOnPastTheContextOnBothCpuDecoders() {
        String saved = System.getProperty("llm.decoder");
        try {
            for (String decoder : new String[] {"java", "djl"}) {
                System.setProperty("llm.decoder", decoder);
                CliHarness.Result stop = CliHarness.run("sample", "-n", "400", "--seed", "1", "--prefix", "ROMEO:",
                        "--threads", "1", "--json", "--device", "cpu");
                CliHarness.Result slide = CliHarness.run("sample", "-n", "400", "--seed", "1", "--prefix", "ROMEO:",
                        "--threads", "1", "--json", "--device", "cpu", "--slide");
                assertEquals(0, slide.code(), slide.err());
                com.google.gson.JsonObject a = com.google.gson.JsonParser.parseString(stop.out()).getAsJsonObject();
                com.google.gson.JsonObject b = com.google.gson.JsonParser.parseString(slide.out()).getAsJsonObject();
                assertEquals("context", a.get("finish_reason").getAsString(), decoder);
                assertEquals("length", b.get("finish_reason").getAsString(), decoder);
                assertEquals(400, b.getAsJsonArray("tokens").size(), decoder);
                // up to the context both are the same sample
                com.google.gson.JsonArray ta = a.getAsJsonArray("tokens");
                for (int i = 0; i < ta.size(); i++) {
                    assertEquals(ta.get(i).getAsInt(), b.getAsJsonArray("tokens").get(i).getAsInt(), decoder + " " + i);
                }
            }
        } finally {
            if (saved == null) {
                System.clearProperty("llm.decoder");
            } else {
                System.setProperty("llm.decoder", saved);
            }
        }
    }

    @Test
    void samplesStoppedByTheContextAreReportedOnce() {
        java.io.OutputStream saved = llm.io.Stdio.stdout();
        try {
            llm.io.Stdio.setStdout(java.io.OutputStream.nullOutputStream());
            CliHarness.Result r = withLog("sample", "-n", "300", "--num-samples", "3", "--seed", "1", "--prefix",
                    "Once", "--threads", "1");
            assertEquals(0, r.code(), r.err());
            assertEquals(1, r.err().lines().filter(l -> l.contains("stopped at the model's context")).count(),
                    r.err());
        } finally {
            llm.io.Stdio.setStdout(saved);
        }
    }
}
