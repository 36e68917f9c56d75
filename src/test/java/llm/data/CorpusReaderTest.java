package llm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {
    /** Collects documents; checks the start/text/end protocol. */
    static final class Docs implements DocumentSink {
        final List<String> names = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        final List<Integer> pieces = new ArrayList<>();
        private StringBuilder cur;

        @Override
        public void start(String name) {
            assertEquals(null, cur, "start inside a document");
            names.add(name);
            cur = new StringBuilder();
            pieces.add(0);
        }

        @Override
        public void text(String chunk) {
            cur.append(chunk);
            pieces.set(pieces.size() - 1, pieces.get(pieces.size() - 1) + 1);
        }

        @Override
        public void end() {
            texts.add(cur.toString());
            cur = null;
        }
    }

    static List<String> read(Path p, CorpusOptions o) {
        Docs d = new Docs();
        new CorpusReader(o).read(p, d);
        return d.texts;
    }

    static List<String> read(Path p) {
        return read(p, CorpusOptions.DEFAULT);
    }

    @Test
    void plainTextSplitsAtEndOfTextLinesAndTrims(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("stories.txt");
        Files.writeString(f, "\n\nOnce upon a time.\n\nThe end.\n<|endoftext|>\n  \nSecond story.\r\nLine two.\r\n"
                + "<|endoftext|>\n<|endoftext|>\nThird");
        assertEquals(List.of("Once upon a time.\n\nThe end.", "Second story.\r\nLine two.", "Third"), read(f));
        assertEquals(List.of("Once upon a time.\n\nThe end.\n<|endoftext|>\n  \nSecond story.\r\nLine two.\r\n"
                + "<|endoftext|>\n<|endoftext|>\nThird"), read(f, CorpusOptions.DEFAULT.withSplit(CorpusOptions.Split.FILE)));
        Docs d = new Docs();
        new CorpusReader(CorpusOptions.DEFAULT).read(f, d);
        assertEquals(f + ":3", d.names.get(0)); // named by the line the document starts on
    }

    @Test
    void wikitextArticles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("wiki.raw");
        Files.writeString(f, " = Robert Boulter = \n Robert is an actor . \n = = Career = = \n He acted . \n"
                + " = Du Fu = \n Du Fu was a poet . \n");
        List<String> docs = read(f, CorpusOptions.DEFAULT.withSplit(CorpusOptions.Split.WIKITEXT));
        assertEquals(2, docs.size());
        assertEquals(" = Robert Boulter = \n Robert is an actor . \n = = Career = = \n He acted . ", docs.get(0));
        assertTrue(docs.get(1).startsWith(" = Du Fu = \n"));
        assertEquals(1, read(f).size());
        assertEquals(docs, CorpusReader.documents(f, CorpusOptions.DEFAULT.withSplit(CorpusOptions.Split.WIKITEXT)));
    }

    @Test
    void wikitext2TestSplitHasItsArticles() {
        Path f = Path.of(System.getProperty("llm.shared", "../shared"), "data/wikitext-2-raw/wiki.test.raw");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(f), "../shared not present");
        List<String> docs = CorpusReader.documents(f, CorpusOptions.DEFAULT.withSplit(CorpusOptions.Split.WIKITEXT));
        assertEquals(" = Robert Boulter = ", docs.get(0).lines().findFirst().orElseThrow());
        assertTrue(docs.size() > 50 && docs.size() < 70, "articles: " + docs.size()); // WikiText-2 test: 60 articles
    }

    @Test
    void longDocumentsArriveInPiecesThatJoinToTheText(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            sb.append("line ").append(i).append(" é😀\n");
        }
        sb.append("x".repeat(500)); // a long last line
        Path f = dir.resolve("long.txt");
        Files.writeString(f, sb);
        Docs d = new Docs();
        new CorpusReader(CorpusOptions.DEFAULT.withChunkChars(64)).read(f, d);
        assertEquals(List.of(sb.toString()), d.texts);
        assertTrue(d.pieces.get(0) > 20, d.pieces.toString());

        Path j = dir.resolve("long.jsonl");
        Files.writeString(j, "{\"text\": " + com.google.gson.JsonParser.parseString("\"\"").toString()
                .replace("\"\"", new com.google.gson.Gson().toJson(sb.toString())) + "}\n");
        Docs dj = new Docs();
        new CorpusReader(CorpusOptions.DEFAULT.withChunkChars(64)).read(j, dj);
        assertEquals(List.of(sb.toString()), dj.texts);
        assertTrue(dj.pieces.get(0) > 20);
    }

    @Test
    void jsonLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("web.jsonl");
        Files.writeString(f, "{\"text\": \"first doc\", \"id\": 1}\n\n{\"text\": \"\"}\n{\"text\": \"second\\ndoc\"}\n");
        assertEquals(List.of("first doc", "second\ndoc"), read(f));
        Path bom = dir.resolve("bom.jsonl");
        Files.writeString(bom, "\uFEFF{\"text\": \"x\"}\n");
        assertEquals(List.of("x"), read(bom));
        Path bomText = dir.resolve("bom.txt");
        Files.writeString(bomText, "\uFEFFy");
        assertEquals(List.of("y"), read(bomText));
        Path g = dir.resolve("other.jsonl");
        Files.writeString(g, "{\"content\": \"a\"}\n{\"content\": \"b\"}\n");
        assertEquals(List.of("a", "b"), read(g, CorpusOptions.DEFAULT.withTextField("content")));
        UserException e = assertThrows(UserException.class, () -> read(g));
        assertEquals(g + ":1: no \"text\" field (choose the field with --text-field)", e.getMessage());
        Files.writeString(g, "{\"text\": \"a\"}\n{\"text\": \"b\"\n");
        e = assertThrows(UserException.class, () -> read(g));
        assertTrue(e.getMessage().startsWith(g + ":2: not valid JSON"), e.getMessage());
        Files.writeString(g, "{\"text\": 5}\n");
        assertThrows(UserException.class, () -> read(g));
    }

    static byte[] compress(String kind, byte[] data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new CompressorStreamFactory().createCompressorOutputStream(kind, bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void compressedByContent(@TempDir Path dir) throws Exception {
        byte[] jsonl = "{\"text\": \"zipped\"}\n".getBytes(StandardCharsets.UTF_8);
        String[][] kinds = {{CompressorStreamFactory.GZIP, "gz"}, {CompressorStreamFactory.BZIP2, "bz2"},
            {CompressorStreamFactory.XZ, "xz"}, {CompressorStreamFactory.ZSTANDARD, "zst"}};
        for (String[] k : kinds) {
            String kind = k[0];
            Path f = dir.resolve("web.jsonl." + k[1]);
            Files.write(f, compress(kind, jsonl));
            assertEquals(List.of("zipped"), read(f), kind);
        }
        Path odd = dir.resolve("story.txt"); // gzip content under a plain name: still decompressed
        Files.write(odd, compress(CompressorStreamFactory.GZIP, "plain story\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("plain story"), read(odd));
    }

    static byte[] tar(String[][] members) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
            for (String[] m : members) {
                byte[] b = m[1].getBytes(StandardCharsets.ISO_8859_1);
                TarArchiveEntry e = new TarArchiveEntry(m[0]);
                e.setSize(b.length);
                t.putArchiveEntry(e);
                t.write(b);
                t.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void tarArchivesAndDirectories(@TempDir Path dir) throws Exception {
        String gz = new String(compress(CompressorStreamFactory.GZIP, "{\"text\": \"c\"}\n".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.ISO_8859_1);
        byte[] archive = tar(new String[][] {{"docs/a.txt", "doc a\n"}, {"docs/._a.txt", "mac junk"},
            {"docs/b.jsonl", "{\"text\": \"b1\"}\n{\"text\": \"b2\"}\n"}, {"docs/c.jsonl.gz", gz}});
        Path t = dir.resolve("corpus.tar");
        Files.write(t, archive);
        assertEquals(List.of("doc a", "b1", "b2", "c"), read(t));
        Path tgz = dir.resolve("corpus.tar.gz");
        Files.write(tgz, compress(CompressorStreamFactory.GZIP, archive));
        assertEquals(List.of("doc a", "b1", "b2", "c"), read(tgz));
        Docs names = new Docs();
        new CorpusReader(CorpusOptions.DEFAULT).read(tgz, names);
        assertEquals(tgz + "!docs/b.jsonl:2", names.names.get(2));

        Path d = dir.resolve("tree");
        Files.createDirectories(d.resolve("sub"));
        Files.createDirectories(d.resolve(".git"));
        Files.writeString(d.resolve("b.txt"), "bee");
        Files.writeString(d.resolve("a.txt"), "ay");
        Files.writeString(d.resolve("sub/c.txt"), "sea");
        Files.writeString(d.resolve(".hidden.txt"), "no");
        Files.writeString(d.resolve(".git/x.txt"), "no");
        Files.copy(t, d.resolve("sub/z.tar"));
        assertEquals(List.of("ay", "bee", "sea", "doc a", "b1", "b2", "c"), read(d));
    }

    @Test
    void textForATokenizerSkipsTokenShards(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("mixed");
        Files.createDirectories(d);
        Files.writeString(d.resolve("a.txt"), "alpha\n<|endoftext|>\nbeta\n");
        TokenShard.write(d.resolve("b.bin"), new int[] {1, 2, 3}, TokenShard.VERSION_U16);
        Files.writeString(d.resolve("c.jsonl"), "{\"body\": \"gamma\"}\n");
        List<String> seen = new ArrayList<>();
        new CorpusReader(CorpusOptions.DEFAULT.withTextField("body")).readText(d, seen::add);
        assertEquals(List.of("alpha", "beta", "gamma"), seen);
        assertThrows(UserException.class, () -> new CorpusReader(CorpusOptions.DEFAULT).readText(dir.resolve("nope"),
                seen::add));
    }

    @Test
    void badInputsAreClearErrors(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("bad.tar");
        byte[] archive = tar(new String[][] {{"a.txt", "fine\n"}, {"b.txt.gz", "\u001f\u008b\u0008junk that is not gzip"}});
        Files.write(t, archive);
        UserException e = assertThrows(UserException.class, () -> read(t));
        assertTrue(e.getMessage().startsWith(t + "!b.txt.gz:"), e.getMessage());

        Path cut = dir.resolve("cut.tar");
        Files.write(cut, java.util.Arrays.copyOf(tar(new String[][] {{"a.txt", "x".repeat(5000)}}), 1500));
        e = assertThrows(UserException.class, () -> read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());

        Path bin = dir.resolve("image.png");
        Files.write(bin, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        e = assertThrows(UserException.class, () -> read(bin));
        assertTrue(e.getMessage().contains("looks binary"), e.getMessage());

        Path shard = dir.resolve("tokens.bin");
        TokenShard.write(shard, new int[] {1, 2, 3}, TokenShard.VERSION_U16);
        e = assertThrows(UserException.class, () -> read(shard));
        assertTrue(e.getMessage().contains("token shard"), e.getMessage());

        e = assertThrows(UserException.class, () -> read(dir.resolve("missing.txt")));
        assertEquals(dir.resolve("missing.txt") + ": no such file or directory", e.getMessage());
    }
}
