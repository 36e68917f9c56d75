package llm.data;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import llm.tokenizer.Tokenizer;

/** A trivial tokenizer for tests: one token per UTF-8 byte, id 256 is end-of-text. */
class ByteTokenizer implements Tokenizer {
    static final int EOT = 256;

    @Override
    public String name() {
        return "bytes (257 tokens)";
    }

    @Override
    public int vocabSize() {
        return 257;
    }

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xFF;
        }
        return ids;
    }

    @Override
    public int[] encodeWithSpecials(String text) {
        return encode(text);
    }

    @Override
    public byte[] tokenBytes(int id) {
        return id == EOT ? "<|endoftext|>".getBytes(StandardCharsets.UTF_8) : new byte[] {(byte) id};
    }

    @Override
    public String piece(int id) {
        return id == EOT ? "<|endoftext|>" : String.format("<0x%02X>", id);
    }

    @Override
    public OptionalInt bos() {
        return OptionalInt.empty();
    }

    @Override
    public OptionalInt eos() {
        return OptionalInt.of(EOT);
    }
}
