package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import llm.UserException;
import llm.io.ClosedPipeException;
import llm.io.Stdio;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Failed reads and writes as one line naming the input or output: stdout errors, corrupt inputs, missing dirs. */
class IoErrorsTest {
    static final Path SHARED = Path.of(System.getProperty("llm.shared", "../shared"));
    static String gpt2;

    @BeforeAll
    static void paths() {
        gpt2 = SHARED.resolve("tokenizers/gpt2/tokenizer.json").toString();
    }

    /** A stdout whose every write fails with {@code message}. */
    private static OutputStream failing(String message) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException(message);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException(message);
            }
        };
    }

    private record Run(int code, String err) {}

    /** {@code Llm.run(args)} (the whole CLI, as Main runs it) with stdout failing as {@code message}. */
    private static Run runWithStdout(String message, String... args) {
        OutputStream savedOut = Stdio.stdout();
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            Stdio.setStdout(failing(message));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Llm.run(args);
            return new Run(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(savedErr);
            Stdio.setStdout(savedOut);
        }
    }

    @Test
    void onlyABrokenPipeIsAClosedPipe() {
        assertTrue(Stdio.failure(new IOException("Broken pipe")) instanceof ClosedPipeException);
        RuntimeException full = Stdio.failure(new IOException("No space left on device"));
        assertTrue(full instanceof UserException, full.toString());
        assertEquals("stdout: No space left on device", full.getMessage());
        assertEquals(1, ((UserException) full).exitCode());
    }

    @Test
    void aFullDiskOnStdoutIsOneLineAndExitOne() {
        for (String[] args : new String[][] {{"--help"}, {"--version"}, {"env"}}) {
            Run r = runWithStdout("No space left on device", args);
            assertEquals(1, r.code(), Arrays.toString(args) + ": " + r.err());
            assertEquals("llm: stdout: No space left on device\n", r.err(), Arrays.toString(args));
        }
    }

    @Test
    void aFullDiskOnStdoutFailsTokenize(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(gpt2)), "../shared not present");
        Path f = Files.writeString(dir.resolve("lines.txt"), "hello world\nsecond line\n");
        Run r = runWithStdout("No space left on device", "tokenize", "--tokenizer", gpt2, f.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("llm: stdout: No space left on device\n", r.err());
    }

    @Test
    void aClosedPipeStaysQuietIncludingHelp() {
        for (String[] args : new String[][] {{"--help"}, {"--version"}, {"env"}}) {
            Run r = runWithStdout("Broken pipe", args);
            assertEquals(0, r.code(), Arrays.toString(args) + ": " + r.err());
            assertEquals("", r.err(), Arrays.toString(args));
        }
    }

    @Test
    void unexpectedFailuresSayTheirMessageNotTheirClass() {
        CommandLine cmd = Llm.newCommandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        int code = Llm.handleExecutionException(new java.io.UncheckedIOException(new EOFException("cut short")), cmd,
                null);
        assertEquals(1, code);
        assertEquals("llm: llm failed: cut short (run with -v for details)", err.toString().strip());
        assertEquals("cut short", llm.io.Failures.describe(new RuntimeException(new IOException("cut short"))));
        assertEquals("NullPointerException (no details)", llm.io.Failures.describe(new NullPointerException()));
    }

    /** A gzip file of {@code n} lines of text, cut after {@code keep} bytes. */
    private static Path truncatedGzip(Path dir, int keep) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            for (int i = 0; i < 20000; i++) {
                z.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return Files.write(dir.resolve("wt.gz"), Arrays.copyOf(b.toByteArray(), keep));
    }

    @Test
    void aTruncatedInputIsNamedByTokenizeAndSample(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(gpt2)), "../shared not present");
        Path wt = truncatedGzip(dir, 3000);
        String expected = "llm: " + wt + ": unexpected end of compressed data (truncated file?)\n";
        String[][] runs = {
            {"tokenize", "--tokenizer", gpt2, wt.toString()},
            {"tokenize", "--tokenizer", gpt2, "--count", "--lines", wt.toString()},
            {"tokenize", "--tokenizer", gpt2, "--bin", dir.resolve("out.bin").toString(), wt.toString()},
            {"tokenize", "--tokenizer", gpt2, "--decode", wt.toString()},
            {"tokenize", "--train", "--vocab-size", "300", wt.toString()},
            {"sample", "-n", "2", "--seed", "1", wt.toString()},
        };
        for (String[] args : runs) {
            CliHarness.Result r = CliHarness.run(args);
            assertEquals(1, r.code(), Arrays.toString(args) + ": " + r.err());
            assertEquals(expected, r.err(), Arrays.toString(args));
        }
        assertFalse(Files.exists(dir.resolve("out.bin")));
        Path g = Files.write(dir.resolve("g.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 'g', 'a', 'r', 'b', 'a', 'g',
            'e'});
        CliHarness.Result r = CliHarness.run("tokenize", "--tokenizer", gpt2, g.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("llm: " + g + ": ") && !r.err().contains("Exception"), r.err());
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temporary file left");
        }
    }

    @Test
    void anOutputInAMissingDirectoryIsAnError(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(gpt2)), "../shared not present");
        Path f = Files.writeString(dir.resolve("lines.txt"), "hello world\nsecond line\n");
        Path missing = dir.resolve("nosuchdir");
        CliHarness.Result r = CliHarness.run("tokenize", "--tokenizer", gpt2, "--bin",
                missing.resolve("x.bin").toString(), f.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("llm: " + missing.resolve("x.bin") + ": no such directory (" + missing + ")\n", r.err());
        r = CliHarness.run("tokenize", "--train", "--vocab-size", "300", "-o", missing.resolve("t.json").toString(),
                f.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().endsWith("llm: " + missing.resolve("t.json") + ": no such directory (" + missing + ")\n"),
                r.err());
        assertFalse(Files.exists(missing));
        assertThrows(UserException.class, () -> llm.io.AtomicFile.createTemp(missing.resolve("y")));
    }

    @Test
    void aShardGoesThroughASymbolicLinkToItsTarget(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(gpt2)), "../shared not present");
        Path f = Files.writeString(dir.resolve("lines.txt"), "hello world\n");
        Path real = Files.writeString(dir.resolve("real.bin"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.bin"), real.getFileName());
        CliHarness.Result r = CliHarness.run("tokenize", "-q", "--tokenizer", gpt2, "--bin", link.toString(),
                f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(llm.data.TokenShard.HEADER_BYTES + 3 * 2, Files.size(real), "hello world\\n: 3 uint16 tokens");
    }
}
