package llm.eval.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import llm.UserException;
import llm.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

class ChoiceTest {
    static List<ChoiceItem> read(String text, int limit) {
        return ChoiceReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t", limit);
    }

    static final String TWO_ITEMS = "A man is sitting on a roof. he\n3\nis a.\nis b.\nis c.\nstarts pulling up roofing.\n"
            + "A lady walks to a barbell. the lady\n0\nstands.\nsits.\nswims.\nflies.\n";

    @Test
    void textFormHasSixLinesPerItem() {
        List<ChoiceItem> items = read(TWO_ITEMS, 0);
        assertEquals(2, items.size());
        assertEquals("A man is sitting on a roof. he", items.get(0).context());
        assertEquals(3, items.get(0).gold());
        assertEquals(List.of("stands.", "sits.", "swims.", "flies."), items.get(1).endings());
        assertEquals(" is a.", items.get(0).continuation(0));
        assertEquals(1, read(TWO_ITEMS, 1).size());
        UserException e = assertThrows(UserException.class, () -> read(TWO_ITEMS + "ctx\n1\nend\n", 0));
        assertEquals("t:13: truncated item (3 of 6 lines: context, label, 4 endings)", e.getMessage());
        UserException bad = assertThrows(UserException.class, () -> read("ctx\nx\na\nb\nc\nd\n", 0));
        assertTrue(bad.getMessage().startsWith("t:1: expected the index"), bad.getMessage());
        assertThrows(UserException.class, () -> read("ctx\n4\na\nb\nc\nd\n", 0));
    }

    @Test
    void jsonLinesForm() {
        String text = "{\"context\": \"The cat\", \"endings\": [\"sat.\", \"flew.\", \"sang.\"], \"label\": 0}\n"
                + "{\"ctx\": \"A dog\", \"endings\": [\"barked.\", \"meowed.\"], \"label\": \"1\", \"activity_label\": \"x\"}\n";
        List<ChoiceItem> items = read(text, 0);
        assertEquals(new ChoiceItem("The cat", List.of("sat.", "flew.", "sang."), 0), items.get(0));
        assertEquals(1, items.get(1).gold());
        UserException e = assertThrows(UserException.class,
                () -> read("{\"context\": \"c\", \"endings\": [\"a\", \"b\"], \"label\": 2}\n", 0));
        assertEquals("t:1: label 2 is outside [0, 2)", e.getMessage());
        assertThrows(UserException.class, () -> read("{\"context\": \"c\", \"endings\": [\"a\"], \"label\": 0}\n", 0));
        assertThrows(UserException.class, () -> read("{\"context\": \"c\", \"label\": 0}\n", 0));
    }

    @Test
    void hellaswagFromShared() {
        Path f = Path.of(System.getProperty("llm.shared", "../shared"), "eval", "hellaswag_val.txt.bz2");
        assumeTrue(Files.isRegularFile(f), "../shared not present");
        List<ChoiceItem> items = ChoiceReader.read(f.toString(), 500);
        assertEquals(500, items.size());
        assertEquals("Roof shingle removal: A man is sitting on a roof. he", items.get(0).context());
        assertEquals(3, items.get(0).gold());
        assertEquals("starts pulling up roofing on a roof.", items.get(0).endings().get(3));
        int[] golds = new int[4];
        items.forEach(i -> golds[i.gold()]++);
        for (int g : golds) {
            assertTrue(g > 80, "labels spread over the 4 endings");
        }
    }

    @Test
    void accAndAccNorm() {
        ChoiceItem item = new ChoiceItem("ctx", List.of("a", "a much longer ending"), 1);
        // raw sums favour the short ending; per byte the long one wins: -2/1 = -2 vs -10/20 = -0.5
        ChoiceScores s = new ChoiceScores();
        assertArrayEquals(new int[] {0, 1}, s.add(item, new double[] {-2, -10}));
        assertArrayEquals(new int[] {1, 1}, s.add(item, new double[] {-9, -8}));
        assertArrayEquals(new int[] {0, 0}, s.add(new ChoiceItem("c", List.of("x", "y"), 1), new double[] {-1, -1}),
                "ties go to the first ending");
        assertEquals(3, s.items());
        assertEquals(1.0 / 3, s.acc(), 1e-12);
        assertEquals(2.0 / 3, s.accNorm(), 1e-12);
        assertEquals(5, ChoiceScores.normLength("été"), "UTF-8 bytes, not characters");
        assertEquals(1, ChoiceScores.normLength(""));
        assertTrue(s.json().startsWith("{\"items\":3,\"acc\":0.333333,"), s.json());
        assertTrue(s.line().contains("UTF-8 bytes"));
        assertEquals(Math.sqrt(0.25 / 3), ChoiceScores.stderr(0.5, 4), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> s.add(item, new double[] {1}));
    }

    /** Words as tokens: "the cat" -> ids of " the", " cat" (a space-prefixed word each, like SentencePiece). */
    static final class WordTokenizer implements Tokenizer {
        final List<String> vocab = new ArrayList<>();

        @Override public String name() { return "words"; }
        @Override public int vocabSize() { return vocab.size(); }
        @Override public int[] encode(String text) {
            String[] w = text.strip().split(" +");
            if (text.isBlank()) {
                return new int[0];
            }
            int[] ids = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                String piece = " " + w[i];
                if (!vocab.contains(piece)) {
                    vocab.add(piece);
                }
                ids[i] = vocab.indexOf(piece);
            }
            return ids;
        }
        @Override public int[] encodeWithSpecials(String text) { return encode(text); }
        @Override public byte[] tokenBytes(int id) { return vocab.get(id).getBytes(StandardCharsets.UTF_8); }
        @Override public String piece(int id) { return vocab.get(id); }
        @Override public OptionalInt bos() { return OptionalInt.empty(); }
        @Override public OptionalInt eos() { return OptionalInt.empty(); }
    }

    @Test
    void evaluationScoresEachEndingAfterTheContext() {
        WordTokenizer tok = new WordTokenizer();
        int[][] s = ChoiceEval.split(tok, "the cat ", "sat down");
        assertArrayEquals(tok.encode("the cat"), s[0]);
        assertArrayEquals(tok.encode("sat down"), s[1]);
        List<ChoiceItem> items = read(TWO_ITEMS, 0);
        // a "model" whose log-probability is minus the number of continuation tokens, with a bonus for "flies."
        int flies = tok.encode("flies.")[0];
        LogLikelihood model = (ctx, conts) -> {
            assertTrue(ctx.length == 8 || ctx.length == 7, "the context's words");
            double[] lp = new double[conts.size()];
            for (int i = 0; i < lp.length; i++) {
                lp[i] = -conts.get(i).length - (conts.get(i)[0] == flies ? -5 : 0);
            }
            return lp;
        };
        List<int[]> seen = new ArrayList<>();
        ChoiceScores scores = ChoiceEval.evaluate(items, tok, model, (i, item, lp, pred, norm) -> seen.add(new int[] {pred, norm}));
        assertArrayEquals(new int[] {0, 3}, seen.get(0), "fewest tokens wins acc; per byte the longest ending wins");
        assertArrayEquals(new int[] {3, 3}, seen.get(1));
        assertEquals(0.0, scores.acc());
        assertEquals(0.5, scores.accNorm());
    }
}
