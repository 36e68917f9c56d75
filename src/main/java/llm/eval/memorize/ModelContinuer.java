package llm.eval.memorize;

import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import llm.model.Decoder;
import llm.model.LanguageModel;

/**
 * Batched continuation on a {@link LanguageModel} through the model's {@link Decoder}: one prefill of the B prompts,
 * then one step of B tokens per generated position, against a KV cache; only the last logits (B, V) reach Java.
 * On the CPU the decoder is plain Java and rows keep their own positions, so prompts of different lengths share a
 * batch ({@link #ragged()}); with the DJL decoder (GPU) a batch holds prompts of one length.
 *
 * <p>Decoders are kept per batch size and reset between batches (the Java decoder copies the weights once when it is
 * made); close this to free them.
 */
public final class ModelContinuer implements Continuer, AutoCloseable {
    private final LanguageModel model;
    private final NDManager root;
    private final int threads;
    private final boolean ragged;
    private final Map<Integer, Decoder> decoders = new HashMap<>();

    /** @param threads CPU threads for the Java decoder (0 = all cores) */
    public ModelContinuer(LanguageModel model, NDManager root, int threads) {
        this.model = model;
        this.root = root;
        this.threads = threads;
        this.ragged = decoder(1, 1).impl() == Decoder.Impl.JAVA;
    }

    @Override
    public int maxLength() {
        return model.config().ctx();
    }

    @Override
    public boolean ragged() {
        return ragged;
    }

    /** A reset decoder of {@code batch} rows holding at least {@code capacity} positions. */
    private Decoder decoder(int batch, int capacity) {
        Decoder d = decoders.get(batch);
        if (d != null && d.capacity() < capacity) {
            d.close();
            d = null;
        }
        if (d == null) {
            d = new Decoder(model, root, batch, capacity, Decoder.Impl.AUTO, threads);
            decoders.put(batch, d);
        }
        d.reset();
        return d;
    }

    @Override
    public int[][] continueBatch(int[][] prompts, int steps, Picker picker) {
        int b = prompts.length;
        int[][] out = new int[b][steps];
        if (steps == 0) {
            return out;
        }
        int longest = 0;
        for (int[] p : prompts) {
            longest = Math.max(longest, p.length);
        }
        Decoder dec = decoder(b, longest + steps - 1);
        float[][] logits = dec.feed(prompts); // (B, V) after each prompt's last token
        int[] next = new int[b];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < b; i++) {
                next[i] = picker.pick(i, logits[i]);
                out[i][t] = next[i];
            }
            if (t + 1 < steps) {
                logits = dec.next(next); // (B, V)
            }
        }
        return out;
    }

    @Override
    public void close() {
        decoders.values().forEach(Decoder::close);
        decoders.clear();
    }
}
