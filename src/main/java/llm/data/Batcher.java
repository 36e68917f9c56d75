package llm.data;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import llm.UserException;

/**
 * Deterministic training windows from a weighted mixture of token sources: given the same sources, context and seed,
 * the same windows come out in the same order, and {@link #state()} / {@link #restore(State)} resume exactly.
 *
 * <p>A window is {@code T+1} consecutive ids (inputs {@code x = w[0..T)}, targets {@code y = w[1..T]}); it may span
 * a document boundary (the end-of-text separator lies between). One pass ("epoch") of the mixture:
 * <ol>
 *   <li>a source of n tokens and weight w is tiled ⌈w⌉ times per pass, each tiling ⌊n/T⌋ windows of stride T from
 *       its own offset in [0, T) drawn per epoch, source and copy; the source is read as a ring (its last document's
 *       separator is followed by its first document), so a tiling covers all but n mod T of its tokens, and the
 *       repeats of small, upsampled data see every token, at its start too, with shifted context (as copies laid end
 *       to end would); {@code wiki.txt:10} is seen ten times per pass;</li>
 *   <li>the last tiling of a fractional weight keeps each of its windows with probability w − ⌊w⌋ (drawn per epoch
 *       and window): {@code web.jsonl:0.5} sees about half of its windows per pass;</li>
 *   <li>all windows of the pass are shuffled (Fisher–Yates, seeded by seed and epoch) and served in order.</li>
 * </ol>
 * The state is (epoch, index in the epoch's order); a pass's order is rebuilt from the seed on restore. Memory: one
 * long per window of the pass (8 MB per million windows).
 */
public final class Batcher {
    /** A training source and its weight (passes per epoch). */
    public record Source(String name, Tokens tokens, double weight) {}

    /**
     * Where a batcher stands; serialises to JSON for checkpoints.
     *
     * @param seed        the seed the order derives from
     * @param seqLen      T
     * @param epoch       the current pass, from 0
     * @param index       windows of this pass already served
     * @param windows     windows served in total
     * @param fingerprint sizes, weights and sampled ids of the sources: restore refuses different data
     */
    public record State(int version, long seed, int seqLen, long epoch, long index, long windows, String fingerprint) {
        static final Gson GSON = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .disableHtmlEscaping().create();

        public String toJson() {
            return GSON.toJson(this);
        }

        public static State fromJson(String json) {
            try {
                State s = GSON.fromJson(json, State.class);
                if (s == null || s.version != 1 || s.fingerprint == null) {
                    throw UserException.runtime("data position: not a batcher state (version 1)");
                }
                return s;
            } catch (JsonParseException e) {
                throw UserException.runtime("data position: not valid JSON (" + llm.io.JsonProblem.describe(e) + ")");
            }
        }
    }

    private final List<Source> sources;
    private final int seqLen;
    private final long seed;
    private final String fingerprint;
    private long epoch;
    private long index;
    private long windows;
    private long[] order; // (source << 40) | start, for the current epoch

    public Batcher(List<Source> sources, int seqLen, long seed) {
        if (seqLen < 1) {
            throw UserException.usage("--ctx must be at least 1, not " + seqLen);
        }
        if (sources.isEmpty()) {
            throw UserException.usage("no training data");
        }
        if (sources.size() >= 1 << 23) {
            throw UserException.usage("too many data sources");
        }
        this.sources = List.copyOf(sources);
        this.seqLen = seqLen;
        this.seed = seed;
        long total = 0;
        for (Source s : sources) {
            total += s.tokens().size();
            if (s.tokens().size() >= 1L << 40) {
                throw UserException.runtime(s.name() + ": more than 2^40 tokens in one source");
            }
        }
        if (sources.stream().noneMatch(s -> s.tokens().size() >= seqLen + 1L)) {
            throw UserException.runtime("the training data has " + total + " tokens, too few for one window of --ctx "
                    + seqLen + " (+1 target) in any source");
        }
        for (Source s : sources) {
            if (s.tokens().size() < seqLen + 1L) {
                llm.io.Log.warn("data: %s: %d tokens, fewer than one window (--ctx %d + 1): not used", s.name(),
                        s.tokens().size(), seqLen);
            }
        }
        this.fingerprint = fingerprint(this.sources, seqLen);
        this.order = buildEpoch(0);
    }

    public int seqLen() {
        return seqLen;
    }

    /** Windows in the current pass. */
    public long windowsThisEpoch() {
        return order.length;
    }

    public long epoch() {
        return epoch;
    }

    /** Windows served so far. */
    public long windowsServed() {
        return windows;
    }

    /** The next window: {@code T+1} ids into {@code dst[off..off+T]}. */
    public void nextWindow(int[] dst, int off) {
        while (index >= order.length) {
            epoch++;
            index = 0;
            order = buildEpoch(epoch);
        }
        long e = order[(int) index++];
        windows++;
        Tokens tokens = sources.get((int) (e >>> 40)).tokens();
        long start = e & ((1L << 40) - 1);
        int head = (int) Math.min(seqLen + 1L, tokens.size() - start);
        tokens.read(start, dst, off, head);
        tokens.read(0, dst, off + head, seqLen + 1 - head); // a window at the end wraps around to the start
    }

