package llm.eval.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.run.ModelLogProbs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The model-backed scorer on a tiny random GPT-2 (1 layer, 32 wide) over byte tokens. */
class ModelLikelihoodTest {
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
        ModelLikelihood lm = new ModelLikelihood(new ModelLogProbs(model, root), ByteTokenizer.BOS);
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
}
