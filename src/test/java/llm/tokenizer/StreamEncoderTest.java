package llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chunked, parallel encoding gives the ids of encoding the whole text at once. */
class StreamEncoderTest {
    static Path shared = Path.of(System.getProperty("llm.shared", "../shared"));
    static String text;

    @BeforeAll
    static void load() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(shared), "../shared not present");
        String wiki = Files.readString(shared.resolve("data/wikitext-2-raw/wiki.test.raw"));
        String stories = Files.readString(shared.resolve("data/tinystories/tinystories-2.5k.txt"));
        // awkward spots for a cut: whitespace around newlines, a lone newline at a chunk edge, CJK, specials
        text = wiki.substring(0, 60_000) + "\n \nx\n\ny \n z\n\u4e2d\n<|endoftext|>\n" + stories.substring(0, 60_000);
    }

    static int[] streamed(Tokenizer tok, String s, boolean specials, int threads) throws Exception {
        IntList out = new IntList();
        try (StreamEncoder enc = new StreamEncoder(tok, specials, false, threads, 1024)) {
            enc.encode(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "t", out::addAll);
        }
        return out.toArray();
    }

    @Test
    void gpt2ChunkedEqualsWhole() throws Exception {
        Tokenizer tok = Tokenizers.load(shared.resolve("tokenizers/gpt2/tokenizer.json"));
        assertTrue(tok.canCutAt("a\nb", 2));
        assertArrayEquals(tok.encode(text), streamed(tok, text, false, 2));
        // wikitext's lines start with a space: cuts must still come often (bounded memory)
        int[] chunks = {0};
        try (StreamEncoder enc = new StreamEncoder(tok, false, false, 1, 1024)) {
            enc.encode(new ByteArrayInputStream(text.substring(0, 60_000).getBytes(StandardCharsets.UTF_8)), "t",
                    ids -> chunks[0]++);
        }
        assertTrue(chunks[0] > 30, "chunks: " + chunks[0]);
        assertArrayEquals(tok.encodeWithSpecials(text), streamed(tok, text, true, 1));
    }

    @Test
    void llama2cChunkedEqualsWhole() throws Exception {
        Tokenizer tok = Tokenizers.load(shared.resolve("models/stories260K/tok512.bin"));
        assertTrue(tok.canCutAt("a\nb", 2));
        String s = text.substring(60_000);
        assertArrayEquals(tok.encode(s), streamed(tok, s, false, 2));
        assertArrayEquals(tok.encodeWithSpecials("<s>" + s), streamed(tok, "<s>" + s, true, 2));
    }

    @Test
    void crlfLinesEncodeAsLfLinesAcrossChunks() throws Exception {
        Tokenizer tok = Tokenizers.load(shared.resolve("tokenizers/gpt2/tokenizer.json"));
        String lf = text.substring(0, 5_000);
        List<int[]> a = new ArrayList<>();
        List<int[]> b = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            a.clear();
            b.clear();
            try (StreamEncoder enc = new StreamEncoder(tok, false, false, threads, 1024)) {
                enc.encodeLines(new ByteArrayInputStream(lf.getBytes(StandardCharsets.UTF_8)), "lf", a::add);
                enc.encodeLines(new ByteArrayInputStream(lf.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)),
                        "crlf", b::add);
            }
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), b.get(i), "line " + (i + 1));
            }
        }
    }

    /**
     * A pipe whose writer is slow: each whole line goes to the sink as soon as the input has nothing more for now, then
     * {@code idle} (where a printer flushes) — not at the end of a 1,024-char chunk or of the input (here: never, the
     * stream fails when read past what has arrived).
     */
    @Test
    void linesFromASlowPipeGoOutAsTheyCome() throws Exception {
        Tokenizer tok = Tokenizers.load(shared.resolve("tokenizers/gpt2/tokenizer.json"));
        List<String> events = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            events.clear();
            try (StreamEncoder enc = new StreamEncoder(tok, false, false, threads, 1024)) {
                assertThrows(java.io.IOException.class, () -> enc.encodeLines(new llm.io.Trickle(false,
                        "first line\nsecond ".getBytes(StandardCharsets.UTF_8), "half\n".getBytes(StandardCharsets.UTF_8)),
                        "pipe", new StreamEncoder.LineSink() {
                            @Override
                            public void accept(int[] ids) {
                                events.add(tok.decode(ids));
                            }

                            @Override
                            public void idle() {
                                events.add("(idle)");
                            }
                        }));
            }
            assertEquals(List.of("first line", "(idle)", "second half", "(idle)"), events, threads + " threads");
        }
    }

    @Test
    void linesAreEncodedOneByOne() throws Exception {
        Tokenizer tok = Tokenizers.load(shared.resolve("tokenizers/gpt2/tokenizer.json"));
        String s = "first line\n\nthird\nlast without newline";
        List<int[]> got = new ArrayList<>();
        try (StreamEncoder enc = new StreamEncoder(tok, false, false, 2, 1024)) {
            enc.encodeLines(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "t", got::add);
        }
        String[] lines = s.split("\n", -1);
        assertEquals(lines.length, got.size());
        for (int i = 0; i < lines.length; i++) {
            assertArrayEquals(tok.encode(lines[i]), got.get(i));
        }
    }

    @Test
    void invalidUtf8IsReplacedOrRejected() throws Exception {
        Tokenizer tok = Tokenizers.load(shared.resolve("tokenizers/gpt2/tokenizer.json"));
        byte[] bad = {'a', (byte) 0xFF, 'b'};
        IntList out = new IntList();
        try (StreamEncoder enc = new StreamEncoder(tok, false, false, 1)) {
            StreamEncoder.Stats st = enc.encode(new ByteArrayInputStream(bad), "t", out::addAll);
            assertEquals(1, st.malformed());
        }
        assertArrayEquals(tok.encode("a\uFFFDb"), out.toArray());
        try (StreamEncoder enc = new StreamEncoder(tok, false, true, 1)) {
            UserException e = assertThrows(UserException.class,
                    () -> enc.encode(new ByteArrayInputStream(bad), "in.txt", ids -> {}));
            assertEquals("in.txt: invalid UTF-8 at byte 1 (--strict)", e.getMessage());
        }
    }
}
