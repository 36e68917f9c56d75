package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import llm.io.Log;
import llm.io.Stdio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The golden transcript: exit code, stdout and stderr of representative {@code llm} commands (every command, its
 * {@code --help}, {@code --json} outputs, common errors), run in-process with fixed seeds and compared with
 * {@code src/test/resources/golden/transcript.txt} (and {@code transcript-shared.txt} for the commands that need
 * {@code ../shared}, skipped when it is absent). It pins the user-visible behaviour across refactorings.
 *
 * <p>A change to a golden file is a deliberate, reviewed change: regenerate with
 * {@code mvn -o -q test -Dtest=GoldenTranscriptTest -Dllm.regenerate=true}, then read {@code git diff} item by item and
 * justify every changed block (a refactoring must leave it empty).
 *
 * <p>Placeholders in the command lines: {@code {tmp}} is a fresh temporary directory (shared by the commands of one
 * group, so a later command can read what an earlier one wrote), {@code {res}} the input files in
 * {@code src/test/resources/golden/}, {@code {shared}} the {@code llm.shared} directory. The runner is
 * {@link CliHarness}'s, except that stdout (picocli's writer and {@link Stdio#stdout()}) and stderr (picocli's writer
 * and {@link Log}) each go to one stream, in the order written. Every sampling command has a {@code --seed} (or
 * temperature 0) and the commands that compute take {@code --threads 1}, so that the numbers do not depend on the
 * machine's core count. Output is compared after {@link #normalise}: the temporary
 * and working directories, and the {@link #RULES} (timings, measured rates and peaks, memory, versions), one line each;
 * nothing else is normalised.
 */
class GoldenTranscriptTest {
    static final Path RES = Path.of("src/test/resources/golden");
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));

    /** Where a block of the transcript starts: its command line. */
    static final Pattern BLOCK = Pattern.compile("(?m)^(?=\\Q====== llm\\E)");

    /** One command: its arguments (with placeholders) and its stdin. */
    record Cmd(String stdin, String... args) {}

    static Cmd c(String... args) {
        return new Cmd("", args);
    }

    static Cmd in(String stdin, String... args) {
        return new Cmd(stdin, args);
    }

    static final String M = "models/default";

    /** {@code command --model models/default --threads 1 args...}: the bundled model, on one thread. */
    static Cmd m(String command, String... args) {
        return inM("", command, args);
    }

    static Cmd inM(String stdin, String command, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(command, "--model", M, "--threads", "1"));
        all.addAll(List.of(args));
        return new Cmd(stdin, all.toArray(String[]::new));
    }

    static List<Cmd> commands() {
        return List.of(
                // the root
                c(),
                c("--help"),
                c("--version"),
                c("sampel", "--prefix", "x"),
                c("help", "sample"),
                c("help"),
                c("--device", "tpu", "sample", "-n", "1", "--seed", "1"),
                // tokenize
                c("tokenize", "--help"),
                in("Hello world\n", "tokenize", "--tokenizer", M, "-"),
                in("Hello world\n", "tokenize", "--tokenizer", M, "--pieces", "-"),
                c("tokenize", "--tokenizer", M, "--count", "{res}/corpus.txt"),
                in("Once upon a time\nThe end\n", "tokenize", "--tokenizer", M, "--json", "--lines", "-"),
                c("tokenize", "--tokenizer", M, "--eos", "--bin", "{tmp}/corpus.bin", "{res}/corpus.txt"),
                c("tokenize", "--tokenizer", M, "--decode", "{tmp}/corpus.bin"),
                in("1 2 3 400\n", "tokenize", "--tokenizer", M, "--decode", "-"),
                c("tokenize", "--train", "--vocab-size", "300", "-o", "{tmp}/tok.json", "{res}/corpus.txt"),
                in("Lily threw the ball\n", "tokenize", "--tokenizer", "{tmp}/tok.json", "--pieces", "-"),
                c("tokenize", "--tokenizer", M, "--bogus", "{res}/corpus.txt"),
                c("tokenize", "--tokenizer", M, "{tmp}/missing.txt"),
                c("tokenize", "--train", "--vocab-size", "1", "-o", "{tmp}/tok2.json", "{res}/corpus.txt"),
                // sample
                c("sample", "--help"),
                c("sample", "--prefix", "Once upon a time", "-n", "10", "--temperature", "0", "--threads", "1"),
                m("sample", "--prefix", "Once upon a time", "-n", "20", "--temperature", "0"),
                m("sample", "--prefix", "Once upon a time", "-n", "20", "--temperature", "0.8", "--seed", "7"),
                m("sample", "--prefix", "Tom", "-n", "12", "--seed", "3", "--top-k", "5", "--top-p", "0.9",
                        "--num-samples", "2"),
                m("sample", "--prefix", "The dog", "-n", "5", "--seed", "1", "--json", "--logprobs", "3"),
                m("sample", "--prefix", "Lily", "-n", "10", "--temperature", "0", "--echo"),
                m("sample", "--prefix", "Once upon a time", "-n", "40", "--temperature", "0", "--stop", "."),
                m("sample", "-n", "5", "--temperature", "-1", "--seed", "1"),
                m("sample", "-n", "5", "--top-p", "1.5", "--seed", "1"),
                c("sample", "--model", "{tmp}/no-such-model", "-n", "5", "--seed", "1"),
                c("sample", "--model", "{res}", "-n", "5", "--seed", "1"),
                m("sample", "-n", "5", "--seed", "1", "--device", "bogus"),
                m("sample", "--prefx", "x"),
                // train: a tiny deterministic run, then read it back
                c("train", "--help"),
                c("train", "--data", "{res}/corpus.txt", "--vocab-size", "300", "--layers", "1", "--d-model", "16",
                        "--heads", "2", "--ctx", "16", "--batch", "2", "--steps", "4", "--eval-every", "2",
                        "--seed", "1", "--threads", "1", "--out", "{tmp}/run"),
                c("sample", "--model", "{tmp}/run", "--prefix", "Lily", "-n", "8", "--temperature", "0", "--threads",
                        "1"),
                c("score", "--model", "{tmp}/run", "--threads", "1", "{res}/corpus.txt"),
                c("cost", "--from-run", "{tmp}/run", "--tokens", "1M", "--gpu", "H100", "--gpus", "1", "--mfu", "0.5"),
                c("train", "--data", "{res}/corpus.txt", "--vocab-size", "300", "--layers", "1", "--d-model", "16",
                        "--heads", "2", "--ctx", "16", "--steps", "0", "--out", "{tmp}/run0"),
                c("train", "--vocab-size", "300", "--layers", "1", "--d-model", "16", "--heads", "2", "--ctx", "16",
                        "--steps", "2", "--out", "{tmp}/run1"),
                c("train", "--data", "{tmp}/missing.txt", "--vocab-size", "300", "--layers", "1", "--d-model", "16",
                        "--heads", "2", "--ctx", "16", "--steps", "2", "--seed", "1", "--out", "{tmp}/run2"),
                c("train", "--data", "{res}/corpus.txt", "--vocab-size", "300", "--layers", "1", "--d-model", "16",
                        "--heads", "2", "--ctx", "16", "--steps", "2", "--out", "{tmp}/run"),
                c("train", "--data", "{res}/corpus.txt", "--vocab-size", "300", "--preset", "huge", "--steps", "2",
                        "--out", "{tmp}/run3"),
                // memorize-check
                c("memorize-check", "--help"),
                m("memorize-check", "--split", "blank-line", "--prefix-tokens", "8", "--suffix-tokens", "8",
                        "{res}/docs.txt"),
                m("memorize-check", "--split", "blank-line", "--prefix-tokens", "8", "--suffix-tokens", "8",
                        "--format", "jsonl", "{res}/docs.txt"),
                m("memorize-check", "--split", "blank-line", "--prefix-tokens", "8", "--suffix-tokens", "8",
                        "--format", "tsv", "{res}/docs.txt"),
                m("memorize-check", "--split", "blank-line", "--prefix-tokens", "8", "--suffix-tokens", "8",
                        "--json", "{res}/docs.txt"),
                m("memorize-check", "--fail-above", "1.5", "{res}/docs.txt"),
                m("memorize-check", "--format", "xml", "{res}/docs.txt"),
                // fewshot
                c("fewshot", "--help"),
                m("fewshot", "--examples", "{res}/examples.tsv", "--query", "bird", "-n", "6"),
                inM("bird\nfish\n", "fewshot", "--examples", "{res}/examples.tsv", "-n", "6", "--json"),
                m("fewshot", "--examples", "{res}/examples.tsv", "--query", "bird", "--show-prompt", "-n", "4"),
                m("fewshot", "--choices", "{res}/choices.jsonl"),
                m("fewshot", "--choices", "{res}/choices.jsonl", "--json"),
                inM("Hello?\n", "fewshot", "--chat", "-n", "8", "--seed", "1"),
                m("fewshot", "--choices", "{res}/choices.jsonl", "--chat"),
                m("fewshot", "--examples", "{tmp}/none.tsv", "--query", "x"),
                // score
                c("score", "--help"),
                m("score", "{res}/corpus.txt"),
                m("score", "--json", "{res}/corpus.txt"),
                m("score", "--split", "blank-line", "--json", "{res}/docs.txt"),
                inM("The dog ran.\n", "score", "--tokens", "-"),
                m("score", "{tmp}/missing.txt"),
                m("score", "--stride", "0", "{res}/corpus.txt"),
                // info
                c("info", "--help"),
                c("info", "--model", "{tmp}/default"),
                c("info", "--model", "{tmp}/default", "--tensors"),
                c("info", "--model", "{tmp}/default", "--json"),
                c("info", "--model", "{tmp}/no-such-model"),
                // cost
                c("cost", "--help"),
                c("cost", "--params", "124M", "--tokens", "10B"),
                c("cost", "--params", "1.6B", "--tokens", "100B", "--gpu", "H100", "--gpus", "8"),
                c("cost", "--params", "405B", "--tokens", "15T", "--gpu", "H100", "--gpus", "16384", "--json"),
                c("cost", "--layers", "12", "--d-model", "768", "--ctx", "1024", "--tokens-per-param", "20"),
                c("cost", "--model", M, "--tokens", "1B", "--gpu", "A100", "--price", "2"),
                c("cost", "--params", "lots", "--tokens", "1B"),
                c("cost", "--params", "124M", "--tokens", "1B", "--mfu", "2"),
                // env
                c("env", "--help"),
                c("env", "--bogus"));
    }

    /** Commands that need {@code ../shared} (stories260K, a llama2.c checkpoint). */
    static List<Cmd> sharedCommands() {
        String bin = "{shared}/models/stories260K/stories260K.bin";
        String tok = "{shared}/models/stories260K/tok512.bin";
        return List.of(
                c("sample", "--model", bin, "--tokenizer", tok, "--temperature", "0", "-n", "60", "--threads", "1"),
                c("sample", "--model", bin, "--tokenizer", tok, "--prefix", "Lily", "-n", "30", "--seed", "42",
                        "--threads", "1", "--json", "--logprobs", "3"),
                c("info", "--model", bin),
                c("cost", "--model", bin, "--tokens", "1B"),
                c("score", "--model", bin, "--tokenizer", tok, "--threads", "1", "{res}/corpus.txt"),
                c("memorize-check", "--model", bin, "--tokenizer", tok, "--split", "blank-line", "--prefix-tokens", "8",
                        "--suffix-tokens", "8", "--threads", "1", "--json", "{res}/docs.txt"));
    }

    @Test
    void transcriptIsUnchanged(@TempDir Path tmp) throws IOException {
        // info prints the tokenizer's description, which names the path its first loader in this JVM spelled (the
        // tokenizer cache is per process, keyed by real path): a copy no other test can have loaded keeps it stable
        Files.createDirectories(tmp.resolve("default"));
        try (var files = Files.list(Path.of(M))) {
            for (Path f : files.sorted().toList()) {
                Files.copy(f, tmp.resolve("default").resolve(f.getFileName().toString()));
            }
        }
        check(RES.resolve("transcript.txt"), commands(), tmp);
    }

    @Test
    void sharedTranscriptIsUnchanged(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isDirectory(SHARED.resolve("models/stories260K")), "../shared not present");
        check(RES.resolve("transcript-shared.txt"), sharedCommands(), tmp);
    }

    static void check(Path golden, List<Cmd> cmds, Path tmp) throws IOException {
        StringBuilder actual = new StringBuilder();
        for (Cmd cmd : cmds) {
            actual.append(block(cmd, tmp));
        }
        if (Boolean.getBoolean("llm.regenerate")) {
            Files.writeString(golden, actual.toString());
            return;
        }
        assertTrue(Files.exists(golden), golden + " is missing; regenerate with "
                + "mvn -o -q test -Dtest=GoldenTranscriptTest -Dllm.regenerate=true");
        String expected = Files.readString(golden);
        String[] want = BLOCK.split(expected);
        String[] got = BLOCK.split(actual);
        for (int i = 0; i < Math.min(want.length, got.length); i++) {
            String head = want[i].lines().findFirst().orElse("");
            assertEquals(want[i], got[i], "block " + (i + 1) + " of " + golden + " (" + head + ") changed");
        }
        assertEquals(expected, actual.toString(), golden + " changed (commands added or removed)");
    }

    /** Runs one command and formats its block of the transcript. */
    static String block(Cmd cmd, Path tmp) {
        String[] args = new String[cmd.args().length];
        for (int i = 0; i < args.length; i++) {
            args[i] = cmd.args()[i].replace("{tmp}", tmp.toString()).replace("{res}", RES.toString())
                    .replace("{shared}", SHARED.toString());
        }
        Run r = run(cmd.stdin(), args);
        StringBuilder b = new StringBuilder("====== llm");
        for (String a : cmd.args()) {
            b.append(' ').append(a.isEmpty() || a.contains(" ") ? "'" + a + "'" : a);
        }
        b.append('\n');
        if (!cmd.stdin().isEmpty()) {
            b.append("--- stdin\n").append(cmd.stdin());
        }
        b.append("--- exit ").append(r.code()).append('\n');
        b.append("--- stdout\n").append(ends(normalise(r.out(), tmp)));
        b.append("--- stderr\n").append(ends(normalise(r.err(), tmp)));
        return b.toString();
    }

    static String ends(String s) {
        return s.isEmpty() || s.endsWith("\n") ? s : s + "\n(no newline at end)\n";
    }

    record Run(int code, String out, String err) {}

    /** As {@link CliHarness#run}, with stdin given; both stdout channels in one stream, both stderr channels in one. */
    static Run run(String stdin, String... args) {
        InputStream savedIn = System.in;
        OutputStream savedOut = Stdio.stdout();
        PrintStream savedErr = Log.err();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            Stdio.setStdout(out); // before the command line: picocli's out is Stdio.textOut()
            Log.setErr(errStream);
            Log.setLevel(Log.Level.NORMAL);
            CommandLine cmd = Llm.newCommandLine(args);
            cmd.setErr(new PrintWriter(new OutputStreamWriter(errStream, StandardCharsets.UTF_8), true));
            int code = cmd.execute(args);
            cmd.getOut().flush();
            cmd.getErr().flush();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(savedIn);
            Stdio.setStdout(savedOut);
            Log.setErr(savedErr);
            Log.setLevel(Log.Level.NORMAL);
        }
    }

    /** A normalisation: what legitimately varies between runs and machines, and its placeholder. */
    record Rule(Pattern pattern, String replacement) {}

    static final List<Rule> RULES = List.of(
            // a duration after "in ", "[", "(" or "eta " (12.3 s, 0.0s, 4ms, 2 min) -> <time>
            rule("(?<=\\bin |\\[|\\(|eta )\\d+(\\.\\d+)? ?(ms|s|min|h)\\b", "<time>"),
            // a measured rate (6002 tok/s, 9.536K tokens/s, 32.49 documents/s, 0.0 MB/s) -> <rate>
            rule("\\d[\\d.,]*[kKM]? ?(tok|tokens|documents|items|MB)/s\\b", "<rate>"),
            // a measured MFU (train's progress line "| mfu 0.3%", cost --from-run's "measured ..., MFU 0.4%") -> <mfu>
            rule("(?<=\\| mfu |^measured .{1,300}, MFU )\\d+(\\.\\d+)?%", "<mfu>"),
            // the CPU's measured peak and its code path (train's model line) -> <peak>
            rule("peak \\d+(\\.\\d+)? [GT]FLOP/s \\(measured[^)]*\\)", "peak <peak>"),
            // train's time shares per phase (data 2.0% · forward 86.3% ...) -> <share>
            rule("(?<=(data|forward|backward|grad_norm|optimizer) )\\d+(\\.\\d+)?%", "<share>"),
            // the process's peak resident memory -> <rss>
            rule("peak RSS \\d+(\\.\\d+)? [KMGT]?B", "peak RSS <rss>"),
            // the version line (llm, DJL, PyTorch, Java versions) -> <version>
            rule("^llm \\d+\\.\\d+\\.\\d+.*$", "llm <version>"));

    static Rule rule(String regex, String replacement) {
        return new Rule(Pattern.compile(regex, Pattern.MULTILINE), replacement);
    }

    static String normalise(String s, Path tmp) {
        // the temporary directory (absolute, also as the real path) -> <TMP>
        s = s.replace(tmp.toAbsolutePath().toString(), "<TMP>").replace(tmp.toString(), "<TMP>");
        // the working directory (a checkout's location) -> <CWD>
        s = s.replace(Path.of("").toAbsolutePath().toString(), "<CWD>");
        for (Rule r : RULES) {
            s = r.pattern().matcher(s).replaceAll(r.replacement());
        }
        return s;
    }
}
