package llm.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where the CPU decoder's steps spend their time, by part: each kind of product (shape, type, how it is split) and
 * the attention — for {@code bench/decoder-ab.sh profile} (issue 20: timers like these found a llama2.c file's q/k
 * rows and GPT-2's Wᵀ matrices streaming at half the rate of the others). On only with the system property
 * {@code llm.decoder.profile=true}; off, each product and attention pays one test of a static final false, which
 * the JIT removes.
 */
final class StepProfile {
    static final boolean ON = Boolean.getBoolean("llm.decoder.profile");

    /** part → {nanoseconds, weight bytes read, calls}, since the last {@link #take}. */
    private static final Map<String, long[]> PARTS = new TreeMap<>();

    private StepProfile() {}

    /** A product by {@code w} took {@code nanos}. */
    static void product(FloatMatrix w, boolean head, long nanos) {
        String how = w.rowBlocks() > 1 ? "Wᵀ, " + w.rowBlocks() + " row blocks" : "by outputs";
        add(String.format("%s%d x %d %s, %s", head ? "head " : "", w.out, w.in, w.dtype(), how), nanos,
                (long) w.out * w.in * w.dtype().bytes);
    }

    static synchronized void add(String part, long nanos, long bytes) {
        long[] p = PARTS.computeIfAbsent(part, k -> new long[3]);
        p[0] += nanos;
        p[1] += bytes;
        p[2]++;
    }

    /** The parts timed since the last call, and a fresh start. */
    static synchronized Map<String, long[]> take() {
        Map<String, long[]> m = new TreeMap<>(PARTS);
        PARTS.clear();
        return m;
    }
}
