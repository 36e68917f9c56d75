package llm.eval.memorize;

import llm.eval.Alignment;
import llm.eval.Memorization;

/**
 * The outcome for one window of one document (or one skipped document, {@code skipped} != null).
 *
 * @param doc         0-based index of the document in the input, in order
 * @param id          the document id
 * @param window      0-based window index within the document
 * @param offset      token offset of the prefix inside the document
 * @param prefix      the prefix text given to the model
 * @param target      the reference text the model should continue with (S tokens)
 * @param continuation the model's greedy continuation, decoded
 * @param match       token-level comparison with the target
 * @param alignment   character-level alignment of continuation against target
 * @param samples     number of sampled continuations ({@code --samples}), 0 if none
 * @param exactSamples how many of them reproduced the target
 * @param skipped     why this document was not tested, or null
 */
public record Result(long doc, String id, int window, int offset, int prefixTokens, String prefix, String target,
        String continuation, Memorization.Match match, Alignment alignment, int samples, int exactSamples,
        String skipped) {

    public static Result tested(long doc, String id, int window, int offset, int prefixTokens, String prefix,
            String target, String continuation, Memorization.Match match, int samples, int exactSamples) {
        return new Result(doc, id, window, offset, prefixTokens, prefix, target, continuation, match,
                Alignment.of(target, continuation), samples, exactSamples, null);
    }

    public static Result skipped(long doc, String id, String reason) {
        return new Result(doc, id, 0, 0, 0, "", "", "", null, null, 0, 0, reason);
    }

    public boolean isSkipped() {
        return skipped != null;
    }

    /** Fraction of sampled continuations that were exact; NaN without {@code --samples}. */
    public double extractionRate() {
        return Memorization.extractionRate(exactSamples, samples);
    }
}
