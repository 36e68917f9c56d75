package llm.eval;

import llm.tokenizer.Tokenizer;

/**
 * The token put before a document's first token so that the model predicts that one too, as in training: BOS when
 * the tokenizer has one (Llama, llama2.c), else end-of-text (GPT-2's {@code <|endoftext|>}, which llm.c-style
 * training puts before every document, and which lm-evaluation-harness uses as the prefix of rolling windows);
 * -1 when the tokenizer has neither (the document's first token is then context only).
 */
public final class StartToken {
    private StartToken() {}

    public static int of(Tokenizer t) {
        if (t.bos().isPresent()) {
            return t.bos().getAsInt();
        }
        return t.eos().isPresent() ? t.eos().getAsInt() : -1;
    }
}
