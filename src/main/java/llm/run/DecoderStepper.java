package llm.run;

import llm.generate.Stepper;
import llm.model.Decoder;

/** One sequence of a {@link Decoder} as the generation loop sees it: restarted at each prompt. */
public record DecoderStepper(Decoder decoder, int context) implements Stepper {
    @Override
    public float[] prefill(int[] ids) {
        decoder.reset();
        return decoder.feed(new int[][] {ids})[0];
    }

    @Override
    public float[] next(int id) {
        return decoder.nextShared(id); // the loop samples from it before the next call
    }
}
