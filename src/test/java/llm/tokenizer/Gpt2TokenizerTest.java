package llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GPT-2's tokenizer: llama.cpp's test vectors, exact, on the Java path and on DJL's HF binding. */
class Gpt2TokenizerTest {
    static Path gpt2 = Path.of(System.getProperty("llm.shared", "../shared"), "tokenizers/gpt2");
    static Tokenizer java;
    static HfTokenizer hf;

    @BeforeAll
    static void load() {
        Assumptions.assumeTrue(Files.isDirectory(gpt2), "../shared not present");
        java = Tokenizers.load(gpt2.resolve("tokenizer.json"));
        hf = Tokenizers.loadHf(gpt2.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        if (hf != null) {
            hf.close();
        }
    }

    record Case(String input, int[] ids) {}

    static List<Case> vectors() throws Exception {
        String inp = Files.readString(gpt2.resolve("tests/ggml-vocab-gpt-2.gguf.inp"), StandardCharsets.UTF_8);
        List<String> out = Files.readAllLines(gpt2.resolve("tests/ggml-vocab-gpt-2.gguf.out"));
        String sep = "\n__ggml_vocab_test__\n";
        List<Case> cases = new ArrayList<>();
        int pos = 0;
        for (int k = 0; ; k++) {
            int next = inp.indexOf(sep, pos);
            if (next < 0) {
                break;
            }
            String line = out.get(k).trim();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(inp.substring(pos, next), ids));
            pos = next + sep.length();
        }
        assertEquals(out.size(), cases.size());
        return cases;
    }

    @Test
    void javaPathIsTheByteLevelBpe() {
        assertInstanceOf(ByteLevelBpeTokenizer.class, java);
        assertEquals(50257, java.vocabSize());
        assertEquals(50256, java.eos().getAsInt());
    }

    @Test
    void llamaCppVectorsExactOnBothPaths() throws Exception {
        List<Case> cases = vectors();
        assertTrue(cases.size() >= 46, "cases: " + cases.size());
        for (Case c : cases) {
            assertArrayEquals(c.ids(), java.encode(c.input()), "java: " + c.input());
            assertArrayEquals(c.ids(), hf.encode(c.input()), "hf: " + c.input());
            assertEquals(c.input(), java.decode(c.ids()), "decode: " + c.input());
            assertEquals(c.input(), hf.decode(c.ids()));
        }
    }

    @Test
    void javaMatchesHfOnWikitextAndRandomText() throws Exception {
        Path wiki = gpt2.resolve("../../data/wikitext-2-raw/wiki.test.raw");
        Assumptions.assumeTrue(Files.isRegularFile(wiki));
        List<String> lines = Files.readAllLines(wiki).subList(0, 600);
        String text = String.join("\n", lines) + "\n";
        assertArrayEquals(hf.encode(text), java.encode(text));
        Random r = new Random(42);
        String alphabet = "ab  \n\t'sreLl0123.,!?\u00e9\u00a0\u3000\uD55C\uD83D\uDE00\u200D\u0301\u2028x\u0085";
        for (int k = 0; k < 300; k++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                int at = r.nextInt(alphabet.length());
                char ch = alphabet.charAt(at);
                if (Character.isHighSurrogate(ch)) {
                    sb.append(ch).append(alphabet.charAt(at + 1));
                } else if (!Character.isLowSurrogate(ch)) {
                    sb.append(ch);
                }
            }
            String s = sb.toString();
            assertArrayEquals(hf.encode(s), java.encode(s), () -> "text: " + escape(s));
            assertEquals(s, java.decode(java.encode(s)));
        }
    }

    @Test
    void longRunsUseTheQueueAndStillMatch() {
        String s = "=".repeat(500) + " " + "aaaa".repeat(100) + "\n".repeat(70) + "x";
        assertArrayEquals(hf.encode(s), java.encode(s));
    }

    @Test
    void specialTokenOnlyWhenAsked() {
        String s = "a<|endoftext|>b";
        int[] plain = java.encode(s);
        assertTrue(Arrays.stream(plain).noneMatch(i -> i == 50256));
        assertArrayEquals(new int[] {64, 50256, 65}, java.encodeWithSpecials(s));
        assertArrayEquals(hf.encode(s), java.encodeWithSpecials(s));
        assertTrue(java.isSpecial(50256));
    }

    @Test
    void byteAlphabetMapsBack() {
        assertArrayEquals(new byte[] {' ', 't', 'h', 'e'}, java.tokenBytes(262)); // "Ġthe"
        assertEquals("\u0120the", java.piece(262));
        assertArrayEquals(new byte[] {'\n'}, java.tokenBytes(198)); // "Ċ"
        assertArrayEquals(hf.tokenBytes(198), java.tokenBytes(198));
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c < 128 && c >= 32 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return b.toString();
    }

    /** Random lowercase letters: one pre-token with many different merges. */
    private static String letters(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void aPreTokenUpToTheLimitIsHfsAndALongerOneIsEncodedInPiecesOfTheLimit() {
        int max = ByteLevelBpeTokenizer.MAX_PRETOKEN_CHARS;
        String whole = letters(max, 1);
        assertArrayEquals(hf.encode(whole), java.encode(whole), "at the limit: HF's ids");
        String over = letters(2 * max + 7, 2);
        int[] expected = concat(hf.encode(over.substring(0, max)), hf.encode(over.substring(max, 2 * max)),
                hf.encode(over.substring(2 * max)));
        assertArrayEquals(expected, java.encode(over), "cut every " + max + " chars");
        int[] spaced = java.encode("x " + over); // " " + the letters is one pre-token: the space is in the first piece
        assertArrayEquals(concat(hf.encode("x"), hf.encode(" " + over.substring(0, max - 1)),
                hf.encode(over.substring(max - 1, 2 * max - 1)), hf.encode(over.substring(2 * max - 1))), spaced);
    }

    @Test
    void aLongRunOfOneLetterIsCutIntoEqualPiecesAndDecodesToItself() {
        int max = ByteLevelBpeTokenizer.MAX_PRETOKEN_CHARS;
        String run = "a".repeat(5 * max + 3);
        int[] piece = hf.encode("a".repeat(max));
        assertArrayEquals(concat(piece, piece, piece, piece, piece, hf.encode("aaa")), java.encode(run));
        assertEquals(run, new String(bytesOf(java, java.encode(run)), StandardCharsets.UTF_8));
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        int max = ByteLevelBpeTokenizer.MAX_PRETOKEN_CHARS;
        // "!" then pairs: one pre-token of "other" chars whose pairs start at odd offsets, so the cut at the limit
        // falls after a high surrogate and moves back one char
        String emoji = "!" + "\uD83D\uDE00".repeat(max);
        int[] ids = java.encode(emoji);
        assertEquals(emoji, new String(bytesOf(java, ids), StandardCharsets.UTF_8), "valid UTF-8 in every piece");
        assertArrayEquals(concat(hf.encode(emoji.substring(0, max - 1)), hf.encode(emoji.substring(max - 1,
                2 * max - 1)), hf.encode(emoji.substring(2 * max - 1))), ids);
    }

    private static byte[] bytesOf(Tokenizer t, int[] ids) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(t.tokenBytes(id));
        }
        return out.toByteArray();
    }
}
