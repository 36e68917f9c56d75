package llm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import llm.UserException;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import llm.train.TokenizerTraining;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources that can be read only once — stdin ({@code -}), named pipes standing in for {@code cat f |} and
 * {@code <(cmd)} — and compressed token shards: nothing of them is lost to format sniffing, and a second pass (the
 * tokenizer training of {@code --vocab-size}) reads a kept copy.
 */
class StreamSourcesTest {
    static final ByteTokenizer TOK = new ByteTokenizer();
    static final int E = ByteTokenizer.EOT;
    static final String TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n";
    static final Duration PATIENCE = Duration.ofSeconds(20); // reading a pipe twice would wait for a writer forever

    static CorpusBuilder builder(Path shards) {
        return new CorpusBuilder(TOK, E, CorpusOptions.DEFAULT, ValSplit.NONE, shards);
    }

    static String text(Tokens t) {
        StringBuilder sb = new StringBuilder();
        for (int id : t.slice(0, t.size())) {
            sb.append(id == E ? "|E|" : String.valueOf((char) id));
        }
        return sb.toString();
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    /** A named pipe that a thread fills once with {@code content} (as a shell pipe is written once). */
    static Path fifo(Path dir, String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("no mkfifo here: " + e.getMessage());
            return null;
        }
        Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo failed");
        Thread writer = new Thread(() -> {
            try (OutputStream o = Files.newOutputStream(p)) {
                o.write(content);
            } catch (java.io.IOException e) {
                // the reader went away
            }
        }, "fifo-writer");
        writer.setDaemon(true);
        writer.start();
        return p;
    }

