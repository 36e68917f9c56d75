/**
 * The run layer, between the commands ({@code llm.cli}) and the libraries: what a command does once its options are
 * parsed, as typed hand-offs a reader can follow from flags to files. Only {@code llm.cli} imports this package, and
 * a command here reads as "parse, call, print".
 *
 * <p>Training ({@code llm train}):
 * <ol>
 *   <li>{@link llm.run.TrainFlags}: the options as given (a record built by name);</li>
 *   <li>{@link llm.run.TrainPlan}: the flags checked and resolved — preset, architecture and size, budget (steps,
 *       accumulation), learning-rate schedule — before anything is read or written; one
 *       {@link llm.model.ModelConfig} once the vocabulary is known;</li>
 *   <li>{@link llm.run.RunDir}: the output directory ({@code --out}): run.json and the argument merging of
 *       {@code --resume}, kept copies of stdin and pipes ({@code data/input-N}), the {@code --overwrite}
 *       set-aside and restore, the checkpoint, and {@link llm.run.Leftovers} (what a run stopped before its first
 *       step removes again);</li>
 *   <li>{@link llm.run.TrainSession}: the checks that need the file system, then tokenizer, corpus
 *       ({@code TrainData}), model, {@link llm.train.Trainer}, and the release with training.json
 *       ({@code ReleaseRecord}).</li>
 * </ol>
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
 *
 * <p>What the other commands do between their options and their output: {@link llm.run.TokenListing} (tokenize's
 * ids, pieces, counts and JSON Lines), {@link llm.run.SamplePrefix} (sample's prefix files and {@code --json}
 * record), {@link llm.run.FewshotAnswers}, {@link llm.run.FewshotChat} and {@link llm.run.FewshotChoices} (fewshot's
 * queries and --eval, --chat, --choices).
 */
package llm.run;
