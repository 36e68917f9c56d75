/**
 * The run layer, between the commands ({@code llm.cli}) and the libraries: typed hand-offs that a command calls once
 * its options are parsed. Only {@code llm.cli} imports this package; DJL types stay here and below.
 *
 * <p>Running a model ({@code sample}, {@code score}, {@code fewshot}, {@code memorize-check}, {@code info}):
 * <pre>{@code
 * ModelRef ref = ModelRef.resolve(path, tokenizerOrNull);        // --model detected once: release dir or llama2.c .bin
 * try (ModelSession s = ModelSession.open(ref, Placement.resolve(deviceSpec, threads))) { // root manager, model,
 *     Tokenizer tok = s.tokenizer();                             // tokenizer (checked against the vocabulary)
 *     double[] lp = new TokenScorer(s.logProbs(), ctx, stride, batch).score(ids);   // eval.LogProbs
 *     try (Decoder d = s.decoder(capacity)) { Generator.run(ModelSession.stepper(d), tok, ...); }
 * }
 * // sample: ModelSession.openForDecoding(ref, deviceSpec, threads) skips the engine on a CPU-only machine
 * // memorize-check: s.continuer(vocab); info: ModelFacts.read(ref) (shape, stored tensors, files, training.json)
 * }</pre>
 * The log-probability of targets is computed in one place, {@link llm.model.TargetLogProbs} ({@link
 * llm.run.ModelLogProbs} for scoring, the unfused training loss).
 */
package llm.run;
