package llm.generate;

import llm.UserException;

/**
 * How the next token is picked from the logits, applied in this order (HuggingFace's): repetition penalty, then
 * temperature, top-k, top-p, min-p. Temperature 0 is greedy (argmax, ties to the lowest id).
 *
 * @param temperature 0 = greedy; otherwise logits are divided by it
 * @param topK keep the K most likely tokens (0 = off)
 * @param topP keep the smallest set of most likely tokens whose probability reaches P (1 = off)
 * @param minP keep tokens whose probability is at least minP × the top token's (0 = off)
 * @param repetitionPenalty CTRL's penalty on tokens already in the sequence (1 = off): a positive logit is divided
 *     by it, a negative one multiplied
 */
public record SamplingParams(double temperature, int topK, double topP, double minP, double repetitionPenalty) {
    public static final SamplingParams GREEDY = new SamplingParams(0, 0, 1, 0, 1);

    /** Validate, naming the flag that is out of range (exit 2). */
    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw UserException.usage("--temperature must be a finite number >= 0, not " + temperature);
        }
        if (topK < 0) {
            throw UserException.usage("--top-k must be >= 0 (0 = off), not " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw UserException.usage("--top-p must be within (0, 1], not " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw UserException.usage("--min-p must be within [0, 1], not " + minP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw UserException.usage("--repetition-penalty must be a finite number > 0 (1 = off), not " + repetitionPenalty);
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
