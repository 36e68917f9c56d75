package llm.eval.memorize;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import llm.tokenizer.Tokenizer;

/** A test tokenizer: one token per ASCII character (id = code), id 0 is BOS. */
final class CharTokenizer implements Tokenizer {
    @Override
    public String name() {
        return "chars";
    }

    @Override
    public int vocabSize() {
        return 128;
    }

    @Override
    public int[] encode(String text) {
        return text.chars().map(c -> c < 128 ? c : '?').toArray();
    }

    @Override
    public int[] encodeWithSpecials(String text) {
        return encode(text);
    }

    @Override
    public byte[] tokenBytes(int id) {
        return id == 0 ? new byte[0] : String.valueOf((char) id).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String piece(int id) {
        return String.valueOf((char) id);
    }

    @Override
    public OptionalInt bos() {
        return OptionalInt.of(0);
    }

    @Override
    public OptionalInt eos() {
        return OptionalInt.empty();
    }
}
