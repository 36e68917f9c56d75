/**
 * Memorization audits ({@code llm memorize-check}): documents split into prefix windows, each continued greedily by
 * the model ({@link llm.eval.memorize.Continuer}), the continuation compared with the true text; results per
 * document and a summary.
 */
package llm.eval.memorize;
