package llm.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import llm.data.CorpusOptions;
import llm.data.CorpusReader;
import llm.data.DataSpec;
import llm.io.Log;
import llm.tokenizer.BpeTrainer;

/** {@code --vocab-size N}: train a byte-level BPE tokenizer on the training data before the model. */
public final class TokenizerTraining {
    private TokenizerTraining() {}

    /**
     * Train an N-token byte-level BPE (GPT-2 pre-tokenization, {@code <|endoftext|>} last) on one pass of each
     * {@code --data} source (weights are not applied; token shards are skipped) and write it to {@code out}.
     */
    public static void train(List<String> specs, int vocabSize, String textField, Path out) throws IOException {
        train(specs, vocabSize, textField, out, null);
    }

    /**
     * As {@link #train(List, int, String, Path)}, leaving the directory tree {@code excluded} (the run's --out; null:
     * none) out of --data directories, as {@link llm.data.CorpusBuilder#excluding} does. Stdin ({@code -}) and pipes
     * are copied whole to a temporary file first and read from it, for the data pass that follows.
     */
    public static void train(List<String> specs, int vocabSize, String textField, Path out, Path excluded)
            throws IOException {
        long t0 = System.nanoTime();
        BpeTrainer trainer = new BpeTrainer(vocabSize);
        long[] chars = {0};
        CorpusReader reader = new CorpusReader(CorpusOptions.DEFAULT.withTextField(textField))
                .excluding(excluded == null ? List.of() : List.of(excluded));
        for (String spec : specs) {
            Path path = DataSpec.parse(spec).path();
            llm.io.Inputs.replayable(path.toString()); // stdin or a pipe: read again by the data pass
            reader.readText(path, text -> {
                trainer.add(text);
                chars[0] += text.length();
            });
        }
        if (chars[0] == 0) {
            throw llm.UserException.runtime(String.join(", ", specs) + ": no text to train the --vocab-size tokenizer"
                    + " on (empty, or token shards only: give a shard's --tokenizer instead)");
        }
        byte[] json = trainer.toJson();
        llm.io.AtomicFile.write(out, json);
        int got = llm.tokenizer.Tokenizers.load(out).vocabSize();
        Log.info("tokenizer: trained a %d-token byte-level BPE on %,d characters (%.1fs)%s", got, chars[0],
                (System.nanoTime() - t0) / 1e9, got < vocabSize ? "; --vocab-size " + vocabSize + " asked for more"
                        + " than this text has merges" : "");
    }
}
