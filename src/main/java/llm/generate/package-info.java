/**
 * Generation over {@code float[]} logits, free of DJL: {@link llm.generate.Sampler} (greedy, temperature, top-k,
 * top-p, min-p, repetition penalty, from {@link llm.generate.SamplingParams} and a seed), the loop
 * {@link llm.generate.Generator#run} over a {@link llm.generate.Stepper} (one token in, the next logits out) with
 * end tokens, stop strings and log-probs, and {@link llm.generate.TextStream} (UTF-8-safe text as it is generated).
 */
package llm.generate;
