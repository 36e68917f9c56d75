package llm.generate;

/** A model seen from the generation loop: feed tokens, get the logits of the next position. */
public interface Stepper {
    /** Feed the prompt (at least one token) from position 0; the logits after its last token. */
    float[] prefill(int[] ids);

    /** Feed one more token; the logits after it (an array the next call may reuse: use it before then). */
    float[] next(int id);

    /** Positions the model can hold. */
    int context();
}
