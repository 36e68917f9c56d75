package llm.eval.fewshot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import llm.generate.Sampler;
import llm.generate.Stepper;
import llm.io.Log;
import llm.tokenizer.Tokenizer;

/**
 * {@link Completer} over a {@link Stepper} (the model, step by step) and a {@link Sampler} (greedy or sampling): the
 * prompt is prefilled, then one token at a time is picked until a stop string appears in the decoded continuation,
 * an end token, or {@code maxTokens}. A prompt too long for the context keeps its last tokens, leaving room for
 * {@code maxTokens}.
 *
 * <p>Not {@link llm.generate.Generator}: that loop streams text and stops at a stop string wherever it appears; here
 * nothing is streamed, and stops count only after the continuation's leading spaces ({@link Stops#firstIndex}), so
 * that {@code --stop ' '} ends a one-word answer instead of coming before it.
 */
public final class GenerationCompleter implements Completer {
    private final Stepper model;
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final Set<Integer> endIds;
    private final int start;
    private boolean warnedLong;

    /**
     * @param endIds tokens that end the answer (EOS; BOS for llama2.c models, whose stories are delimited by it)
     * @param start the id fed before the prompt (BOS for llama models), or -1
     */
    public GenerationCompleter(Stepper model, Tokenizer tokenizer, Sampler sampler, Set<Integer> endIds, int start) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.sampler = sampler;
        this.endIds = Set.copyOf(endIds);
        this.start = start;
    }

    /** Prompt ids as the model sees them: the start id (if any) and the encoded prompt. */
    public int[] promptIds(String prompt) {
        int[] body = tokenizer.encode(prompt);
        if (start < 0 && body.length > 0) {
            return body;
        }
        int[] ids = new int[body.length + 1];
        ids[0] = start >= 0 ? start : tokenizer.eos().orElse(0);
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    @Override
    public String complete(String prompt, List<String> stops, int maxTokens) {
        int ctx = model.context();
        int[] ids = promptIds(prompt);
        int room = Math.max(1, Math.min(maxTokens, ctx - 1));
        if (ids.length + room > ctx) {
            if (!warnedLong) { // once: the instruction and the first examples are what the model does not see
                warnedLong = true;
                Log.warn("a prompt of %d tokens does not fit the model's context of %d with room for %d new ones: "
                        + "keeping its last %d (fewer --shots?)", ids.length, ctx, room, ctx - room);
            } else {
                Log.debug("prompt of %d tokens keeps its last %d to leave room for %d new ones", ids.length, ctx - room,
                        room);
            }
            ids = Arrays.copyOfRange(ids, ids.length - (ctx - room), ids.length);
        }
        int[] history = Arrays.copyOf(ids, ids.length + room);
        int len = ids.length;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String text = "";
        float[] logits = model.prefill(ids);
        int prev = ids[ids.length - 1];
        for (int n = 0; n < room; n++) {
            for (int i = tokenizer.vocabSize(); i < logits.length; i++) {
                logits[i] = Float.NEGATIVE_INFINITY; // ids of a padded vocabulary have no text (as in Generator)
            }
            int next = sampler.sample(logits, history, len);
            if (endIds.contains(next)) {
                break;
            }
            history[len++] = next;
            bytes.writeBytes(tokenizer.tokenBytes(prev, next));
            text = bytes.toString(StandardCharsets.UTF_8);
            int stop = Stops.firstIndex(text, stops);
            if (stop >= 0) {
                Log.debug("stopped after %d tokens at '%s'", n + 1, text.substring(stop).replace("\n", "\\n"));
                return text.substring(0, stop);
            }
            prev = next;
            if (n + 1 < room) {
                logits = model.next(next);
            }
        }
        return text;
    }
}
