package llm.generate;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import llm.UserException;
import llm.io.Log;
import llm.tokenizer.Tokenizer;

/**
 * The ids fed to the model for a prefix text, and how many leading ids were added (BOS, or GPT-2's end-of-text) and
 * are not text.
 */
public record Prompt(int[] ids, int added) {
    /**
     * The prompt for {@code text}: BOS first where the model was trained with it ({@code bosFirst}: llama), else a
     * start token only when the text is empty (end-of-text, or BOS). A prefix longer than the context keeps its last
     * tokens, leaving room for up to half the context of the {@code maxTokens} to generate (with a warning).
     */
    public static Prompt of(Tokenizer tok, String text, boolean bosFirst, int ctx, int maxTokens) {
        int[] body = text.isEmpty() ? new int[0] : tok.encode(text);
        int start = -1;
        if (bosFirst && tok.bos().isPresent()) {
            start = tok.bos().getAsInt();
        } else if (body.length == 0) {
            if (tok.eos().isPresent()) {
                start = tok.eos().getAsInt();
            } else if (tok.bos().isPresent()) {
                start = tok.bos().getAsInt();
            } else {
                throw UserException.usage("the prefix is empty and the tokenizer has no BOS/end-of-text token to"
                        + " start from; give --prefix");
            }
        }
        int added = start >= 0 ? 1 : 0;
        if (body.length + added > ctx) {
            int room = Math.max(1, ctx - added - Math.min(Math.max(maxTokens, 1) - 1, ctx / 2));
            Log.warn("the prefix has %d tokens, more than the model's context of %d: keeping its last %d", body.length,
                    ctx, room);
            body = Arrays.copyOfRange(body, body.length - room, body.length);
        }
        int[] ids = new int[body.length + added];
        if (added == 1) {
            ids[0] = start;
        }
        System.arraycopy(body, 0, ids, added, body.length);
        return new Prompt(ids, added);
    }

    /** The text's bytes as the model's tokens print them (the added start token left out), through {@code filter}. */
    public byte[] echo(Tokenizer tok, UnaryOperator<byte[]> filter) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = added == 1 ? ids[0] : -1;
        for (int i = added; i < ids.length; i++) {
            b.writeBytes(filter.apply(tok.tokenBytes(prev, ids[i])));
            prev = ids[i];
        }
        return b.toByteArray();
    }
}
