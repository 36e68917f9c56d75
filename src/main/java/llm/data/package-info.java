/**
 * Training data: from {@code --data PATH[:WEIGHT]} specs to (B, T+1) windows of token ids; the one data pipeline of
 * {@code llm train} ({@code llm.run.TrainData} builds it, {@link llm.train.Trainer} consumes {@link
 * llm.data.Batches} and {@link llm.data.EvalWindows}). No DJL here.
 *
 * <pre>{@code
 * List<DataSpec> specs = dataFlags.stream().map(DataSpec::parse).toList();          // "wiki.txt:10"
 * CorpusOptions opts = CorpusOptions.DEFAULT.withTextField(textField);              // --text-field
 * CorpusBuilder builder = new CorpusBuilder(tokenizer, CorpusBuilder.endOfText(tokenizer), opts, // EOT after each doc
 *         ValSplit.tail(0.05), out.resolve("data"))                                 // null dir: tokens in memory
 *         .excluding(out);                                  // the run's own files are not data, even inside --data DIR
 * Corpus corpus = builder.build(specs).forContext(ctx);     // sources shorter than ctx + 1 tokens count as unused
 * // --val-data: corpus = corpus.withValidation(new CorpusBuilder(..., ValSplit.NONE, dir).build(valSpecs));
 *
 * Batcher batcher = new Batcher(corpus.batcherSources(), ctx, seed);
 * int[] batch = batcher.next(B);                   // (B, T+1), row-major
 * int[] x = Batcher.inputs(batch, ctx);            // (B, T)
 * int[] y = Batcher.targets(batch, ctx);           // (B, T)
 * String position = batcher.state().toJson();      // into the checkpoint
 * batcher.restore(Batcher.State.fromJson(position)); // on --resume (same data, ctx and seed)
 * Batches stream = batcher.batches(B);             // the Trainer's view: next(), state() and restore(String)
 *
 * EvalWindows val = new EvalWindows(corpus.val(), ctx, 64);   // the same windows at every evaluation
 * int[] vb = val.batch(0, B);
 * List<TrainingRun.DataSource> mixture = corpus.describe("train");  // for TrainingRun.of(...)
 * }</pre>
 *
 * <p>Readers: {@link llm.data.CorpusReader} (plain text cut at {@code <|endoftext|>} lines or WikiText article
 * headings, JSON Lines, tar, directories, compressed by content; {@code -} is stdin, and stdin, pipes and process
 * substitutions are read in one pass). Tokens: {@link llm.data.Tokens} (in memory or
 * {@link llm.data.ShardTokens} on disk, written by {@link llm.data.TokenWriter} in {@link llm.data.TokenShard}
 * format). Token shards: {@link llm.data.TokenShard} (the llm.c format and the one shard sniff,
 * {@link llm.data.TokenShard#isShard(java.io.InputStream)}), {@link llm.data.ShardStreams} (shards larger than
 * memory: a streaming writer, a block reader, {@code tokenize --bin}'s output to a file or stdout) and
 * {@link llm.data.TokenDecoder} (a shard or text ids back to text, {@code tokenize --decode}).
 */
package llm.data;
