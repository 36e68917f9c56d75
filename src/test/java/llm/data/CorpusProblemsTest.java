package llm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import llm.UserException;
import llm.io.Log;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the audit of {@code llm train}'s data inputs found: each bad input gets one clear line, nothing silent. */
class CorpusProblemsTest {
    static final ByteTokenizer TOK = new ByteTokenizer();
    static final int E = ByteTokenizer.EOT;

    static CorpusBuilder builder(Path shards) {
        return new CorpusBuilder(TOK, E, CorpusOptions.DEFAULT, ValSplit.NONE, shards);
    }

    static Corpus build(CorpusBuilder b, Path... paths) {
        return b.build(Arrays.stream(paths).map(p -> DataSpec.parse(p.toString())).toList());
    }

    /** What {@code body} writes to the log (stderr). */
    static String log(Runnable body) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream was = Log.err();
        Log.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            Log.setErr(was);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    static byte[] tar(String name, byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(body.length);
            t.putArchiveEntry(e);
            t.write(body);
            t.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    static byte[] text(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < n; i++) {
            sb.append("line ").append(i).append(" of a story that goes on\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static UserException fails(Path p) {
        return assertThrows(UserException.class, () -> build(builder(null), p));
    }

    @Test
    void truncatedCompressedFilesSaySoNotNull(@TempDir Path dir) throws Exception {
        byte[] gz = gzip(text(200_000));
        Path cut = dir.resolve("trunc.txt.gz");
        Files.write(cut, Arrays.copyOf(gz, 8000));
        UserException e = fails(cut);
        assertEquals(cut + ": cannot read: unexpected end of compressed data (truncated file?)", e.getMessage());

        byte[] tgz = gzip(tar("a.txt", text(200_000)));
        Path cutTar = dir.resolve("trunc.tar.gz");
        Files.write(cutTar, Arrays.copyOf(tgz, 8000));
        e = fails(cutTar);
        assertTrue(e.getMessage().startsWith(cutTar.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected end of compressed data (truncated file?)"), e.getMessage());

        Path tarOfCut = dir.resolve("holds-a-cut-member.tar");
        Files.write(tarOfCut, tar("b.txt.gz", Arrays.copyOf(gz, 8000)));
        e = fails(tarOfCut);
        assertTrue(e.getMessage().startsWith(tarOfCut + "!b.txt.gz: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("unexpected end of compressed data (truncated file?)"), e.getMessage());
        for (Path p : List.of(cut, cutTar, tarOfCut)) {
            assertFalse(fails(p).getMessage().contains("null"), p.toString());
        }
    }

    @Test
    void invalidUtf8IsCountedPerFileAndMember(@TempDir Path dir) throws Exception {
        byte[] bad = {'a', (byte) 0xFF, 'b', (byte) 0xC3, '\n', (byte) 0x80, 'c', '\n'};
        Path f = dir.resolve("bad.txt");
        Files.write(f, bad);
        byte[] member = Arrays.copyOf(bad, bad.length);
        Files.write(dir.resolve("bad2.tar"), tar("m.txt", member));
        Path good = dir.resolve("good.txt");
        Files.writeString(good, "déjà vu 😀\n");
        String log = log(() -> build(builder(null), f, dir.resolve("bad2.tar"), good));
        assertTrue(log.contains("llm: warning: " + f + ": 3 invalid UTF-8 sequences replaced with U+FFFD\n"), log);
        assertTrue(log.contains("llm: warning: " + dir.resolve("bad2.tar") + "!m.txt: 3 invalid UTF-8 sequences"
                + " replaced with U+FFFD\n"), log);
        assertFalse(log.contains("warning: " + good), log);
        assertEquals(2, log.lines().filter(l -> l.contains("invalid UTF-8")).count(), log);
        // the text still arrives, each bad sequence one U+FFFD (as llm tokenize replaces them)
        List<String> docs = CorpusReader.documents(f, CorpusOptions.DEFAULT);
        assertEquals(List.of("a\uFFFDb\uFFFD\n\uFFFDc"), docs);
        Path j = dir.resolve("bad.jsonl");
        Files.write(j, new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', 'a', (byte) 0xFE, '"', '}', '\n'});
        log = log(() -> build(builder(null), j));
        assertTrue(log.contains("llm: warning: " + j + ": 1 invalid UTF-8 sequence replaced with U+FFFD\n"), log);
    }

    @Test
    void aNullTextFieldIsCalledNull(@TempDir Path dir) throws Exception {
        Path j = dir.resolve("d.jsonl");
        Files.writeString(j, "{\"text\": \"fine\"}\n{\"text\": null}\n");
        assertEquals(j + ":2: field \"text\" is null, not a string", fails(j).getMessage());
        Files.writeString(j, "{\"body\": \"fine\"}\n");
        assertTrue(fails(j).getMessage().contains("no \"text\" field"), fails(j).getMessage());
    }

    @Test
    void aBrokenSymlinkInADataDirectoryIsNamed(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("corpus");
        Files.createDirectories(d);
        Files.writeString(d.resolve("a.txt"), "hello\n");
        Path link = d.resolve("b.txt");
        try {
            Files.createSymbolicLink(link, dir.resolve("gone.txt"));
        } catch (UnsupportedOperationException | java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no symbolic links here");
        }
        Corpus[] c = new Corpus[1];
        String log = log(() -> c[0] = build(builder(null), d));
        assertEquals(6, c[0].sources().get(0).train().size());
        assertTrue(log.contains("llm: warning: " + link + ": broken symbolic link (its target does not exist): skipped"),
                log);
        // given by itself, it is named as such
        assertTrue(fails(link).getMessage().contains("broken symbolic link"), fails(link).getMessage());
    }

    @Test
    void theRunsOwnDirectoryIsLeftOutOfItsDataDirectory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("run1/data"));
        Files.writeString(data.resolve("story.txt"), "once upon a time\n");
        Files.writeString(data.resolve("run1/run.json"), "{\n  \"args\": []\n}\n"); // what train writes first
        Files.writeString(data.resolve("run1/tokenizer.json"), "{\"model\": {}}\n");
        // without the exclusion, the run's own files are read as data
        assertThrows(UserException.class, () -> build(builder(data.resolve("run1/data")), data));
        for (Path out : List.of(data.resolve("run1"), dir.resolve("data/./run1/../run1"), data.resolve("run1")
                .toAbsolutePath())) {
            Corpus c = build(builder(out.resolve("data")).excluding(out), data);
            assertEquals("once upon a time".length() + 1, c.sources().get(0).train().size(), out.toString());
        }
        // ... and out of a tokenizer's training text
        Path tok = dir.resolve("tok.json");
        llm.train.TokenizerTraining.train(List.of(data.toString()), 260, "text", tok, data.resolve("run1"));
        assertTrue(Files.isRegularFile(tok));
        assertThrows(UserException.class, () -> llm.train.TokenizerTraining.train(List.of(data.toString()), 260,
                "text", tok, null));
        // --out = the data directory (or above it): nothing could be read safely
        for (Path out : List.of(data, dir)) {
            UserException e = assertThrows(UserException.class, () -> build(builder(out.resolve("data"))
                    .excluding(out), data));
            assertEquals(UserException.USAGE, e.exitCode());
            assertTrue(e.getMessage().startsWith(data + ": is "), e.getMessage());
            assertTrue(e.getMessage().contains("--out"), e.getMessage());
        }
        // a file inside it, named by itself, is read
        assertEquals(17, build(builder(null).excluding(data), data.resolve("story.txt")).sources().get(0).train()
                .size());
    }

    @Test
    void aSourceTooShortForOneWindowIsNotCounted(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.txt");
        Files.write(big, text(1000));
        Path tiny = dir.resolve("tiny.txt");
        Files.writeString(tiny, "hello\n"); // 6 tokens with the separator
        Corpus c = builder(null).build(List.of(DataSpec.parse(big.toString()), DataSpec.parse(tiny + ":5")));
        long bigTokens = c.sources().get(0).train().size();
        assertEquals(bigTokens + 5 * 6, c.tokensPerPass()); // the context is not known yet
        Corpus t = c.forContext(8);
        assertEquals(bigTokens, t.tokensPerPass());
        List<llm.compute.TrainingRun.DataSource> d = t.describe("train");
        assertEquals("train", d.get(0).role());
        assertEquals(bigTokens, d.get(0).tokens());
        assertEquals("unused", d.get(1).role());
        assertEquals(0, d.get(1).tokens());
        assertEquals(0, d.get(1).documents());
        assertTrue(t.used(t.sources().get(0)));
        assertFalse(t.used(t.sources().get(1)));
        assertEquals(bigTokens + 5 * 6, c.forContext(5).tokensPerPass()); // 6 tokens make one window of ctx 5
        assertEquals(8, t.withValidation(c).context());
        assertEquals(2, t.batcherSources().size()); // the batcher still sees (and warns about) it: resumes agree
    }

    @Test
    void weightsOutOfRangeAreUsageErrors() {
        for (String bad : new String[] {"x.txt:1e9", "x.txt:1000001", "x.txt:1f", "x.txt:0x10", "x.txt:1e-400",
                "x.txt: 2"}) {
            UserException e = assertThrows(UserException.class, () -> DataSpec.parse(bad), bad);
            assertEquals(UserException.USAGE, e.exitCode(), bad);
            assertTrue(e.getMessage().startsWith("--data " + bad + ": "), e.getMessage());
        }
        assertTrue(assertThrows(UserException.class, () -> DataSpec.parse("x.txt:1e9")).getMessage()
                .contains("at most 1,000,000"));
        assertEquals(1e6, DataSpec.parse("x.txt:1e6").weight());
        assertEquals(0.25, DataSpec.parse("x.txt:.25").weight());
        assertEquals(Path.of("-"), DataSpec.parse("-").path());
    }

    @Test
    void aMixtureTooLargeForTheBatcherIsAUsageError() {
        Tokens t = Tokens.of(new int[4000]);
        UserException e = assertThrows(UserException.class, () -> new Batcher(List.of(new Batcher.Source("a", t,
                1e6)), 1, 1));
        assertEquals(UserException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("lower the --data weights"), e.getMessage());
    }
}