    /** The next {@code batch} windows, row-major: shape (B, T+1). */
    public int[] next(int batch) {
        int[] out = new int[batch * (seqLen + 1)];
        for (int b = 0; b < batch; b++) {
            nextWindow(out, b * (seqLen + 1));
        }
        return out;
    }

    /** This batcher as a stream of {@code batch}-row batches, its state as JSON (for the training loop). */
    public Batches batches(int batch) {
        if (batch < 1) {
            throw UserException.usage("--batch must be at least 1, not " + batch);
        }
        return new Batches() {
            @Override
            public int batchSize() {
                return batch;
            }

            @Override
            public int seqLen() {
                return seqLen;
            }

            @Override
            public int[] next() {
                return Batcher.this.next(batch);
            }

            @Override
            public String state() {
                return Batcher.this.state().toJson();
            }

            @Override
            public void restore(String state) {
                Batcher.this.restore(State.fromJson(state));
            }
        };
    }

    /** The inputs of a (B, T+1) batch: shape (B, T), {@code x[b][t] = w[b][t]}. */
    public static int[] inputs(int[] batch, int seqLen) {
        return shifted(batch, seqLen, 0);
    }

    /** The targets of a (B, T+1) batch: shape (B, T), {@code y[b][t] = w[b][t+1]}. */
    public static int[] targets(int[] batch, int seqLen) {
        return shifted(batch, seqLen, 1);
    }

    private static int[] shifted(int[] batch, int t, int shift) {
        if (batch.length % (t + 1) != 0) {
            throw new IllegalArgumentException("batch of " + batch.length + " ids is not a multiple of T+1 = " + (t + 1));
        }
        int rows = batch.length / (t + 1);
        int[] out = new int[rows * t];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(batch, r * (t + 1) + shift, out, r * t, t);
        }
        return out;
    }

    public State state() {
        return new State(1, seed, seqLen, epoch, index, windows, fingerprint);
    }

    /** Continue from {@code s}; a runtime error when it belongs to other data, context or seed. */
    public void restore(State s) {
        if (s.seqLen() != seqLen || s.seed() != seed || !s.fingerprint().equals(fingerprint)) {
            throw UserException.runtime("cannot resume the data position: the checkpoint was made with "
                    + (s.seqLen() != seqLen ? "--ctx " + s.seqLen() + ", not " + seqLen
                    : s.seed() != seed ? "data seed " + s.seed() + ", not " + seed
                    : "other training data (sources, weights or contents differ)"));
        }
        if (s.epoch() != epoch) {
            order = buildEpoch(s.epoch());
        }
        if (s.index() < 0 || s.index() > order.length) {
            throw UserException.runtime("cannot resume the data position: index " + s.index() + " beyond the pass");
        }
        epoch = s.epoch();
        index = s.index();
        windows = s.windows();
    }

    private long[] buildEpoch(long e) {
        int t = seqLen;
        long count = 0;
        for (Source src : sources) {
            long n = src.tokens().size();
            count += (n >= t + 1 ? n / t : 0) * (long) Math.ceil(src.weight());
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw UserException.usage("one pass of the data mixture has " + count + " windows, more than a batcher "
                    + "holds; lower the --data weights or use a longer --ctx");
        }
        long[] out = new long[(int) count];
        int k = 0;
        for (int s = 0; s < sources.size(); s++) {
            long n = sources.get(s).tokens().size();
            if (n < t + 1) {
                continue;
            }
            double w = sources.get(s).weight();
            long whole = (long) Math.floor(w);
            double frac = w - whole;
            long copies = (long) Math.ceil(w);
            for (long c = 0; c < copies; c++) {
                long off = t > 1 ? Math.floorMod(mix(seed, e, s, -1 - c), t) : 0; // each copy its own tiling
                for (long i = 0; i < n / t; i++) { // starts off + i·T < n; the last windows may wrap to the start
                    if (c < whole || unit(mix(seed, e, s, i)) < frac) {
                        out[k++] = (long) s << 40 | (off + i * t);
                    }
                }
            }
        }
        long[] order = k == out.length ? out : java.util.Arrays.copyOf(out, k);
        if (order.length == 0) {
            throw UserException.usage("a pass of the data mixture holds no windows: raise the --data weights");
        }
        SplittableRandom r = new SplittableRandom(mix(seed, e, -1, -1));
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** SplitMix64 finaliser over the inputs: a well-mixed 64-bit value. */
    static long mix(long seed, long a, long b, long c) {
        long z = seed;
        for (long v : new long[] {a, b, c}) {
            z += 0x9E3779B97F4A7C15L + v * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
        }
        return z;
    }

    private static double unit(long z) {
        return (z >>> 11) * 0x1.0p-53;
    }

    private static String fingerprint(List<Source> sources, int t) {
        StringBuilder sb = new StringBuilder("T" + t);
        for (Source s : sources) {
            Tokens tk = s.tokens();
            long n = tk.size();
            long h = n;
            int samples = (int) Math.min(n, 4096);
            for (int i = 0; i < samples; i++) {
                long at = samples == n ? i : (long) ((double) i * (n - 1) / Math.max(1, samples - 1));
                h = h * 31 + tk.get(at);
            }
            sb.append(String.format(Locale.ROOT, ";%d*%s:%016x", n, s.weight(), h));
        }
        return sb.toString();
    }
}
