package llm.eval.memorize;

import llm.generate.Sampler;

/**
 * A language model seen as a batched continuer: given B prompts of equal length, produce B continuations of
 * {@code steps} tokens, choosing each next token with {@code picker} from that row's logits. An implementation runs
 * one forward pass over the whole batch per step (prefill, then incremental steps through a KV cache).
 */
public interface Continuer {
    /** Chooses the next token of row {@code row} from its logits (V); {@link #GREEDY} takes the arg max. */
    @FunctionalInterface
    interface Picker {
        int pick(int row, float[] logits);
    }

    /** Arg max; ties go to the lowest id. */
    Picker GREEDY = (row, logits) -> Sampler.argmax(logits);

    /**
     * Continue each of {@code prompts} by {@code steps} tokens: (B, steps). The rows have one length unless
     * {@link #ragged()}.
     */
    int[][] continueBatch(int[][] prompts, int steps, Picker picker);

    /** True when one batch may hold prompts of different lengths. */
    default boolean ragged() {
        return false;
    }

    /** The longest prompt + continuation the model accepts (its context length). */
    int maxLength();
}
