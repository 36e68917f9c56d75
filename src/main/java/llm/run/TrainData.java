package llm.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import llm.compute.TrainingRun;
import llm.data.Batcher;
import llm.data.Batches;
import llm.data.Corpus;
import llm.data.CorpusBuilder;
import llm.data.CorpusOptions;
import llm.data.DataSpec;
import llm.data.EvalWindows;
import llm.data.ValSplit;
import llm.io.Log;
import llm.tokenizer.Tokenizer;

/**
 * The run's tokenized text: the training mixture (token shards under {@code --out/data}) and the validation text,
 * held out of it (--val-fraction) or given (--val-data, shards under {@code data/val}).
 *
 * @param corpus  training sources and validation tokens
 * @param mixture what training.json says about each source
 */
record TrainData(Corpus corpus, List<TrainingRun.DataSource> mixture) {
    /** Tokenizes {@code data} and {@code valData} (or reuses their shards) with {@code tokenizer}. */
    static TrainData build(TrainPlan plan, List<String> data, List<String> valData, Tokenizer tokenizer, RunDir dir)
            throws IOException {
        List<DataSpec> trainSpecs = data.stream().map(DataSpec::parse).toList();
        List<DataSpec> valSpecs = valData.stream().map(path -> new DataSpec(path, Path.of(path), 1)).toList();
        double valFraction = plan.valFraction();
        CorpusOptions options = CorpusOptions.DEFAULT.withTextField(plan.flags().textField());
        int endOfText = CorpusBuilder.endOfText(tokenizer);
        Path shards = dir.resolve(RunDir.DATA_DIR);
        ValSplit split = valSpecs.isEmpty() && valFraction > 0 ? ValSplit.tail(valFraction) : ValSplit.NONE;
        Corpus corpus = new CorpusBuilder(tokenizer, endOfText, options, split, shards).excluding(dir.path())
                .build(trainSpecs).forContext(plan.model().ctx());
        List<TrainingRun.DataSource> mixture = new ArrayList<>(corpus.describe("train"));
        if (!valSpecs.isEmpty()) {
            Corpus held = new CorpusBuilder(tokenizer, endOfText, options, ValSplit.NONE, shards.resolve("val"))
                    .excluding(dir.path()).label("val data").build(valSpecs);
            mixture.addAll(held.describe("val"));
            corpus = corpus.withValidation(held);
        }
        Log.info("data: %,.0f training tokens per pass of the mixture, %,d validation tokens", corpus.tokensPerPass(),
                corpus.val().size());
        return new TrainData(corpus, mixture);
    }

    /** Some source has a training window of {@code ctx} + 1 tokens (exit 2). */
    void checkLongEnough(int ctx) {
        long longest = corpus.sources().stream().mapToLong(source -> source.train().size()).max().orElse(0);
        if (longest < ctx + 1) {
            throw UserException.usage("the training data has " + longest + " tokens" + (corpus.sources().size() > 1
                    ? " in its longest source" : "") + ", fewer than --ctx + 1 = " + (ctx + 1)
                    + "; use more data or a smaller --ctx");
        }
    }

    /**
     * The greedy sample's prompt: --sample-prompt, else the first words of the first source's training text (see
     * {@link SamplePrompt}); null for none.
     */
    String samplePrompt(TrainFlags flags, Tokenizer tokenizer) {
        if (flags.sampleTokens() <= 0) {
            return null;
        }
        if (flags.samplePrompt() != null) {
            return flags.samplePrompt();
        }
        return corpus.sources().stream().filter(source -> source.train().size() > 0).findFirst()
                .map(source -> SamplePrompt.of(source.train(), tokenizer)).orElse(null);
    }

    /** The training batches: the mixture's windows in a seeded order. */
    Batches batches(TrainPlan plan, long seed) {
        return new Batcher(corpus.batcherSources(), plan.model().ctx(), seed).batches(plan.flags().batch());
    }

    /** The validation windows (none, with a warning, when the validation text is shorter than a window). */
    EvalWindows validation(TrainPlan plan) {
        TrainFlags flags = plan.flags();
        EvalWindows windows = new EvalWindows(corpus.val(), plan.model().ctx(), flags.evalBatches() * flags.batch());
        if (windows.count() == 0 && (plan.valFraction() > 0 || !flags.valData().isEmpty())) {
            Log.warn("no validation loss: the validation text has fewer than --ctx + 1 tokens");
        }
        return windows;
    }
}
