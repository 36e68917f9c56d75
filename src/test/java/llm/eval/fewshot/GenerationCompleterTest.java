package llm.eval.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import llm.eval.chat.ChatSession;
import llm.eval.chat.Transcript;
import llm.generate.Sampler;
import llm.generate.SamplingParams;
import llm.generate.Stepper;
import org.junit.jupiter.api.Test;

/** The generation loop of few-shot answers and chat, on a scripted "model" whose logits spell out a fixed text. */
class GenerationCompleterTest {
    static final ByteTokenizer TOK = new ByteTokenizer();

    /** Logits that make greedy decoding write {@code text} byte by byte, then EOS. Records what it was fed. */
    static class Script implements Stepper {
        final int[] ids;
        final int context;
        int steps;
        final List<int[]> prefills = new ArrayList<>();

        Script(String text, int context) {
            ids = TOK.encode(text);
            this.context = context;
        }

        float[] oneHot() {
            float[] l = new float[258];
            l[steps < ids.length ? ids[steps] : ByteTokenizer.EOS] = 1;
            return l;
        }

        @Override
        public float[] prefill(int[] prompt) {
            prefills.add(prompt.clone());
            steps = 0;
            return oneHot();
        }

        @Override
        public float[] next(int id) {
            steps++;
            return oneHot();
        }

        @Override
        public int context() {
            return context;
        }
    }

    static GenerationCompleter completer(Script s) {
        return new GenerationCompleter(s, TOK, new Sampler(SamplingParams.GREEDY, 0), Set.of(ByteTokenizer.EOS), ByteTokenizer.BOS);
    }

    @Test
    void stopsAtTheStopStringAtEosAndAtMaxTokens() {
        Script s = new Script(" Four.\nHuman: and 3+3?\nAssistant:", 64);
        assertEquals(" Four.", completer(s).complete("Human: 2+2?\nAssistant:", List.of("\nHuman:"), 40));
        assertEquals(" Four.\nHuman:".length() - 1, s.steps, "generation ends as soon as the stop appears");
        assertEquals(ByteTokenizer.BOS, s.prefills.get(0)[0]);
        assertEquals(" ok", completer(new Script(" ok", 64)).complete("x", List.of("\n"), 40));
        assertEquals("abc", completer(new Script("abcdefgh", 64)).complete("x", List.of("\n"), 3));
        assertEquals(" hat", completer(new Script(" hat was big", 64)).complete("x", List.of(" "), 10),
                "a stop counts after the leading space");
    }

    @Test
    void aLongPromptKeepsItsEnd() {
        Script s = new Script("yz\n", 48);
        assertEquals("yz", completer(s).complete("p".repeat(100) + "END", List.of("\n"), 8));
        int[] fed = s.prefills.get(0);
        assertEquals(40, fed.length, "48 positions less 8 for the answer");
        assertArrayEquals(TOK.encode("END"), java.util.Arrays.copyOfRange(fed, 37, 40));
    }

    @Test
    void idsOfAPaddedVocabularyAreNeverPicked() {
        Script padded = new Script("ok\n", 64) {
            @Override
            float[] oneHot() {
                float[] l = java.util.Arrays.copyOf(super.oneHot(), 300); // 42 ids the tokenizer does not have
                l[299] = 100;
                return l;
            }
        };
        assertEquals("ok", completer(padded).complete("x", List.of("\n"), 8));
    }

    @Test
    void aLongPromptIsWarnedAboutOnce() {
        java.io.PrintStream saved = llm.io.Log.err();
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        llm.io.Log.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            GenerationCompleter c = completer(new Script("yz\n", 48));
            c.complete("p".repeat(100), List.of("\n"), 8);
            c.complete("q".repeat(100), List.of("\n"), 8);
        } finally {
            llm.io.Log.setErr(saved);
        }
        assertEquals("llm: warning: a prompt of 101 tokens does not fit the model's context of 48 with room for 8 new "
                + "ones: keeping its last 40 (fewer --shots?)\n", log.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void chatStopsBeforeTheInventedHumanTurn() {
        Transcript t = Transcript.parse("Human: hi\nAssistant: hello\n", "Human", "Assistant", "t");
        Script s = new Script(" Paris.\nHuman: And Spain?\nAssistant: Madrid.", 256);
        String answer = new ChatSession(t, false).ask(completer(s), "Capital of France?", 40, 200, p -> TOK.encode(p).length + 1);
        assertEquals("Paris.", answer);
        assertEquals(" Paris.\nHuman".length() - 1, s.steps);
    }
}
