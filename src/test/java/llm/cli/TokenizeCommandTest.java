package llm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.data.TokenShard;
import llm.io.Stdio;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
    static Path shared = Path.of(System.getProperty("llm.shared", "../shared"));
    static String gpt2;
    static String tok512;

    @BeforeAll
    static void paths() {
        Assumptions.assumeTrue(Files.isDirectory(shared), "../shared not present");
        gpt2 = shared.resolve("tokenizers/gpt2/tokenizer.json").toString();
        tok512 = shared.resolve("models/stories260K/tok512.bin").toString();
    }

    static CliHarness.Result withStdin(byte[] in, String... args) {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(in));
        try {
            return CliHarness.run(args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void llamaCppVectorsThroughTheCli(@TempDir Path dir) throws Exception {
        String inp = Files.readString(shared.resolve("tokenizers/gpt2/tests/ggml-vocab-gpt-2.gguf.inp"));
        List<String> expected = Files.readAllLines(shared.resolve("tokenizers/gpt2/tests/ggml-vocab-gpt-2.gguf.out"));
        String sep = "\n__ggml_vocab_test__\n";
        List<String> args = new ArrayList<>(List.of("tokenize", "--tokenizer", gpt2));
        StringBuilder all = new StringBuilder();
        int pos = 0;
        for (int k = 0; inp.indexOf(sep, pos) >= 0; k++) {
            int next = inp.indexOf(sep, pos);
            Path f = dir.resolve("in" + k + ".txt");
            Files.writeString(f, inp.substring(pos, next));
            all.append(inp, pos, next);
            args.add(f.toString());
            pos = next + sep.length();
        }
        CliHarness.Result r = CliHarness.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        String[] got = r.out().split("\n", -1);
        assertEquals(expected.size() + 1, got.length);
        for (int k = 0; k < expected.size(); k++) {
            assertEquals(expected.get(k).trim(), got[k], "input " + k);
        }
        // and back: all ids as one stream decode to all inputs, byte for byte
        Path ids = dir.resolve("ids.txt");
        Files.writeString(ids, r.out());
        CliHarness.Result d = CliHarness.run("tokenize", "--tokenizer", gpt2, "--decode", ids.toString());
        assertEquals(0, d.code(), d.err());
        assertEquals(all.toString(), d.out());
    }

    @Test
    void llama2cPromptIds() throws Exception {
        // llama2.c with no prompt: PROMPT_IDS is BOS alone
        CliHarness.Result r = withStdin(new byte[0], "tokenize", "--tokenizer", tok512, "--bos", "-");
        assertEquals("1\n", r.out());
        String ids = Files.readAllLines(shared.resolve("models/stories260K/expected/greedy_noprompt_n200.ids.txt"))
                .stream().filter(l -> l.startsWith("SEQ_IDS:")).findFirst().orElseThrow().substring(9);
        r = withStdin("Once upon a time, there was a little girl named Lily.".getBytes(StandardCharsets.UTF_8),
                "tokenize", "--tokenizer", tok512, "--bos");
        assertTrue(ids.startsWith(r.out().trim() + " "), r.out());
    }

    @Test
    void piecesCountAndJson() {
        byte[] in = "Hi\tthere\n".getBytes(StandardCharsets.UTF_8);
        CliHarness.Result p = withStdin(in, "tokenize", "--tokenizer", gpt2, "--pieces");
        assertEquals("17250\tHi\n197\t\\t\n8117\tthere\n198\t\\n\n", p.out());
        CliHarness.Result c = withStdin(in, "tokenize", "--tokenizer", gpt2, "--count", "--eos");
        assertEquals("5\n", c.out());
        CliHarness.Result j = withStdin("a\nb\u00e9".getBytes(StandardCharsets.UTF_8),
                "tokenize", "--tokenizer", gpt2, "--json", "--lines");
        String[] lines = j.out().split("\n");
        assertEquals(2, lines.length);
        JsonObject o = JsonParser.parseString(lines[1]).getAsJsonObject();
        assertEquals(2, o.get("line").getAsInt());
        assertEquals("[[0,1],[1,3]]", o.get("offsets").toString()); // é is 2 bytes
        assertEquals("[\"b\",\"\u00e9\"]", o.get("pieces").toString());
        // a character split over two byte tokens shows its bytes escaped
        CliHarness.Result b = withStdin("\u4e2d".getBytes(StandardCharsets.UTF_8), "tokenize", "--tokenizer", tok512,
                "--pieces");
        assertTrue(b.out().contains("\\xE4"), b.out());
    }

    @Test
    void specialsAreTextUnlessAsked() {
        byte[] in = "x<|endoftext|>".getBytes(StandardCharsets.UTF_8);
        String plain = withStdin(in, "tokenize", "--tokenizer", gpt2).out().trim();
        String special = withStdin(in, "tokenize", "--tokenizer", gpt2, "--special").out().trim();
        assertFalse(plain.contains("50256"), plain);
        assertEquals("87 50256", special);
    }

    @Test
    void shardRoundTrip(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("t.txt");
        String s = "One day, a cat \uD83D\uDC31 met a dog.\nThe end.\n";
        Files.writeString(text, s);
        Path bin = Files.createDirectories(dir.resolve("out")).resolve("t.bin"); // (a missing one is an error)
        CliHarness.Result r = CliHarness.run("tokenize", "--tokenizer", gpt2, "--bin", bin.toString(),
                text.toString(), text.toString());
        assertEquals(0, r.code(), r.err());
        int[] tokens = TokenShard.read(bin);
        byte[] head = Files.readAllBytes(bin);
        assertEquals(TokenShard.VERSION_U16, head[4]);
        assertEquals(Files.size(bin), TokenShard.HEADER_BYTES + 2L * tokens.length);
        CliHarness.Result d = CliHarness.run("tokenize", "--tokenizer", gpt2, "--decode", bin.toString());
        assertEquals(s + s, d.out());
        // to stdout
        OutputStream old = Stdio.stdout();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Stdio.setStdout(buf);
        try {
            assertEquals(0, CliHarness.run("tokenize", "--tokenizer", gpt2, "--bin", "-", text.toString()).code());
        } finally {
            Stdio.setStdout(old);
        }
        assertArrayEquals(TokenShard.read(new ByteArrayInputStream(buf.toByteArray()), "stdout"),
                java.util.Arrays.copyOf(tokens, tokens.length / 2));
    }

    @Test
    void decodeLinesAndLlamaSpaces() {
        CliHarness.Result r = withStdin("a b\n\nc\n".getBytes(StandardCharsets.UTF_8),
                "tokenize", "--tokenizer", tok512, "--lines");
        CliHarness.Result d = withStdin(r.out().getBytes(StandardCharsets.UTF_8),
                "tokenize", "--tokenizer", tok512, "--decode", "--lines");
        assertEquals("a b\n\nc\n", d.out());
    }

    @Test
    void decodeTakesPastedLists() {
        // ids copied from tiktokenizer or Python: a JSON list, a list per line, and the plain forms
        for (String ids : new String[] {"[15496, 995]\n", "[15496,995]", "15496,995", "15496 995", "[[15496], [995]]"}) {
            CliHarness.Result r = withStdin(ids.getBytes(StandardCharsets.UTF_8), "tokenize", "--tokenizer", gpt2,
                    "--decode");
            assertEquals(0, r.code(), ids + ": " + r.err());
            assertEquals("Hello world", r.out(), ids);
        }
        CliHarness.Result r = withStdin("[15496]\n[995]\n".getBytes(StandardCharsets.UTF_8), "tokenize", "--tokenizer",
                gpt2, "--decode", "--lines");
        assertEquals("Hello\n world\n", r.out());
    }

    @Test
    void badInputsAreOneLineErrors(@TempDir Path dir) throws Exception {
        CliHarness.Result r = CliHarness.run("tokenize", "--tokenizer", dir.resolve("nope.json").toString());
        assertEquals(1, r.code());
        assertEquals("llm: " + dir.resolve("nope.json") + ": no such file\n", r.err());

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"model\": {\"type\": \"BPE\", \"vocab\": ");
        r = CliHarness.run("tokenize", "--tokenizer", broken.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("llm: " + broken + ": malformed tokenizer.json"), r.err());
        assertEquals(1, r.err().split("\n").length);

        r = withStdin("15496 x7\n".getBytes(StandardCharsets.UTF_8), "tokenize", "--tokenizer", gpt2, "--decode");
        assertEquals(1, r.code());
        assertEquals("llm: -:1: 'x7' is not a token id (expected integers separated by spaces or "
                + "commas, or a list like [15496, 995])\n", r.err());

        r = withStdin("1\n99999".getBytes(StandardCharsets.UTF_8), "tokenize", "--tokenizer", gpt2, "--decode");
        assertEquals(1, r.code());
        assertEquals("llm: -:2: token id 99999 is out of range (vocab size 50257)\n", r.err());

        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'o', 'k', (byte) 0xC3});
        Path bin = dir.resolve("bad.bin");
        r = CliHarness.run("tokenize", "--tokenizer", gpt2, "--strict", "--bin", bin.toString(), bad.toString());
        assertEquals(1, r.code());
        assertEquals("llm: " + bad + ": invalid UTF-8 at byte 2 (--strict)\n", r.err());
        assertFalse(Files.exists(bin));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }

        r = CliHarness.run("tokenize", "x.txt"); // the bundled model's tokenizer, then a missing input
        assertEquals(1, r.code());
        assertEquals("llm: x.txt: no such file\n", r.err());
        assertEquals(2, CliHarness.run("tokenize", "--tokenizer", gpt2, "--count", "--json").code());
        assertEquals(2, CliHarness.run("tokenize", "--train", "--vocab-size", "100").code());
        r = withStdin(new byte[0], "tokenize", "--tokenizer", gpt2, "--bos");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--bos"), r.err());
    }

    @Test
    void trainThenUse(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("c.txt");
        Files.writeString(corpus, "low lower lowest newer newest wider\n".repeat(50) + "<|endoftext|>\nsecond doc\n");
        Path out = dir.resolve("tok.json");
        CliHarness.Result r = CliHarness.run("tokenize", "--train", "--vocab-size", "300", "-o", out.toString(),
                corpus.toString());
        assertEquals(0, r.code(), r.err());
        CliHarness.Result e = CliHarness.run("tokenize", "--tokenizer", out.toString(), "--count", corpus.toString());
        int n = Integer.parseInt(e.out().trim());
        assertTrue(n < Files.size(corpus) / 4, "tokens " + n);
        Path ids = dir.resolve("ids");
        Files.writeString(ids, CliHarness.run("tokenize", "--tokenizer", out.toString(), corpus.toString()).out());
        assertEquals(Files.readString(corpus),
                CliHarness.run("tokenize", "--tokenizer", out.toString(), "--decode", ids.toString()).out());
    }

    @Test
    void dashIsStdoutForTheTrainedTokenizerAsForEveryOutputFlag(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("c.txt");
        Files.writeString(corpus, "low lower lowest newer newest wider\n".repeat(50));
        OutputStream old = Stdio.stdout();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Stdio.setStdout(buf);
        CliHarness.Result r;
        try {
            r = CliHarness.run("tokenize", "--train", "--vocab-size", "300", "-o", "-", corpus.toString());
        } finally {
            Stdio.setStdout(old);
        }
        assertEquals(0, r.code(), r.err());
        assertTrue(buf.toString(java.nio.charset.StandardCharsets.UTF_8).contains("\"merges\""), "tokenizer.json");
        assertTrue(Files.notExists(Path.of("-")), "no file named '-'");
        CliHarness.Result t = CliHarness.run("train", "--data", corpus.toString(), "--out", "-");
        assertEquals(2, t.code(), t.err());
        assertEquals("llm: --out -: a run is a directory of files, it cannot go to stdout (give a directory)\n",
                t.err());
    }
}
