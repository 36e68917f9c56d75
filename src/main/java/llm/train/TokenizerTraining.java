package llm.train;

import java.nio.file.Path;
import java.util.List;
import llm.UserException;

/** {@code --vocab-size N}: train a byte-level BPE tokenizer on the training data before the model. */
public final class TokenizerTraining {
    private TokenizerTraining() {}

    /** Train an N-token tokenizer on the {@code --data} specs and write it to {@code out} (tokenizer.json). */
    public static void train(List<String> specs, int vocabSize, String textField, Path out) {
        throw UserException.usage("--vocab-size: the tokenizer trainer is not available in this build yet;"
                + " train one with 'llm tokenize' and pass --tokenizer");
    }
}
