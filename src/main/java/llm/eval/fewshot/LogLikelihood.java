package llm.eval.fewshot;

import java.util.List;

/**
 * A model seen as a scorer: for each continuation (token ids), the summed log-probability (natural log) of its tokens
 * given the context's tokens. The implementation adds BOS when the model expects one and keeps the last tokens
 * when context + continuation outgrow the model's context.
 */
@FunctionalInterface
public interface LogLikelihood {
    double[] score(int[] context, List<int[]> continuations);
}
