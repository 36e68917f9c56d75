package llm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import llm.tokenizer.ByteLevelBpeTokenizer;
import llm.tokenizer.Llama2cTokenizer;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.TokenizerJson;
import org.junit.jupiter.api.Tag;

/** Tokenizer files: a HuggingFace tokenizer.json (our byte-level BPE reader) and a llama2.c tokenizer.bin. */
@Tag("fuzz")
class TokenizerFilesFuzz {
    private static final String SAMPLE = "Once upon a time, 1.6B tokens said \"héllo\" 👋\n\n<|endoftext|>  x";

    /** tokenizer.json as Tokenizers.load reads it, then a round trip of a sample text through the tokenizer. */
    @FuzzTest
    void tokenizerJson(byte[] data) throws Exception {
        String text = new String(data, StandardCharsets.UTF_8);
        Contract.holds(() -> {
            TokenizerJson j = TokenizerJson.parse(text, "tokenizer.json");
            if (j.isGpt2StyleByteLevelBpe()) {
                use(ByteLevelBpeTokenizer.fromJson(j));
            }
        });
    }

    /** A llama2.c tokenizer.bin (max length, then score, length, bytes per piece), then a round trip. */
    @FuzzTest
    void tokenizerBin(byte[] data) throws Exception {
        Contract.holds(() -> use(Llama2cTokenizer.parse(data, "tokenizer.bin")));
    }

    private static void use(Tokenizer t) {
        int[] ids = t.encode(SAMPLE);
        t.encodeWithSpecials(SAMPLE);
        int prev = -1;
        for (int id : ids) {
            t.tokenBytes(prev, id);
            prev = id;
        }
        t.vocabSize();
    }
}
