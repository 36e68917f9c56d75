/**
 * Training: the loop ({@link llm.train.Trainer}: gradient accumulation, clipping, evaluation, checkpoints, resume,
 * data parallelism), AdamW, the LR schedule, cross-entropy, model presets, metrics ({@code metrics.jsonl}, tokens/s,
 * MFU), progress on stderr and the loss plot. It consumes {@code llm.data} batches and a {@code llm.model}; the
 * command-line wiring of a run lives in {@code llm.run}.
 */
package llm.train;
