package llm.run;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import llm.generate.Generator;
import llm.generate.Prompt;
import llm.generate.TokenLogprob;
import llm.io.Inputs;
import llm.io.Log;
import llm.io.TokenText;
import llm.tokenizer.Tokenizer;

/** {@code llm sample}'s text in and out: the prefix read from FILES, and one sample as a {@code --json} object. */
public final class SamplePrefix {
    private SamplePrefix() {}

    /** The FILES ('-' = stdin) one after the other as text; invalid UTF-8 is replaced, with a warning per file. */
    public static String read(List<String> files) throws IOException {
        if (files.isEmpty()) {
            return "";
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String f : files) {
            int start = all.size();
            try (InputStream in = Inputs.openNamed(f)) {
                in.transferTo(all);
            }
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(all.toByteArray(), start,
                        all.size() - start));
            } catch (CharacterCodingException e) {
                Log.warn("%s: not valid UTF-8; invalid bytes replaced with U+FFFD", "-".equals(f) ? "stdin" : f);
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /**
     * One sample: {"sample", "seed", "prefix", "text" (echoed prompt and continuation), "prompt_tokens", "tokens",
     * "finish_reason", ["logprobs": [{"token_id", text, "logprob", "top": [...]}]]}.
     */
    public static JsonObject json(int index, long seed, String prefixText, byte[] echoed, Generator.Result r,
            Tokenizer tok, Prompt prompt) {
        JsonObject o = new JsonObject();
        o.addProperty("sample", index);
        o.addProperty("seed", seed);
        o.addProperty("prefix", prefixText);
        o.addProperty("text", new String(concat(echoed, r.text()), StandardCharsets.UTF_8));
        o.addProperty("prompt_tokens", prompt.ids().length);
        JsonArray ids = new JsonArray();
        for (int id : r.tokens()) {
            ids.add(id);
        }
        o.add("tokens", ids);
        o.addProperty("finish_reason", r.finish().jsonName());
        if (r.logprobs() != null) {
            JsonArray lps = new JsonArray();
            for (TokenLogprob lp : r.logprobs()) {
                JsonObject t = token(tok, lp.id(), lp.logprob());
                JsonArray top = new JsonArray();
                for (TokenLogprob.Alternative a : lp.top()) {
                    top.add(token(tok, a.id(), a.logprob()));
                }
                t.add("top", top);
                lps.add(t);
            }
            o.add("logprobs", lps);
        }
        return o;
    }

    private static JsonObject token(Tokenizer tok, int id, double logprob) {
        JsonObject t = new JsonObject();
        t.addProperty("token_id", id);
        TokenText.add(t, tok.tokenBytes(id));
        t.addProperty("logprob", logprob);
        return t;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
