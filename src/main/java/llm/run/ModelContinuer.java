package llm.run;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import llm.eval.memorize.Continuer;
import llm.model.Decoder;
import llm.model.LanguageModel;

/**
 * Batched continuation on a {@link LanguageModel} through the model's {@link Decoder}: one prefill of the B prompts,
 * then one step of B tokens per generated position, against a KV cache; only the last logits (B, V) reach Java.
 * On the CPU the decoder is plain Java and rows keep their own positions, so prompts of different lengths share a
 * batch ({@link #ragged()}); with the DJL decoder (GPU) a batch holds prompts of one length.
 *
 * <p>Which decoder: a batch of 8 or more prompts of one length goes to the DJL decoder even on the CPU, since its
 * matrix products (BLAS) then beat the Java decoder, which gains nothing from batching (bench/memorize.sh: 2.8× on the
 * default model at batch 32); single prompts and ragged batches go to the model's default (Java on the CPU). The
 * system property {@code llm.decoder} overrides the choice. Decoders are kept per batch size and decoder, and reset
 * between batches (the Java decoder copies the weights once when it is made; of DJL decoders only the last one made
 * is kept, since on the CPU each holds MKL-packed copies of the weights); close this to free them. Greedy batches on
 * the DJL decoder take each row's arg max in libtorch: (B) ids come back, not (B, V) floats.
 */
public final class ModelContinuer implements Continuer, AutoCloseable {
    private final LanguageModel model;
    private final NDManager root;
    private final int threads;
    private final boolean ragged;
    /** Ids from this one up have no text in the tokenizer (a padded model vocabulary): never picked. */
    private final int vocabLimit;
    private final Map<String, Decoder> decoders = new HashMap<>();
    /** The model's parameter count, for {@link #useDjl}. */
    private final long params;
    private final double djlMinRowParams;
    /**
     * Rows the Java decoder takes at once; larger batches are continued in parts of this many. It gains nothing from
     * more rows (each row its own products over weights that stay in the caches), and stories260K checked 7% fewer
     * documents/s in batches of 128 than of 32 (bench/RESULTS.md, issue 20).
     */
    static final int JAVA_MAX_ROWS = 32;
    /** Rows from which a rectangular batch may go to the DJL decoder. */
    static final int DJL_MIN_ROWS = 8;
    /**
     * Rows × parameters from which it does: below, the Java decoder (one pass over the weights for all rows) is as
     * fast or faster than libtorch's batched products. Measured on the 2-core AMD EPYC with MKL's AVX-512 path
     * (documents/s, Java against DJL; bench/RESULTS.md; on MKL's generic path DJL is slower still): 1.35M parameters
     * × 8 rows 25.3 / 14.2, × 32 23.1 / 20.2; 3.3M × 8 30.0 / 17.8, × 32 29.7 / 30.7; 6.8M × 8 18.4 / 13.1,
     * × 32 16.1 / 21.6; 15M × 8 10.2 / 15.7.
     */
    static final double DJL_MIN_ROW_PARAMS = 1e8;

    /** @param threads CPU threads for the Java decoder (0 = all cores) */
    public ModelContinuer(LanguageModel model, NDManager root, int threads) {
        this(model, root, threads, model.config().vocabSize());
    }

    /**
     * @param threads    CPU threads for the Java decoder (0 = all cores)
     * @param vocabLimit the tokenizer's vocabulary size: a model whose vocabulary is padded beyond it (llm.c pads
     *                   GPT-2's 50257 to 50304) never continues with an id the tokenizer cannot print
     */
    public ModelContinuer(LanguageModel model, NDManager root, int threads, int vocabLimit) {
        this(model, root, threads, vocabLimit, DJL_MIN_ROW_PARAMS);
    }

    /** @param djlMinRowParams rows × parameters from which a rectangular batch goes to DJL (tests: 0) */
    ModelContinuer(LanguageModel model, NDManager root, int threads, int vocabLimit, double djlMinRowParams) {
        this.djlMinRowParams = djlMinRowParams;
        this.model = model;
        this.root = root;
        this.threads = threads;
        this.vocabLimit = vocabLimit;
        this.params = model.parameters().stream().mapToLong(p -> p.array().size()).sum();
        // (asked, not a decoder made to find out: the Java one copies every weight, for nothing where every batch
        // then goes to libtorch — a 124M model's 500 MB)
        this.ragged = Decoder.resolve(model, Decoder.Impl.AUTO) == Decoder.Impl.JAVA;
    }

    /** Whether a rectangular batch of {@code rows} prompts goes to the DJL decoder, for a model of {@code params}. */
    static boolean useDjl(int rows, long params, double minRowParams) {
        return rows >= DJL_MIN_ROWS && (double) rows * params >= minRowParams;
    }

    /** Whether some batch went to the DJL decoder (for tests). */
    boolean usedDjl() {
        return decoders.keySet().stream().anyMatch(k -> k.endsWith("/" + Decoder.Impl.DJL));
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
    private Decoder decoder(int batch, int capacity, Decoder.Impl impl) {
        String key = batch + "/" + impl;
        Decoder d = decoders.get(key);
        if (d != null && d.capacity() < capacity) {
            d.close();
            d = null;
        }
        if (d == null) {
            if (impl == Decoder.Impl.DJL) { // one DJL decoder at a time: each holds packed copies of the weights
                decoders.entrySet().removeIf(e -> {
                    boolean djl = e.getKey().endsWith("/" + Decoder.Impl.DJL);
                    if (djl) {
                        e.getValue().close();
                    }
                    return djl;
                });
            }
            d = new Decoder(model, root, batch, capacity, impl, threads);
            decoders.put(key, d);
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
        boolean rectangular = true;
        for (int[] p : prompts) {
            longest = Math.max(longest, p.length);
            rectangular &= p.length == prompts[0].length;
        }
        boolean djl = rectangular && useDjl(b, params, djlMinRowParams) && System.getProperty("llm.decoder") == null;
        Decoder.Impl impl = djl ? Decoder.Impl.DJL : Decoder.Impl.AUTO;
        if (b > JAVA_MAX_ROWS && Decoder.resolve(model, impl) == Decoder.Impl.JAVA) {
            for (int from = 0; from < b; from += JAVA_MAX_ROWS) { // (a sampling picker sees its rows' own indices)
                int to = Math.min(b, from + JAVA_MAX_ROWS), first = from;
                int[][] part = continueBatch(Arrays.copyOfRange(prompts, from, to), steps,
                        picker == Continuer.GREEDY ? picker : (row, logits) -> picker.pick(first + row, logits));
                System.arraycopy(part, 0, out, from, to - from);
            }
            return out;
        }
        Decoder dec = decoder(b, longest + steps - 1, impl);
        if (picker == Continuer.GREEDY && dec.impl() == Decoder.Impl.DJL) { // the arg max in libtorch: B ids back
            int[] next = dec.feedGreedy(prompts, vocabLimit);
            for (int t = 0; ; t++) {
                for (int i = 0; i < b; i++) {
                    out[i][t] = next[i];
                }
                if (t + 1 == steps) {
                    return out;
                }
                next = dec.nextGreedy(next, vocabLimit);
            }
        }
        float[][] logits = dec.feed(prompts); // (B, V) after each prompt's last token
        int[] next = new int[b];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < b; i++) {
                Arrays.fill(logits[i], Math.min(vocabLimit, logits[i].length), logits[i].length,
                        Float.NEGATIVE_INFINITY);
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
