package llm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalInt;
import llm.UserException;

/**
 * Any HuggingFace {@code tokenizer.json}, encoded by DJL's binding of HF {@code tokenizers}
 * (no truncation, no padding, no added special tokens). Token bytes and pieces come from the vocabulary in Java:
 * byte-level vocabularies are mapped back through GPT-2's byte alphabet, SentencePiece-style ones turn
 * {@code ▁} into a space and {@code <0xNN>} into its byte.
 *
 * <p>Limitation: HF {@code tokenizers} always splits added special tokens out of the text, so on this path
 * {@link #encode(String)} parses {@code <|endoftext|>} like {@link #encodeWithSpecials(String)} does. GPT-2-style
 * tokenizers take the Java path ({@link ByteLevelBpeTokenizer}), which treats them as plain text.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private final TokenizerJson json;
    private final HuggingFaceTokenizer hf;
    private final byte[][] bytes;
    private final OptionalInt bos;
    private final OptionalInt eos;

    private HfTokenizer(TokenizerJson json, HuggingFaceTokenizer hf) {
        this.json = json;
        this.hf = hf;
        String[] tokens = json.idToToken();
        this.bytes = new byte[tokens.length][];
        boolean metaspace = json.decoderJson().contains("Metaspace") || json.decoderJson().contains("\u2581")
                || "Metaspace".equals(json.preTokenizerType());
        boolean byteLevelDecoder = json.byteLevel() || json.decoderJson().contains("ByteLevel");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t == null) {
                bytes[i] = new byte[0];
            } else if (json.addedTokens().containsKey(t)) {
                bytes[i] = t.getBytes(StandardCharsets.UTF_8);
            } else if (byteLevelDecoder) {
                bytes[i] = ByteLevel.decode(t);
            } else if (json.byteFallback() && t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
                bytes[i] = new byte[] {(byte) Integer.parseInt(t.substring(3, 5), 16)};
            } else if (metaspace) {
                bytes[i] = t.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
            } else {
                bytes[i] = t.getBytes(StandardCharsets.UTF_8);
            }
        }
        this.bos = special(json, "<s>", "<|begin_of_text|>", "<bos>", "[CLS]");
        this.eos = special(json, "<|endoftext|>", "</s>", "<|end_of_text|>", "<eos>", "[SEP]");
    }

    public static HfTokenizer load(Path path) {
        TokenizerJson json = TokenizerJson.load(path);
        return new HfTokenizer(json, open(path));
    }

    static HuggingFaceTokenizer open(Path path) {
        try {
            return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(path.toAbsolutePath())
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            int nl = msg.indexOf('\n');
            throw UserException.runtime(path + ": HuggingFace tokenizers cannot load it: "
                    + (nl < 0 ? msg : msg.substring(0, nl)));
        }
    }

    private static OptionalInt special(TokenizerJson json, String... names) {
        for (String n : names) {
            Integer id = json.addedTokens().get(n);
            if (id != null) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    public TokenizerJson json() {
        return json;
    }

    @Override
    public String name() {
        return "tokenizer.json " + json.source() + " (" + json.modelType() + ", " + vocabSize() + " tokens, HF tokenizers)";
    }

    @Override
    public int vocabSize() {
        return bytes.length;
    }

    @Override
    public int[] encode(String text) {
        return encodeWithSpecials(text);
    }

    @Override
    public int[] encodeWithSpecials(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        long[] ids = hf.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** Encode many texts at once (HF's batch encode runs them in parallel). */
    public int[][] batchEncode(java.util.List<String> texts) {
        var encs = hf.batchEncode(texts, false, false);
        int[][] out = new int[encs.length][];
        for (int k = 0; k < encs.length; k++) {
            long[] ids = encs[k].getIds();
            out[k] = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[k][i] = (int) ids[i];
            }
        }
        return out;
    }

    /** HF's own decode (for comparison in tests). */
    public String hfDecode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return hf.decode(l, false);
    }

    @Override
    public byte[] tokenBytes(int id) {
        check(id);
        return bytes[id].clone();
    }

    @Override
    public String piece(int id) {
        check(id);
        String t = json.idToToken()[id];
        return t == null ? "" : t;
    }

    @Override
    public OptionalInt bos() {
        return bos;
    }

    @Override
    public OptionalInt eos() {
        return eos;
    }

    @Override
    public boolean isSpecial(int id) {
        String t = id >= 0 && id < bytes.length ? json.idToToken()[id] : null;
        return t != null && Boolean.TRUE.equals(json.addedSpecial().get(t));
    }

    private void check(int id) {
        if (id < 0 || id >= bytes.length) {
            throw UserException.runtime("token id " + id + " is out of range for " + json.source() + " (vocab size "
                    + bytes.length + ")");
        }
    }

    @Override
    public void close() {
        hf.close();
    }
}
