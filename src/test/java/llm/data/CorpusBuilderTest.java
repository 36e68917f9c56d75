package llm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import llm.UserException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusBuilderTest {
    static final ByteTokenizer TOK = new ByteTokenizer();
    static final int E = ByteTokenizer.EOT;

    static CorpusBuilder builder(ValSplit split, Path shards) {
        return new CorpusBuilder(TOK, CorpusBuilder.endOfText(TOK), CorpusOptions.DEFAULT, split, shards);
    }

    static int[] all(Tokens t) {
        return t.slice(0, t.size());
    }

    @Test
    void documentsAreFollowedByEndOfText(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.txt");
        Files.writeString(f, "ab\n<|endoftext|>\ncd\n");
        Corpus c = builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(f + ":3")));
        assertArrayEquals(new int[] {'a', 'b', E, 'c', 'd', E}, all(c.sources().get(0).train()));
        assertEquals(2, c.sources().get(0).documents());
        assertEquals(4, c.sources().get(0).bytes());
        assertEquals(0, c.val().size());
        assertEquals(18, c.tokensPerPass());
        assertEquals(3.0, c.batcherSources().get(0).weight());
        assertEquals(2, c.describe("train").get(0).documents());
        assertEquals(6, c.describe("train").get(0).tokens());
    }

    @Test
    void theLogNamesEachSourceAndItsRole(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("one.txt");
        Files.writeString(f, "ab\n");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = llm.io.Log.err();
        llm.io.Log.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(f + ":2")));
            builder(ValSplit.NONE, null).label("val data").build(List.of(DataSpec.parse(f.toString())));
        } finally {
            llm.io.Log.setErr(was);
        }
        String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("data: " + f + ":2: 1 document, 3 tokens"), text);
        assertTrue(text.contains("val data: " + f + ": 1 document, 3 tokens"), text);
    }

    @Test
    void validationByTailAndByDocuments(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("d.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append("{\"text\": \"doc").append(i).append("\"}\n");
        }
        Files.writeString(f, sb);
        Corpus tail = builder(ValSplit.tail(0.1), null).build(List.of(DataSpec.parse(f.toString())));
        assertEquals(45, tail.sources().get(0).train().size()); // 10 × (1 + 4) = 50 tokens, last 5 held out
        assertArrayEquals(new int[] {'d', 'o', 'c', '9', E}, all(tail.val()));

        Corpus docs = builder(ValSplit.documents(0.2), null).build(List.of(DataSpec.parse(f.toString())));
        assertEquals(2, docs.sources().get(0).valDocuments());
        assertArrayEquals(new int[] {'d', 'o', 'c', '4', E, 'd', 'o', 'c', '9', E}, all(docs.val()));
        assertEquals(40, docs.sources().get(0).train().size());
        assertEquals(8, docs.describe("train").get(0).documents());

        Path v = dir.resolve("val.txt");
        Files.writeString(v, "held");
        Corpus withVal = tail.withValidation(builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(v.toString()))));
        assertArrayEquals(new int[] {'h', 'e', 'l', 'd', E}, all(withVal.val()));
    }

    @Test
    void shardsOnDiskEqualMemory(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "x".repeat(1000) + "\n<|endoftext|>\n" + "yz".repeat(300));
        Corpus mem = builder(ValSplit.tail(0.25), null).build(List.of(DataSpec.parse(f.toString())));
        Corpus disk = builder(ValSplit.tail(0.25), dir.resolve("shards")).shardTokens(128)
                .build(List.of(DataSpec.parse(f.toString())));
        assertArrayEquals(all(mem.sources().get(0).train()), all(disk.sources().get(0).train()));
        assertArrayEquals(all(mem.val()), all(disk.val()));
        try (var files = Files.list(dir.resolve("shards"))) {
            assertEquals(13, files.filter(p -> p.toString().endsWith(".bin")).count()); // 1,602 tokens, shards of 128
        }
    }

    @Test
    void shardsAreReusedWhileTheInputsAreUnchanged(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "hello");
        Path shards = dir.resolve("shards");
        Corpus first = builder(ValSplit.NONE, shards).build(List.of(DataSpec.parse(f.toString())));
        assertArrayEquals(new int[] {'h', 'e', 'l', 'l', 'o', E}, all(first.sources().get(0).train()));
        assertTrue(Files.isRegularFile(shards.resolve("src00.json")));
        // tamper with the shard: a second build reads it instead of tokenizing again
        TokenShard.write(shards.resolve("src00_train_000000.bin"), new int[] {'j', 'e', 'l', 'l', 'o', E},
                TokenShard.VERSION_U16);
        Corpus again = builder(ValSplit.NONE, shards).build(List.of(DataSpec.parse(f.toString())));
        assertArrayEquals(new int[] {'j', 'e', 'l', 'l', 'o', E}, all(again.sources().get(0).train()));
        assertEquals(1, again.sources().get(0).documents());
        // another split or changed input: tokenized again
        Corpus tail = builder(ValSplit.tail(0.5), shards).build(List.of(DataSpec.parse(f.toString())));
        assertArrayEquals(new int[] {'h', 'e', 'l'}, all(tail.sources().get(0).train()));
        Files.writeString(f, "howdy!");
        Corpus changed = builder(ValSplit.NONE, shards).build(List.of(DataSpec.parse(f.toString())));
        assertArrayEquals(new int[] {'h', 'o', 'w', 'd', 'y', '!', E}, all(changed.sources().get(0).train()));
    }

    @Test
    void tokenShardSources(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("tok.bin");
        int[] ids = IntStream.range(0, 300).map(i -> i % 257).toArray();
        TokenShard.write(s, ids, TokenShard.VERSION_U16);
        Corpus c = builder(ValSplit.documents(0.1), null).build(List.of(DataSpec.parse(s + ":2")));
        assertEquals(270, c.sources().get(0).train().size()); // no documents in a shard: the tail is held out
        assertArrayEquals(java.util.Arrays.copyOfRange(ids, 270, 300), all(c.val()));
        assertEquals(2.0, c.sources().get(0).spec().weight());

        Path d = dir.resolve("shards");
        Files.createDirectories(d);
        TokenShard.write(d.resolve("a_000001.bin"), new int[] {3, 4}, TokenShard.VERSION_U32);
        TokenShard.write(d.resolve("a_000000.bin"), new int[] {1, 2}, TokenShard.VERSION_U16);
        assertArrayEquals(new int[] {1, 2, 3, 4}, all(builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(
                d.toString()))).sources().get(0).train()));

        TokenShard.write(s, new int[] {1, 2, 300}, TokenShard.VERSION_U16); // 300 ≥ vocab 257
        UserException e = assertThrows(UserException.class,
                () -> builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(s.toString()))));
        assertTrue(e.getMessage().contains("token id 300 is outside the tokenizer's vocabulary"), e.getMessage());

        CorpusBuilder big = new CorpusBuilder(new ByteTokenizer() {
            @Override
            public int vocabSize() {
                return 100_000;
            }
        }, E, CorpusOptions.DEFAULT, ValSplit.NONE, null);
        e = assertThrows(UserException.class, () -> big.build(List.of(DataSpec.parse(d.toString()))));
        assertTrue(e.getMessage().contains("uint16 token shard cannot hold"), e.getMessage());

        Files.writeString(d.resolve("notes.txt"), "text");
        assertThrows(UserException.class, () -> builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(d.toString()))));
    }

    @Test
    void badShardsAndEmptyCorpora(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("bad.bin");
        byte[] head = TokenShard.header(TokenShard.VERSION_U16, 100);
        head[0] = 1; // wrong magic: a .bin file is meant as a shard, so it fails as one
        Files.write(s, head);
        UserException e = assertThrows(UserException.class,
                () -> builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(s.toString()))));
        assertTrue(e.getMessage().contains("not a token shard (magic " + (TokenShard.MAGIC & ~0xFF | 1)),
                e.getMessage());
        Path dat = Files.write(dir.resolve("bad.dat"), head); // any other name: not text either
        e = assertThrows(UserException.class,
                () -> builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(dat.toString()))));
        assertTrue(e.getMessage().contains("binary"), e.getMessage());
        Files.write(s, TokenShard.header(TokenShard.VERSION_U16, 100)); // right magic, truncated
        e = assertThrows(UserException.class,
                () -> builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(s.toString()))));
        assertTrue(e.getMessage().contains("truncated token shard"), e.getMessage());

        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n \n<|endoftext|>\n");
        e = assertThrows(UserException.class,
                () -> builder(ValSplit.NONE, null).build(List.of(DataSpec.parse(empty.toString()))));
        assertEquals(empty + ": no documents (empty, or only blank lines)", e.getMessage());
        assertThrows(UserException.class, () -> builder(ValSplit.NONE, null).build(List.of()));
        assertThrows(UserException.class, () -> ValSplit.tail(1.0));
    }

    @Test
    void tinyShakespeare() {
        Path f = Path.of(System.getProperty("llm.shared", "../shared"), "data/tiny-shakespeare/input.txt");
        Assumptions.assumeTrue(Files.isRegularFile(f), "../shared not present");
        Corpus c = builder(ValSplit.tail(0.1), null).build(List.of(DataSpec.parse(f.toString())));
        long n = c.sources().get(0).tokens();
        assertEquals(c.sources().get(0).bytes() + 1, n); // one document: EOT + its bytes
        assertTrue(n > 1_000_000, "tokens " + n);
        assertEquals(n / 10, c.val().size());
        assertEquals('F', c.sources().get(0).train().get(0)); // "First Citizen:"
        assertEquals(E, c.val().get(c.val().size() - 1));
    }
}
