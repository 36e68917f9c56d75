package llm.eval.fewshot;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import llm.tokenizer.Tokenizer;

/** One token per UTF-8 byte, BOS 256, EOS 257: a tokenizer for tiny-model tests. */
public final class ByteTokenizer implements Tokenizer {
    public static final int BOS = 256;
    public static final int EOS = 257;

    @Override public String name() { return "bytes"; }
    @Override public int vocabSize() { return 258; }
    @Override public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xff;
        }
        return ids;
    }
    @Override public int[] encodeWithSpecials(String text) { return encode(text); }
    @Override public byte[] tokenBytes(int id) { return id < 256 ? new byte[] {(byte) id} : new byte[0]; }
    @Override public String piece(int id) { return id < 256 ? String.valueOf((char) id) : id == BOS ? "<s>" : "</s>"; }
    @Override public OptionalInt bos() { return OptionalInt.of(BOS); }
    @Override public OptionalInt eos() { return OptionalInt.of(EOS); }
}