    static <T> T withStdin(byte[] content, java.util.concurrent.Callable<T> body) throws Exception {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(content));
        try {
            return body.call();
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void aPipeIsReadFromItsFirstByte(@TempDir Path dir) throws Exception {
        byte[] b = TEXT.getBytes(StandardCharsets.UTF_8);
        for (Path shards : new Path[] {null, dir.resolve("shards")}) {
            Path plain = fifo(dir, "plain" + (shards == null ? "" : "2"), b);
            Corpus c = assertTimeoutPreemptively(PATIENCE, () -> builder(shards).build(List.of(DataSpec.parse(
                    plain.toString()))));
            assertEquals(TEXT.strip() + "|E|", text(c.sources().get(0).train()));
            Path gz = fifo(dir, "gz" + (shards == null ? "" : "2"), gzip(b)); // `cat input.txt.gz |`
            c = assertTimeoutPreemptively(PATIENCE, () -> builder(shards).build(List.of(DataSpec.parse(
                    gz.toString()))));
            assertEquals(TEXT.strip() + "|E|", text(c.sources().get(0).train()));
        }
    }

    @Test
    void dashIsStdinReadInOnePass(@TempDir Path dir) throws Exception {
        byte[] b = TEXT.getBytes(StandardCharsets.UTF_8);
        for (byte[] content : new byte[][] {b, gzip(b)}) {
            Corpus c = withStdin(content, () -> builder(dir.resolve("shards")).build(List.of(DataSpec.parse("-:2"))));
            assertEquals(TEXT.strip() + "|E|", text(c.sources().get(0).train()));
            assertEquals(2, c.sources().get(0).spec().weight());
            assertEquals("-:2", c.describe("train").get(0).spec());
        }
        UserException e = assertThrows(UserException.class, () -> withStdin(new byte[0],
                () -> builder(null).build(List.of(DataSpec.parse("-")))));
        assertTrue(e.getMessage().startsWith("stdin: no documents"), e.getMessage());
    }

    @Test
    void jsonLinesOnStdinAreToldByTheirFirstLine(@TempDir Path dir) throws Exception {
        byte[] jsonl = "{\"text\": \"one\"}\n{\"text\": \"two\", \"id\": 2}\n".getBytes(StandardCharsets.UTF_8);
        Corpus c = withStdin(jsonl, () -> builder(null).build(List.of(DataSpec.parse("-"))));
        assertEquals("one|E|two|E|", text(c.sources().get(0).train()));
        assertEquals(2, c.sources().get(0).documents());
        // text that merely starts with a brace stays text; so does a file whose name says .txt
        byte[] code = "{ int x; }\nmore\n".getBytes(StandardCharsets.UTF_8);
        c = withStdin(code, () -> builder(null).build(List.of(DataSpec.parse("-"))));
        assertEquals("{ int x; }\nmore|E|", text(c.sources().get(0).train()));
        Path txt = Files.write(dir.resolve("a.txt"), jsonl);
        assertEquals(1, builder(null).build(List.of(DataSpec.parse(txt.toString()))).sources().get(0).documents());
    }

    @Test
    void aTokenizerTrainedOnStdinLeavesItForTheDataPass(@TempDir Path dir) throws Exception {
        String text = TEXT.repeat(20);
        Path tokFile = dir.resolve("tokenizer.json");
        Corpus c = withStdin(text.getBytes(StandardCharsets.UTF_8), () -> {
            TokenizerTraining.train(List.of("-"), 300, "text", tokFile);
            Tokenizer tok = Tokenizers.load(tokFile);
            return new CorpusBuilder(tok, CorpusBuilder.endOfText(tok), CorpusOptions.DEFAULT, ValSplit.NONE,
                    dir.resolve("shards")).build(List.of(DataSpec.parse("-")));
        });
        Tokenizer tok = Tokenizers.load(tokFile);
        Tokens t = c.sources().get(0).train();
        int[] ids = t.slice(0, t.size() - 1); // without the end-of-text separator
        assertEquals(text.strip(), tok.decode(ids));
    }

    @Test
    void aTokenizerTrainedOnAPipeLeavesItForTheDataPass(@TempDir Path dir) throws Exception {
        String text = TEXT.repeat(20);
        Path pipe = fifo(dir, "pipe", gzip(text.getBytes(StandardCharsets.UTF_8)));
        Path tokFile = dir.resolve("tokenizer.json");
        Corpus c = assertTimeoutPreemptively(PATIENCE, () -> {
            TokenizerTraining.train(List.of(pipe.toString()), 300, "text", tokFile);
            Tokenizer tok = Tokenizers.load(tokFile);
            return new CorpusBuilder(tok, CorpusBuilder.endOfText(tok), CorpusOptions.DEFAULT, ValSplit.NONE,
                    null).build(List.of(DataSpec.parse(pipe.toString())));
        });
        Tokens t = c.sources().get(0).train();
        assertEquals(text.strip(), Tokenizers.load(tokFile).decode(t.slice(0, t.size() - 1)));
    }

    @Test
    void compressedTokenShardsAreSources(@TempDir Path dir) throws Exception {
        int[] ids = new int[300];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 257;
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        TokenShard.write(raw, ids, TokenShard.VERSION_U16);
        Path gz = dir.resolve("tok.bin.gz");
        Files.write(gz, gzip(raw.toByteArray()));
        for (Path shards : new Path[] {null, dir.resolve("out/data")}) {
            Corpus c = builder(shards).build(List.of(DataSpec.parse(gz + ":2")));
            assertArrayEquals(ids, c.sources().get(0).train().slice(0, 300));
            assertEquals(0, c.sources().get(0).documents());
        }
        // a directory of compressed shards
        Path d = dir.resolve("shards");
        Files.createDirectories(d);
        Files.write(d.resolve("a.bin.gz"), gzip(raw.toByteArray()));
        Files.write(d.resolve("b.bin"), raw.toByteArray());
        Corpus c = builder(dir.resolve("out2")).build(List.of(DataSpec.parse(d.toString())));
        assertEquals(600, c.sources().get(0).train().size());
        // what --vocab-size asks before it trains a tokenizer (whose ids a shard cannot have)
        assertEquals(gz, CorpusReader.firstShard(gz, List.of()));
        assertEquals(d.resolve("a.bin.gz"), CorpusReader.firstShard(d, List.of()));
        Files.createDirectories(dir.resolve("text/run/data"));
        Path text = Files.writeString(dir.resolve("text/a.txt"), "x");
        Files.write(dir.resolve("text/run/data/src00_train_000000.bin"), raw.toByteArray());
        assertEquals(dir.resolve("text/run/data/src00_train_000000.bin"),
                CorpusReader.firstShard(dir.resolve("text"), List.of()));
        assertEquals(null, CorpusReader.firstShard(dir.resolve("text"), List.of(dir.resolve("text/run"))));
        assertEquals(null, CorpusReader.firstShard(text, List.of()));
        assertEquals(null, CorpusReader.firstShard(Path.of("-"), List.of()));
        // a shard on stdin, or through a pipe
        c = withStdin(gzip(raw.toByteArray()), () -> builder(null).build(List.of(DataSpec.parse("-"))));
        assertArrayEquals(ids, c.sources().get(0).train().slice(0, 300));
        Path pipe = fifo(dir, "shard-pipe", raw.toByteArray());
        c = assertTimeoutPreemptively(PATIENCE, () -> builder(dir.resolve("out3")).build(List.of(DataSpec.parse(
                pipe.toString()))));
        assertArrayEquals(ids, c.sources().get(0).train().slice(0, 300));
        // a compressed shard that was cut short says so, naming the file given
        byte[] whole = gzip(raw.toByteArray());
        Path cut = dir.resolve("cut.bin.gz");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        UserException e = assertThrows(UserException.class, () -> builder(dir.resolve("out4")).build(List.of(
                DataSpec.parse(cut.toString()))));
        assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
