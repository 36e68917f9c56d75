package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import llm.compute.TrainingRun;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.Release;
import llm.model.Safetensors;
import llm.run.RunDir;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import llm.train.TestTokenizers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir
    static Path tmp;
    static Path tok;
    static Path shakespeare;
    static Path run;
    static CliHarness.Result result;
    static String progress;

    @BeforeAll
    static void trainTinyShakespeare() throws IOException {
        Path shared = TestTokenizers.shared();
        assumeTrue(Files.isDirectory(shared), "../shared not present");
        tok = TestTokenizers.bytes(tmp);
        shakespeare = shared.resolve("data/tiny-shakespeare/input.txt");
        run = tmp.resolve("run");
        progress = logOf(() -> result = CliHarness.run("train", "--data", shakespeare.toString(), "--tokenizer",
                tok.toString(), "--preset", "tiny", "--steps", "80", "--batch", "8", "--lr", "3e-3", "--eval-every",
                "40", "--eval-batches", "4", "--threads", "1", "--seed", "7", "--out", run.toString()));
    }

    /** What {@code run} wrote through {@link llm.io.Log} (progress lines and samples). */
    static String logOf(Runnable run) {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = llm.io.Log.err();
        llm.io.Log.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            llm.io.Log.setErr(was);
        }
        return log.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void samplePromptOverridesTheTrainingTextsFirstWords() {
        Path o = tmp.resolve("prompt");
        String said = logOf(() -> assertEquals(0, CliHarness.run("train", "--data", shakespeare.toString(),
                "--tokenizer", tok.toString(), "--preset", "tiny", "--steps", "2", "--eval-every", "2",
                "--eval-batches", "1", "--sample-prompt", "ROMEO:", "--sample-tokens", "3", "--threads", "1",
                "--seed", "1", "--out", o.toString()).code()));
        assertTrue(said.contains("step 2: val loss ") && said.contains(" | sample: ROMEO:"), said);
        assertTrue(!said.contains("First Citizen"), said);
    }

    @Test
    void aTinyModelLearnsShakespeareAndWritesALoadableRelease() throws IOException {
        assertEquals(0, result.code(), result.err());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(80, lines.size());
        double first = JsonParser.parseString(lines.get(0)).getAsJsonObject().get("loss").getAsDouble();
        double last = JsonParser.parseString(lines.get(79)).getAsJsonObject().get("loss").getAsDouble();
        assertEquals(Math.log(257), first, 0.3, "starts near ln(vocab)");
        assertTrue(last < 0.7 * Math.log(257), "falls well below ln(vocab): " + last);

        TrainingRun tr = TrainingRun.read(run);
        assertEquals(80, tr.steps());
        assertEquals(80L * 8 * 64, tr.tokensSeen());
        assertEquals(7L, tr.seed());
        assertTrue(tr.finalValLoss() != null && tr.finalValLoss() < 0.8 * Math.log(257));
        assertTrue(tr.data().stream().anyMatch(d -> d.role().equals("train") && d.tokens() > 1_000_000));
        assertTrue(Files.readString(run.resolve("loss.svg")).startsWith("<svg"));
        assertTrue(progress.contains("step 40: val loss ") && progress.contains(" | sample: First Citizen:"),
                "no --sample-prompt: the sample starts with the training text's first words\n" + progress);

        // the release loads and gives the same loss on a window as training measured (roughly)
        Tokenizer t = Tokenizers.load(run);
        assertEquals(257, t.vocabSize());
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            LanguageModel model = Release.read(run, m);
            int[] ids = t.encode(Files.readString(shakespeare).substring(0, 65));
            NDArray logits = model.forward(m.create(java.util.Arrays.copyOf(ids, 64), new Shape(1, 64)));
            assertEquals(new Shape(1, 64, 257), logits.getShape());
        }
    }

    @Test
    void configAndTensorNamesAreHuggingFaces() throws IOException {
        assertEquals(0, result.code(), result.err());
        JsonObject cfg = JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        assertEquals("GPT2LMHeadModel", cfg.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals("gpt2", cfg.get("model_type").getAsString());
        assertEquals(257, cfg.get("vocab_size").getAsInt());
        assertEquals(64, cfg.get("n_positions").getAsInt());
        assertEquals(32, cfg.get("n_embd").getAsInt());
        assertEquals(2, cfg.get("n_layer").getAsInt());
        assertEquals(2, cfg.get("n_head").getAsInt());
        assertEquals(256, cfg.get("eos_token_id").getAsInt());
        try (Safetensors.Reader r = new Safetensors.Reader(run.resolve("model.safetensors"))) {
            Map<String, Safetensors.Entry> e = r.entries();
            assertEquals(List.of(257L, 32L), list(e.get("transformer.wte.weight").shape()));
            assertEquals(List.of(64L, 32L), list(e.get("transformer.wpe.weight").shape()));
            assertEquals(List.of(32L, 96L), list(e.get("transformer.h.0.attn.c_attn.weight").shape()));
            assertEquals(List.of(96L), list(e.get("transformer.h.1.attn.c_attn.bias").shape()));
            assertEquals(List.of(32L, 32L), list(e.get("transformer.h.1.attn.c_proj.weight").shape()));
            assertEquals(List.of(32L, 128L), list(e.get("transformer.h.0.mlp.c_fc.weight").shape()));
            assertEquals(List.of(128L, 32L), list(e.get("transformer.h.0.mlp.c_proj.weight").shape()));
            assertEquals(List.of(32L), list(e.get("transformer.ln_f.weight").shape()));
            assertEquals(2 + 2 * 12 + 2, e.size(), "no lm_head tensor: GPT-2 ties it to wte");
        }
    }

    @Test
    void resumingAFinishedRunWithMoreStepsContinuesIt() throws IOException {
        assertEquals(0, result.code(), result.err());
        Path copy = tmp.resolve("more");
        Files.createDirectories(copy);
        try (var files = Files.list(run)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        CliHarness.Result r = CliHarness.run("train", "--resume", copy.toString(), "--steps", "84");
        assertEquals(0, r.code(), r.err());
        assertEquals(84, Files.readAllLines(copy.resolve("metrics.jsonl")).size());
        assertEquals(84, TrainingRun.read(copy).steps());
        CliHarness.Result r2 = CliHarness.run("train", "--resume", copy.toString(), "--steps", "40");
        assertEquals(2, r2.code(), r2.err());
        assertTrue(r2.err().contains("has done 84 steps already") && r2.err().contains("give --steps above 84"),
                r2.err());
        r2 = CliHarness.run("train", "--resume", copy.toString()); // run.json now says 84: nothing to add
        assertEquals(0, r2.code(), r2.err());
        assertEquals(84, TrainingRun.read(copy).steps());
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = llm.io.Log.err();
        llm.io.Log.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try { // nothing left to train: no empty phase summary
            assertEquals(0, CliHarness.run("train", "--resume", copy.toString(), "--steps", "84").code());
        } finally {
            llm.io.Log.setErr(was);
        }
        String said = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.contains("peak RSS") && !said.contains("(this session): ;"), said);
        CliHarness.Result bad = CliHarness.run("train", "--resume", copy.toString(), "--lr", "1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--lr cannot be changed with --resume"), bad.err());
    }

    @Test
    void aWeightedMixtureWithValidationDataIsRecordedAndResumable() throws IOException {
        Path stories = Files.writeString(tmp.resolve("stories.txt"),
                ("Once upon a time there was a cat.\n<|endoftext|>\n"
                        + "The dog ran home to its mother.\n<|endoftext|>\n").repeat(40));
        Path val = Files.writeString(tmp.resolve("val.txt"), "A held-out story about a bird and a tree.\n".repeat(10));
        Path mix = tmp.resolve("mix");
        CliHarness.Result r = CliHarness.run("train", "--data", shakespeare + ":0.5", "--data", stories + ":3",
                "--val-data", val.toString(), "--tokenizer", tok.toString(), "--preset", "tiny", "--steps", "3",
                "--eval-every", "0", "--threads", "1", "--seed", "3", "--out", mix.toString());
        assertEquals(0, r.code(), r.err());
        List<TrainingRun.DataSource> d = TrainingRun.read(mix).data();
        assertEquals(List.of("train", "train", "val"), d.stream().map(TrainingRun.DataSource::role).toList());
        assertEquals(List.of(0.5, 3.0, 1.0), d.stream().map(TrainingRun.DataSource::weight).toList());
        assertEquals(80, d.get(1).documents(), "documents cut at <|endoftext|> lines");
        assertEquals(1, d.get(2).documents());
        assertTrue(d.get(0).tokens() > 1_000_000, "no --val-fraction taken when --val-data is given");
        assertTrue(Files.isDirectory(mix.resolve("data")), "token shards under --out");
        assertTrue(TrainingRun.read(mix).finalValLoss() != null, "validation on --val-data");

        r = CliHarness.run("train", "--resume", mix.toString(), "--steps", "4");
        assertEquals(0, r.code(), r.err());
        assertEquals(4, Files.readAllLines(mix.resolve("metrics.jsonl")).size());
    }

    @Test
    void badInputIsOneClearLine() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        CliHarness.Result r = CliHarness.run("train", "--data", empty.toString(), "--tokenizer", tok.toString(),
                "--preset", "tiny", "--steps", "1", "--out", tmp.resolve("e").toString(), "--seed", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("empty"), r.err());

        Path shard = tmp.resolve("bad.bin");
        Files.write(shard, new byte[2048]);
        r = CliHarness.run("train", "--data", shard.toString(), "--tokenizer", tok.toString(), "--preset", "tiny",
                "--steps", "1", "--out", tmp.resolve("s").toString(), "--seed", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a token shard (magic 0"), r.err());

        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "too short for a window of 64\n");
        r = CliHarness.run("train", "--data", tiny.toString(), "--tokenizer", tok.toString(), "--preset", "tiny",
                "--steps", "1", "--out", tmp.resolve("t").toString(), "--seed", "1", "--val-fraction", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("fewer than --ctx + 1 = 65"), r.err());

        r = CliHarness.run("train", "--data", shakespeare + ":0", "--tokenizer", tok.toString(), "--preset", "tiny",
                "--steps", "1", "--out", tmp.resolve("w").toString(), "--seed", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the weight must be a number greater than 0"), r.err());

        r = CliHarness.run("train", "--tokenizer", tok.toString(), "--preset", "tiny", "--steps", "1",
                "--out", tmp.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--data is required"), r.err());

        r = CliHarness.run("train", "--data", shakespeare.toString(), "--tokenizer", tok.toString(),
                "--preset", "tiny", "--steps", "1", "--out", run.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("holds a checkpoint already"), r.err());

        r = CliHarness.run("train", "--data", shakespeare.toString(), "--tokenizer", tok.toString(),
                "--preset", "nope", "--steps", "1", "--out", tmp.resolve("y").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--preset nope: unknown"), r.err());
    }

    @Test
    void aRunThatFailsBeforeItStartsLeavesNoFilesBehind() throws IOException {
        // flag errors are found before anything is written (no tokenizer trained, no run.json)
        Path o = tmp.resolve("flags");
        CliHarness.Result r = CliHarness.run("train", "--data", shakespeare.toString(), "--vocab-size", "300",
                "--preset", "tiny", "--out", o.toString(), "--seed", "1");
        assertEquals(2, r.code(), r.err());
        assertEquals("llm: give --steps N or --tokens N", r.err().strip());
        assertTrue(Files.notExists(o), "nothing written for a usage error");
        for (String[] bad : List.of(new String[] {"--batch-tokens", "100"}, new String[] {"--lr", "-1"},
                new String[] {"--heads", "3"}, new String[] {"--weight-decay", "-1"}, new String[] {"--clip", "-1"},
                new String[] {"--clip", "NaN"}, new String[] {"--sample-tokens", "-1"},
                new String[] {"--eval-batches", "0"}, new String[] {"--val-data", shakespeare.toString()})) {
            r = CliHarness.run("train", "--data", shakespeare.toString(), "--vocab-size", "300", "--preset", "tiny",
                    "--steps", "1", bad[0], bad[1], "--out", o.toString(), "--seed", "1", "--val-fraction", "0.1");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("llm: ") && r.err().strip().lines().count() == 1, r.err());
            assertTrue(r.err().contains(bad[0].equals("--val-data") ? "--val-fraction and --val-data" : bad[0])
                    || bad[0].equals("--heads"), r.err());
            assertTrue(Files.notExists(o), bad[0] + ": nothing written");
        }
        r = CliHarness.run("train", "--data", shakespeare.toString(), "--vocab-size", "10", "--preset", "tiny",
                "--steps", "1", "--out", o.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--vocab-size must be at least 257"), r.err());

        r = CliHarness.run("train", "--data", shakespeare.toString(), "--tokenizer", tok.toString(), "--preset",
                "tiny", "--steps", "1", "--out", shakespeare.resolve("sub").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("llm: " + shakespeare.resolve("sub").toAbsolutePath() + ": not a directory", r.err().strip());

        r = CliHarness.run("train", "--data", shakespeare.toString(), "--tokenizer", tok.toString(), "--preset",
                "tiny", "--steps", "1", "--out", shakespeare.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("llm: --out " + shakespeare + ": exists and is not a directory", r.err().strip());

        Path llama2cTok = TestTokenizers.shared().resolve("models/stories260K/tok512.bin");
        r = CliHarness.run("train", "--data", shakespeare.toString(), "--tokenizer", llama2cTok.toString(),
                "--preset", "tiny", "--steps", "1", "--out", o.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("a llama2.c tokenizer.bin cannot go into a release"), r.err());
        assertTrue(Files.notExists(o), "no binary tokenizer.json written");

        Path shardOnly = tmp.resolve("only.bin"); // a token shard has no text to train a tokenizer on
        llm.data.TokenShard.write(shardOnly, new int[] {1, 2, 3}, llm.data.TokenShard.VERSION_U16);
        r = CliHarness.run("train", "--data", shardOnly.toString(), "--vocab-size", "300", "--preset", "tiny",
                "--steps", "1", "--out", o.toString());
        assertEquals(2, r.code(), r.err()); // its ids are another tokenizer's: say so before training one
        assertTrue(r.err().contains("a token shard holds the ids of the tokenizer that wrote it"), r.err());
        r = CliHarness.run("train", "--data", shakespeare.toString(), "--data", shardOnly.toString(), "--vocab-size",
                "300", "--preset", "tiny", "--steps", "1", "--out", o.toString()); // mixed with text: the same
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--data " + shardOnly + ": a token shard"), r.err());
        assertTrue(Files.notExists(o));

        // an error found in the data removes what this run wrote, and only that
        Path kept = Files.createDirectories(tmp.resolve("kept"));
        Files.writeString(kept.resolve("notes.txt"), "mine");
        Path empty = Files.writeString(tmp.resolve("empty2.txt"), "");
        r = CliHarness.run("train", "--data", empty.toString(), "--tokenizer", tok.toString(), "--preset", "tiny",
                "--steps", "1", "--out", kept.toString(), "--seed", "1");
        assertEquals(1, r.code(), r.err());
        try (var files = Files.list(kept)) {
            assertEquals(List.of("notes.txt"), files.map(f -> f.getFileName().toString()).toList());
        }
        r = CliHarness.run("train", "--data", empty.toString(), "--tokenizer", tok.toString(), "--preset", "tiny",
                "--steps", "1", "--out", o.toString(), "--seed", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(Files.notExists(o), "a directory this run created is removed again");

        // --resume of a directory that has run.json but no checkpoint says so before reading any data
        Path started = Files.createDirectories(tmp.resolve("started"));
        Files.copy(run.resolve(RunDir.RUN_FILE), started.resolve(RunDir.RUN_FILE));
        r = CliHarness.run("train", "--resume", started.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("no checkpoint here") && !r.err().contains("data:"), r.err());
    }

    @Test
    void aReleaseIsNotOverwrittenAndBadValuesAreUsageErrors() throws IOException {
        assertEquals(0, result.code(), result.err());
        Path release = tmp.resolve("release"); // a release without a checkpoint (as models/default)
        Files.createDirectories(release);
        for (String f : List.of(Release.CONFIG, Release.WEIGHTS, Release.TOKENIZER)) {
            Files.copy(run.resolve(f), release.resolve(f));
        }
        byte[] weights = Files.readAllBytes(release.resolve(Release.WEIGHTS));
        String[] args = {"train", "--data", shakespeare.toString(), "--tokenizer", tok.toString(), "--preset",
            "tiny", "--steps", "1", "--eval-every", "0", "--threads", "1", "--seed", "1", "--out", release.toString()};
        CliHarness.Result r = CliHarness.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("holds a release already (config.json)") && r.err().contains("--overwrite"),
                r.err());
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(release.resolve(Release.WEIGHTS))));
        List<String> a = new java.util.ArrayList<>(List.of(args));
        a.add("--overwrite");
        r = CliHarness.run(a.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        assertEquals(1, TrainingRun.read(release).steps());
        // an --overwrite that fails leaves the previous run as it was, not a release of two runs' parts
        byte[] before = Files.readAllBytes(release.resolve(Release.WEIGHTS));
        byte[] tokBefore = Files.readAllBytes(release.resolve(Release.TOKENIZER));
        List<String> typo = new java.util.ArrayList<>(a);
        typo.set(typo.indexOf("--tokenizer") + 1, tmp.resolve("no-such-tokenizer.json").toString());
        r = CliHarness.run(typo.toArray(new String[0]));
        assertEquals(2, r.code(), r.err()); // found before anything is touched
        assertTrue(r.err().contains("no-such-tokenizer.json: no tokenizer.json there"), r.err());
        List<String> late = new java.util.ArrayList<>(a); // found after the previous run was set aside
        late.set(late.indexOf("--data") + 1, release.toString());
        late.set(late.indexOf("--tokenizer") + 1, TestTokenizers.shared().resolve("tokenizers/gpt2/tokenizer.json")
                .toString());
        r = CliHarness.run(late.toArray(new String[0]));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is the --out directory"), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(release.resolve(Release.WEIGHTS)))
                && java.util.Arrays.equals(tokBefore, Files.readAllBytes(release.resolve(Release.TOKENIZER)))
                && Files.exists(release.resolve(RunDir.RUN_FILE)), "the previous run is back as it was");
        assertTrue(Files.notExists(release.resolve(".llm-previous-run")));

        for (String[] bad : List.of(new String[] {"--out", ""}, new String[] {"--val-fraction", "NaN"},
                new String[] {"--weight-decay", "NaN"}, new String[] {"--sample-prompt", ""},
                new String[] {"--tokens", "1e30"})) {
            List<String> b = new java.util.ArrayList<>(List.of("train", "--data", shakespeare.toString(),
                    "--tokenizer", tok.toString(), "--preset", "tiny", "--seed", "1"));
            if (!bad[0].equals("--tokens")) {
                b.addAll(List.of("--steps", "1"));
            }
            if (!bad[0].equals("--out")) {
                b.addAll(List.of("--out", tmp.resolve("never").toString()));
            }
            b.addAll(List.of(bad));
            r = CliHarness.run(b.toArray(new String[0]));
            assertEquals(2, r.code(), bad[0] + ": " + r.err());
            assertTrue(r.err().startsWith("llm: " + bad[0]) && r.err().strip().lines().count() == 1, r.err());
        }
        assertTrue(Files.notExists(tmp.resolve("never")));
    }

    @Test
    void runJsonNamesFilesAbsolutelyAndKeepsTheBudgetAResumeGave() throws IOException {
        assertEquals(0, result.code(), result.err());
        Path o = tmp.resolve("budget");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = llm.io.Log.err();
        llm.io.Log.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        CliHarness.Result r;
        try {
            r = CliHarness.run("train", "--data=" + shakespeare + ":1", "--tokenizer", tok.toString(), "--preset",
                    "tiny", "--steps", "2", "--eval-every", "0", "--val-fraction", "0", "--threads", "1", "--seed",
                    "1", "--out", o.toString());
        } finally {
            llm.io.Log.setErr(was);
        }
        assertEquals(0, r.code(), r.err());
        String said = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(!said.contains("no validation loss"), "--val-fraction 0 asked for none: " + said);
        JsonObject tj = JsonParser.parseString(Files.readString(o.resolve(TrainingRun.FILE))).getAsJsonObject();
        assertTrue(tj.has("final_val_loss") && tj.get("final_val_loss").isJsonNull(), tj.toString());

        List<String> stored = new java.util.ArrayList<>();
        JsonParser.parseString(Files.readString(o.resolve(RunDir.RUN_FILE))).getAsJsonObject()
                .getAsJsonArray("args").forEach(e -> stored.add(e.getAsString()));
        assertTrue(stored.contains("--data=" + shakespeare.toAbsolutePath().normalize() + ":1"), stored.toString());
        assertTrue(stored.contains(tok.toAbsolutePath().normalize().toString()), stored.toString());

        // --tokens replaces the run's --steps, and run.json keeps it: a plain --resume then has nothing to add
        r = CliHarness.run("train", "--resume", o.toString(), "--tokens", "2048"); // 4 steps of 8 × 64
        assertEquals(0, r.code(), r.err());
        assertEquals(4, TrainingRun.read(o).steps());
        r = CliHarness.run("train", "--resume", o.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(4, TrainingRun.read(o).steps());
        String runJson = Files.readString(o.resolve(RunDir.RUN_FILE));
        assertTrue(runJson.contains("\"--tokens\",\n    \"2048\"") && !runJson.contains("--steps"), runJson);

        Files.writeString(o.resolve(RunDir.RUN_FILE), "{\"args\": [\"--data\",");
        r = CliHarness.run("train", "--resume", o.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("run.json: not a run.json written by llm train (unexpected end of input")
                && !r.err().contains("Exception"), r.err());
    }

    @Test
    void anOutputDirectoryInsideADataDirectoryIsNotReadAsData() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        Files.writeString(dir.resolve("a.txt"), Files.readString(shakespeare).substring(0, 20_000));
        Path o = dir.resolve("run1");
        String[] args = {"train", "--data", dir.toString(), "--tokenizer", tok.toString(), "--preset", "tiny",
            "--steps", "1", "--eval-every", "0", "--threads", "1", "--seed", "1", "--out", o.toString()};
        CliHarness.Result r = CliHarness.run(args);
        assertEquals(0, r.code(), r.err());
        r = CliHarness.run("train", "--resume", o.toString(), "--steps", "2"); // its run.json, shards, checkpoint
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("train"), TrainingRun.read(o).data().stream().map(TrainingRun.DataSource::role).toList());
        r = CliHarness.run("train", "--data", dir.toString(), "--tokenizer", tok.toString(), "--preset", "tiny",
                "--steps", "1", "--out", dir.toString());
        assertEquals(2, r.code(), r.err());
    }

    @Test
    void theHelpExampleNamesFilesThatExist() {
        List<String> lines = CliHarness.run("train", "--help").out().lines().toList();
        StringBuilder example = new StringBuilder();
        for (int i = lines.indexOf(lines.stream().filter(l -> l.startsWith("  llm train ")).findFirst().orElseThrow());
                i < lines.size(); i++) {
            example.append(lines.get(i).replace("\\", " "));
            if (!lines.get(i).endsWith("\\")) {
                break;
            }
        }
        List<String> words = List.of(example.toString().trim().split("\\s+"));
        assertTrue(!words.contains("--tokenizer"), "no tokenizer file a user lacks: " + example);
        assertEquals("runs/shakespeare", words.get(words.size() - 1), example.toString());
        String data = words.get(words.indexOf("--data") + 1);
        assertEquals("../shared/data/tiny-shakespeare/input.txt", data);
    }

    private static List<Long> list(long[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
