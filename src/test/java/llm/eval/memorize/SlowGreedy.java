package llm.eval.memorize;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import llm.model.LanguageModel;

/** The slow reference path for greedy decoding: one token at a time, recomputing the whole sequence each step. */
public final class SlowGreedy {
    private SlowGreedy() {}

    /** The {@code steps} greedy tokens after {@code prompt} (no KV cache, no batch). */
    public static int[] continuation(LanguageModel m, NDManager root, int[] prompt, int steps) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + steps);
        int v = m.config().vocabSize();
        for (int t = 0; t < steps; t++) {
            int len = prompt.length + t;
            try (NDManager s = root.newSubManager()) {
                float[] all = m.forward(s.create(Arrays.copyOf(seq, len), new Shape(1, len))).toFloatArray();
                seq[len] = llm.generate.Sampler.argmax(Arrays.copyOfRange(all, (len - 1) * v, len * v));
            }
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }
}
