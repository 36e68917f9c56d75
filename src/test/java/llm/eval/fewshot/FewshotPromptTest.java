package llm.eval.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import llm.UserException;
import org.junit.jupiter.api.Test;

class FewshotPromptTest {
    static final List<Example> PAIRS = List.of(new Example("sea otter", "loutre de mer"), new Example("cheese", "fromage"),
            new Example("bread", "pain"), new Example("cat", "chat"), new Example("dog", "chien"));

    @Test
    void defaultTemplateWritesTheLecturePrompt() {
        FewshotPrompt p = new FewshotPrompt("English to French:", null, null, PAIRS.subList(0, 2));
        assertEquals("English to French:\nsea otter => loutre de mer\ncheese => fromage\nbread =>", p.build("bread"));
        assertEquals(List.of("\n"), p.stops());
    }

    @Test
    void zeroShotsAndNoInstructionIsJustTheQuery() {
        assertEquals("bread =>", new FewshotPrompt(null, null, null, List.of()).build("bread"));
        assertEquals("Translate:\nbread =>", new FewshotPrompt("Translate:\n", null, null, List.of()).build("bread"));
    }

    @Test
    void customTemplateAndDelimiter() {
        Template t = Template.parse(Escapes.decode("--template", "Q: {input}\\nA: {output}."));
        FewshotPrompt p = new FewshotPrompt("", t, Escapes.decode("--delimiter", "\\n\\n"), PAIRS.subList(0, 2));
        assertEquals("Q: sea otter\nA: loutre de mer.\n\nQ: cheese\nA: fromage.\n\nQ: bread\nA:", p.build("bread"));
        assertEquals(List.of(".", "\n\n"), p.stops());
        assertEquals("pain", p.answer(" pain.\n\nQ: dog\nA: chien."));
        assertEquals("pain", p.answer(" pain\n\nQ: dog"));
    }

    @Test
    void answerIsTheContinuationUpToTheDelimiterStripped() {
        FewshotPrompt p = new FewshotPrompt("", null, null, PAIRS);
        assertEquals("pain", p.answer(" pain\ncat => chat\n"));
        assertEquals("pain au chocolat", p.answer(" pain au chocolat "));
        assertEquals("", p.answer("\npain"));
        FewshotPrompt bar = new FewshotPrompt("", null, " | ", PAIRS.subList(0, 1));
        assertEquals("sea otter => loutre de mer | cat =>", bar.build("cat"));
        assertEquals("chat", bar.answer(" chat | dog => chien"));
    }

    @Test
    void extraStopsKeepOneWord() {
        FewshotPrompt p = new FewshotPrompt("", null, null, PAIRS.subList(0, 1), List.of(" ", "\n"));
        assertEquals(List.of("\n", " "), p.stops());
        assertEquals("hat", p.answer(" hat was a big,"));
        assertEquals(List.of(" ", "\n"), p.withShots(List.of()).extraStops());
    }

    @Test
    void blankTemplateTailIsNotAStop() {
        FewshotPrompt p = new FewshotPrompt("", Template.parse("{input} => {output} "), null, PAIRS.subList(0, 1));
        assertEquals(List.of("\n"), p.stops());
        assertEquals("sea otter => loutre de mer \ncat =>", p.build("cat"));
        assertEquals("chat", p.answer(" chat \n"));
    }

    @Test
    void templateErrorsNameTheFlag() {
        for (String bad : new String[] {"{input} =>", "{output} <= {input}", "{input} {input} {output}", "x"}) {
            UserException e = assertThrows(UserException.class, () -> Template.parse(bad), bad);
            assertEquals(2, e.exitCode());
            assertTrue(e.getMessage().startsWith("--template"), e.getMessage());
        }
        assertEquals("{input} => {output}", Template.defaults().toString());
    }

    @Test
    void escapes() {
        assertEquals("a\nb\tc\\d", Escapes.decode("--delimiter", "a\\nb\\tc\\\\d"));
        assertEquals("plain", Escapes.decode("--delimiter", "plain"));
        UserException e = assertThrows(UserException.class, () -> Escapes.decode("--delimiter", "a\\x"));
        assertTrue(e.getMessage().startsWith("--delimiter: unknown escape \\x"), e.getMessage());
        assertThrows(UserException.class, () -> Escapes.decode("--delimiter", "a\\"));
        assertEquals("a\\nb", Escapes.encode("a\nb"));
        assertThrows(UserException.class, () -> new FewshotPrompt("", null, "", List.of()));
    }

