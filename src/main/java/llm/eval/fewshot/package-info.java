/**
 * Few-shot evaluation ({@code llm fewshot}): examples read from JSON Lines, prompts built from shots and a template,
 * multiple-choice items scored by the log-likelihood of each choice, or generations checked against the answer;
 * accuracy with its interval.
 */
package llm.eval.fewshot;
