package llm.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import llm.tokenizer.Tokenizer;

/**
 * The generation loop: prefill the prompt, then sample, print and feed one token at a time until the end-of-text
 * token, {@code maxTokens}, a stop string, or the end of the context.
 */
public final class Generator {
    /** Why a generation ended (the JSON field {@code finish_reason}). */
    public enum Finish {
        /** {@code --max-tokens} reached. */
        LENGTH,
        /** The model emitted its end-of-text token. */
        EOS,
        /** A stop string appeared. */
        STOP,
        /** The model's context is full. */
        CONTEXT;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param maxTokens tokens to generate at most
     * @param endIds tokens that end the generation (not printed)
     * @param stops stop strings (not printed)
     * @param logprobs K alternatives to record per token; -1 records nothing
     * @param pieceFilter applied to each token's bytes before printing (llama2.c's safe_printf), or identity
     * @param rawBytes pass the model's bytes on unchanged (llama2.c prints them so); false: malformed UTF-8
     *     becomes U+FFFD, so the output is always valid UTF-8
     * @param slide when the context is full, keep the last half of the window and go on: the stepper is prefilled
     *     afresh with those tokens (its KV cache recomputed from them — the simplest correct shift, one prefill of
     *     context / 2 tokens every context / 2 new tokens); false: end with {@link Finish#CONTEXT}
     */
    public record Options(int maxTokens, Set<Integer> endIds, List<String> stops, int logprobs,
            UnaryOperator<byte[]> pieceFilter, boolean rawBytes, boolean slide) {
        /** Ends at the context ({@code slide} false). */
        public Options(int maxTokens, Set<Integer> endIds, List<String> stops, int logprobs,
                UnaryOperator<byte[]> pieceFilter, boolean rawBytes) {
            this(maxTokens, endIds, stops, logprobs, pieceFilter, rawBytes, false);
        }
    }

    /**
     * @param tokens generated ids: the end token excluded, and after a stop string the tokens from the one it begins
     *     in (so that tokens and text agree; text keeps that token's bytes before the stop)
     * @param text the bytes passed on
     */
    public record Result(int[] tokens, byte[] text, Finish finish, List<TokenLogprob> logprobs) {}

    /** llama2.c's safe_printf: a single byte that is neither printable ASCII nor whitespace is dropped. */
    public static final UnaryOperator<byte[]> LLAMA2C_SAFE_PRINT = piece -> {
        if (piece.length == 1) {
            int c = piece[0] & 0xff;
            boolean print = c >= 0x20 && c <= 0x7e;
            boolean space = c == ' ' || (c >= 0x09 && c <= 0x0d);
            if (!print && !space) {
                return new byte[0];
            }
        }
        return piece;
    };

    private Generator() {}

    /**
     * Run one generation.
     *
     * @param prompt the ids fed first (BOS included where the model wants one), at least one, at most the context
     * @param out receives printable chunks as soon as they are safe (UTF-8 complete, not part of a stop string)
     */
    public static Result run(Stepper model, Tokenizer tok, Sampler sampler, int[] prompt, Options o,
            Consumer<byte[]> out) {
        if (prompt.length == 0 || prompt.length > model.context()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens for a context of "
                    + model.context());
        }
        TextStream stream = new TextStream(o.stops(), out, !o.rawBytes());
        int[] history = Arrays.copyOf(prompt, prompt.length + Math.max(o.maxTokens(), 0));
        int len = prompt.length;
        List<TokenLogprob> lps = o.logprobs() >= 0 ? new ArrayList<>() : null;
        Finish finish = Finish.LENGTH;
        int prev = prompt[prompt.length - 1];
        if (o.maxTokens() <= 0) {
            stream.finish();
            return new Result(new int[0], stream.emitted(), finish, lps);
        }
        float[] logits = model.prefill(prompt);
        int generated = 0;
        // bytes written up to each token's end
        long[] ends = new long[o.slide() ? o.maxTokens() : Math.min(o.maxTokens(), model.context())];
        long written = 0;
        int printable = tok.vocabSize();
        while (true) {
            // a model whose vocabulary is padded beyond its tokenizer's (llm.c pads GPT-2's 50257 to 50304): never
            // pick an id that has no text, as llm.c samples from the tokenizer's ids only
            for (int i = printable; i < logits.length; i++) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
            int id = sampler.sample(logits, history, len);
            if (o.endIds().contains(id)) {
                finish = Finish.EOS;
                break;
            }
            if (lps != null) {
                lps.add(TokenLogprob.of(logits, id, o.logprobs()));
            }
            history[len++] = id;
            generated++;
            byte[] piece = o.pieceFilter().apply(tok.tokenBytes(prev, id));
            prev = id;
            written += piece.length;
            ends[generated - 1] = written;
            if (stream.write(piece)) {
                finish = Finish.STOP;
                int kept = 0; // the tokens that end before the stop string begins
                while (kept < generated && ends[kept] <= stream.stopOffset()) {
                    kept++;
                }
                len = prompt.length + kept;
                if (lps != null) {
                    lps.subList(kept, lps.size()).clear();
                }
                break;
            }
            if (generated >= o.maxTokens()) {
                finish = Finish.LENGTH;
                break;
            }
            if (len > model.context()) { // the new token would sit at position len - 1
                if (!o.slide()) {
                    finish = Finish.CONTEXT;
                    break;
                }
                int keep = Math.max(1, model.context() / 2); // the last half of the window, the new token included
                logits = model.prefill(Arrays.copyOfRange(history, len - keep, len));
                continue;
            }
            logits = model.next(id);
        }
        stream.finish();
        return new Result(Arrays.copyOfRange(history, prompt.length, len), stream.emitted(), finish, lps);
    }
}