    @Test
    void shotsAreTheFirstKOrASeededDraw() {
        assertEquals(PAIRS.subList(0, 3), Shots.select(PAIRS, 3, null));
        List<Example> a = Shots.select(PAIRS, 3, 42L);
        assertEquals(a, Shots.select(PAIRS, 3, 42L), "same seed, same draw");
        assertEquals(3, a.stream().distinct().count(), "drawn without replacement");
        assertTrue(PAIRS.containsAll(a));
        List<List<Example>> draws = new ArrayList<>();
        for (long s = 0; s < 10; s++) {
            draws.add(Shots.order(PAIRS, s));
        }
        assertTrue(draws.stream().distinct().count() > 1, "different seeds draw differently");
        assertEquals(Shots.select(PAIRS, 2, 7L), Shots.select(PAIRS, 4, 7L).subList(0, 2), "sweeps nest");
        assertEquals(List.of(), Shots.select(PAIRS, 0, null));
        UserException e = assertThrows(UserException.class, () -> Shots.select(PAIRS, 6, null));
        assertEquals("--shots 6 is more than the 5 examples given", e.getMessage());
        assertThrows(UserException.class, () -> Shots.select(PAIRS, -1, null));
    }

    @Test
    void sweepSpec() {
        assertEquals(List.of(0, 1, 2, 4, 8), java.util.Arrays.stream(Shots.parseSweep("0,1, 2,4,8")).boxed().toList());
        for (String bad : new String[] {"0,2,1", "a", "1,,2", "-1,2", "2,2"}) {
            assertThrows(UserException.class, () -> Shots.parseSweep(bad), bad);
        }
    }

    /** A "model" that knows some answers, needs k shots to use them, and rambles on past the delimiter. */
    static Completer scripted(Map<String, String> known, int needShots) {
        return (prompt, stops, max) -> {
            assertEquals(List.of("\n"), stops);
            long shots = prompt.lines().count() - 1;
            String query = prompt.substring(prompt.lastIndexOf('\n') + 1).replace(" =>", "");
            String answer = shots >= needShots ? known.getOrDefault(query, "?") : "hmm";
            return " " + answer + "\nmore => stuff\n";
        };
    }

    @Test
    void evaluationCountsExactMatchesAndSweepsShots() {
        List<Example> held = List.of(new Example("horse", "cheval"), new Example("water", "eau"), new Example("sun", "soleil"));
        Completer model = scripted(Map.of("horse", "cheval", "water", "eau", "sun", "lune"), 2);
        FewshotPrompt p = new FewshotPrompt("", null, null, List.of());
        List<FewshotEval.Prediction> seen = new ArrayList<>();
        List<Accuracy> rows = FewshotEval.sweep(model, p, PAIRS, new int[] {0, 1, 2, 4}, held, 16, seen::add);
        assertEquals(List.of(new Accuracy(0, 0, 3), new Accuracy(1, 0, 3), new Accuracy(2, 2, 3), new Accuracy(4, 2, 3)), rows);
        assertEquals(12, seen.size());
        FewshotEval.Prediction last = seen.get(11);
        assertEquals("lune", last.answer());
        assertFalse(last.correct());
        assertEquals(2.0 / 3, rows.get(2).value(), 1e-12);
        String table = FewshotEval.table(rows);
        assertEquals("""
                shots  accuracy  correct  total
                    0    0.0000        0      3
                    1    0.0000        0      3
                    2    0.6667        2      3
                    4    0.6667        2      3
                """, table);
        assertEquals("{\"shots\":2,\"correct\":2,\"total\":3,\"accuracy\":0.666667}", rows.get(2).json());
        assertEquals("accuracy 0.6667 (2/3) at 2 shots", rows.get(2).line());
        assertThrows(UserException.class, () -> FewshotEval.sweep(model, p, PAIRS, new int[] {8}, held, 16, null));
    }

    @Test
    void matchingIsExactUpToOuterWhiteSpace() {
        assertTrue(Accuracy.matches(" chat ", "chat"));
        assertFalse(Accuracy.matches("Chat", "chat"));
        assertFalse(Accuracy.matches("chat.", "chat"));
        assertEquals(0.0, new Accuracy(0, 0, 0).value());
        assertEquals(1, FewshotEval.overlap(PAIRS, List.of(new Example("cat", "x"), new Example("cow", "vache"))));
    }

    @Test
    void stopsFindTheEarliest() {
        assertEquals(3, Stops.firstIndex("abcXYdefZ", List.of("Z", "XY")));
        assertEquals(-1, Stops.firstIndex("abc", List.of("", "d")));
        assertEquals(4, Stops.firstIndex(" \tab cd", List.of(" ")), "leading blanks come before the answer");
        assertEquals(1, Stops.firstIndex(" \nab", List.of("\n")));
        assertEquals("abc", Stops.cut("abc\nHuman: hi", List.of("\nHuman:")));
    }
}
