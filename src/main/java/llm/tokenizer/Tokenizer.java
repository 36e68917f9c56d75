package llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Text to token ids and back. Implementations: a HuggingFace {@code tokenizer.json}, a llama2.c {@code tokenizer.bin},
 * and a release directory's tokenizer. Ids are {@code 0 <= id < vocabSize()}.
 */
public interface Tokenizer {
    /** A short human description, e.g. {@code "tokenizer.json (byte-level BPE, 50257 tokens)"}. */
    String name();

    int vocabSize();

    /**
     * Encode {@code text} the way the model saw text in training (llama2.c tokenizers add their dummy-prefix space).
     * Special tokens written in the text ({@code <|endoftext|>}) are treated as plain text. No BOS/EOS is added.
     */
    int[] encode(String text);

    /** Like {@link #encode(String)}, but special tokens written in the text become their ids. */
    int[] encodeWithSpecials(String text);

    /** The raw bytes token {@code id} contributes to the text (a byte-fallback token is its one byte). */
    byte[] tokenBytes(int id);

    /**
     * The bytes token {@code id} contributes when it follows {@code previous} (-1 at the start). llama2.c drops the
     * leading space of the first piece after BOS or at the start (its dummy prefix), and prints nothing for BOS/EOS;
     * most tokenizers ignore {@code previous}. Stream these through a {@link Utf8StreamDecoder} to print text.
     */
    default byte[] tokenBytes(int previous, int id) {
        return tokenBytes(id);
    }

    /** The token's piece as a readable string (for {@code --pieces}), e.g. {@code "Ġthe"} or {@code "<0x0A>"}. */
    String piece(int id);

    /**
     * Encode text that continues earlier text, for encoding a long input in chunks ({@link StreamEncoder}) cut where
     * {@link #canCutAt} allows; the concatenated chunk encodings then equal the encoding of the whole text.
     * llama2.c tokenizers leave out their dummy-prefix space here.
     */
    default int[] encodeContinuation(String text, boolean specials) {
        return specials ? encodeWithSpecials(text) : encode(text);
    }

    /**
     * True when no token can span position {@code p} of {@code s} (between {@code s[p-1]} and {@code s[p]}),
     * whatever text comes before or after the characters it looks at, so that encoding {@code s[..p)} and
     * continuing with {@code s[p..)} gives the ids of encoding {@code s} whole. False (the default) means: no cut.
     */
    default boolean canCutAt(CharSequence s, int p) {
        return false;
    }

    /** True for special/control tokens (BOS, EOS, {@code <|endoftext|>}, {@code <unk>}). */
    default boolean isSpecial(int id) {
        return bos().orElse(-1) == id || eos().orElse(-1) == id;
    }

    /** Beginning-of-sequence id, if the tokenizer has one. */
    OptionalInt bos();

    /** End-of-sequence / end-of-text id, if the tokenizer has one. */
    OptionalInt eos();

    /** Decode ids to text; invalid UTF-8 (a sequence cut mid-character) becomes U+FFFD. */
    default String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int prev = -1;
        for (int id : ids) {
            bytes.writeBytes(tokenBytes(prev, id));
            prev = id;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
