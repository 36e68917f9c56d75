/**
 * Evaluation: perplexity and bits per byte ({@link llm.eval.Perplexity}, sliding windows over long texts),
 * sentence splitting and alignment for memorization reports. Sub-packages: {@code eval.fewshot} (few-shot prompts, choice and generation scoring),
 * {@code eval.memorize} (does a model recite its training text), {@code eval.chat} (chat transcripts). It computes;
 * the commands print.
 */
package llm.eval;
