package llm.eval.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.ToIntFunction;
import llm.engine.Engines;
import llm.eval.chat.ChatSession;
import llm.eval.chat.Transcript;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The model-backed completer and scorer on a tiny random GPT-2 (1 layer, 32 wide) over byte tokens. */
class ModelAdaptersTest {
    static NDManager root;
    static LanguageModel model;
    static final ByteTokenizer TOK = new ByteTokenizer();

    @BeforeAll
    static void setUp() {
        root = Engines.newRoot(Device.cpu());
        model = LanguageModel.create(ModelConfig.gpt2(258, 48, 32, 1, 2), root, 7);
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    /** log p(seq[i] | seq[..i]) summed over i in [from, n): one unbatched forward of seq[..n-1], log-softmax in Java. */
    static double reference(int[] seq, int from) {
        try (NDManager s = root.newSubManager()) {
            int[] in = java.util.Arrays.copyOf(seq, seq.length - 1);
            NDArray logits = model.forward(s.create(in, new Shape(1, in.length)));
            float[] l = logits.toFloatArray();
            int v = 258;
            double sum = 0;
            for (int i = from; i < seq.length; i++) {
                int row = (i - 1) * v;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < v; k++) {
                    max = Math.max(max, l[row + k]);
                }
                double z = 0;
                for (int k = 0; k < v; k++) {
                    z += Math.exp(l[row + k] - max);
                }
                sum += l[row + seq[i]] - max - Math.log(z);
            }
            return sum;
        }
    }

    @Test
    void batchedScoresEqualOneSequenceAtATime() {
        ModelLikelihood lm = new ModelLikelihood(model, root, ByteTokenizer.BOS);
        int[] ctx = TOK.encode("The cat");
        List<int[]> conts = List.of(TOK.encode(" sat."), TOK.encode(" flew away."), TOK.encode("!"));
        double[] got = lm.score(ctx, conts);
        for (int j = 0; j < conts.size(); j++) {
            int[] seq = new int[1 + ctx.length + conts.get(j).length];
            seq[0] = ByteTokenizer.BOS;
            System.arraycopy(ctx, 0, seq, 1, ctx.length);
            System.arraycopy(conts.get(j), 0, seq, 1 + ctx.length, conts.get(j).length);
            assertEquals(reference(seq, 1 + ctx.length), got[j], 1e-3, "ending " + j);
            assertTrue(got[j] < 0);
        }
        // too long for the 48-token context: the last 49 tokens are kept (48 inputs), the continuation whole
        int[] longCtx = TOK.encode("x".repeat(60));
        int[] cont = TOK.encode(" end");
        int[] seq = new int[49];
        System.arraycopy(longCtx, 0, seq, 0, 45);
        System.arraycopy(cont, 0, seq, 45, 4);
        assertEquals(reference(seq, 45), lm.score(longCtx, List.of(cont))[0], 1e-3);
    }

    /** A picker that ignores the logits and writes {@code text} byte by byte, then EOS; counts its calls. */
    static final class Script implements ToIntFunction<float[]> {
        final int[] ids;
        int calls;

        Script(String text) {
            ids = TOK.encode(text);
        }

        @Override
        public int applyAsInt(float[] logits) {
            assertEquals(258, logits.length);
            return calls < ids.length ? ids[calls++] : ByteTokenizer.EOS + 0 * calls++;
        }
    }

    @Test
    void completionStopsAtTheStopStringAndAtEos() {
        Script s = new Script(" Four.\nHuman: and 3+3?\nAssistant:");
        ModelCompleter c = new ModelCompleter(model, TOK, root, s);
        assertEquals(" Four.", c.complete("Human: 2+2?\nAssistant:", List.of("\nHuman:"), 40));
        assertEquals(" Four.\nHuman:".length(), s.calls, "generation ends as soon as the stop appears");
        Script e = new Script(" ok");
        assertEquals(" ok", new ModelCompleter(model, TOK, root, e).complete("x", List.of("\n"), 40));
        assertEquals(4, e.calls, "three bytes, then EOS");
        Script m = new Script("abcdefgh");
        assertEquals("abc", new ModelCompleter(model, TOK, root, m).complete("x", List.of("\n"), 3));
        Script longPrompt = new Script("yz\n");
        assertEquals("yz", new ModelCompleter(model, TOK, root, longPrompt).complete("p".repeat(100), List.of("\n"), 8),
                "a prompt longer than the context keeps its end");
        assertEquals(0, ModelCompleter.argmax(new float[] {3, 1, 3}));
    }

    @Test
    void chatWithAModelStopsBeforeTheInventedHumanTurn() {
        Transcript t = Transcript.parse("Human: hi\nAssistant: hello\n", "Human", "Assistant", "t");
        ChatSession chat = new ChatSession(t, false);
        Script s = new Script(" Paris.\nHuman: And Spain?\nAssistant: Madrid.");
        String answer = chat.ask(new ModelCompleter(model, TOK, root, s), "Capital of France?", 40, 40,
                p -> TOK.encode(p).length + 1);
        assertEquals("Paris.", answer);
    }
}
