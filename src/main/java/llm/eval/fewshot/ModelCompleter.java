package llm.eval.fewshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import llm.engine.Engines;
import llm.io.Log;
import llm.model.KvCache;
import llm.model.LanguageModel;
import llm.tokenizer.Tokenizer;

/**
 * {@link Completer} with a {@link LanguageModel}: the prompt goes through one forward into a KV cache, then one token
 * at a time is picked from the last logits ({@code pick}: greedy, or a sampler) until a stop string appears in the
 * decoded continuation, the end of text (EOS, or BOS which delimits llama2.c's stories), or {@code maxTokens}.
 * A prompt too long for the context keeps its last tokens, leaving room for {@code maxTokens}.
 */
public final class ModelCompleter implements Completer {
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final NDManager manager;
    private final ToIntFunction<float[]> pick;

    public ModelCompleter(LanguageModel model, Tokenizer tokenizer, NDManager manager, ToIntFunction<float[]> pick) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.pick = pick;
    }

    /** The index of the largest logit: greedy decoding. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static String quote(String s) {
        return "'" + s.replace("\n", "\\n") + "'";
    }

    /** Prompt ids as the model sees them: BOS (if the tokenizer has one) and the encoded prompt. */
    public int[] promptIds(String prompt) {
        int[] ids = tokenizer.encode(prompt);
        if (tokenizer.bos().isPresent()) {
            int[] withBos = new int[ids.length + 1];
            withBos[0] = tokenizer.bos().getAsInt();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            ids = withBos;
        }
        return ids;
    }

    @Override
    public String complete(String prompt, List<String> stops, int maxTokens) {
        int ctx = model.config().ctx();
        int[] ids = promptIds(prompt);
        int room = Math.max(1, Math.min(maxTokens, ctx - 1));
        if (ids.length + room > ctx) {
            Log.debug("prompt of %d tokens keeps its last %d to leave room for %d new ones", ids.length, ctx - room, room);
            ids = Arrays.copyOfRange(ids, ids.length - (ctx - room), ids.length);
        }
        int eos = tokenizer.eos().orElse(-1);
        int bos = tokenizer.bos().orElse(-1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String text = "";
        try (NDManager s = Engines.step(manager);
             KvCache cache = model.newCache(s, 1, Math.min(ctx, ids.length + room))) {
            float[] logits;
            try (NDManager step = Engines.step(s)) {
                logits = model.forward(step.create(ids, new Shape(1, ids.length)), cache, true).toFloatArray();
            }
            int prev = ids[ids.length - 1];
            for (int n = 0; n < room; n++) {
                int next = pick.applyAsInt(logits);
                if (next == eos || next == bos) {
                    break;
                }
                bytes.writeBytes(tokenizer.tokenBytes(prev, next));
                text = bytes.toString(StandardCharsets.UTF_8);
                int stop = Stops.firstIndex(text, stops);
                if (stop >= 0) {
                    Log.debug("stopped after %d tokens at %s", n + 1, quote(text.substring(stop)));
                    return text.substring(0, stop);
                }
                prev = next;
                if (n + 1 == room || cache.length() >= cache.capacity()) {
                    break;
                }
                try (NDManager step = Engines.step(s)) {
                    NDArray x = step.create(new int[] {next}, new Shape(1, 1));
                    logits = model.forward(x, cache, true).toFloatArray();
                }
            }
        }
        return text;
    }
}
