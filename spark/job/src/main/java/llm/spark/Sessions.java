package llm.spark;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import llm.engine.DeviceSpec;
import llm.run.ModelRef;
import llm.run.ModelSession;
import llm.run.Placement;

/**
 * The models this JVM (a Spark executor, or the driver in local mode) has open: each loaded once, on the first task
 * that needs it, and kept for the executor's life, so tasks pay no model load. Tasks running at the same time in
 * one executor share the session; each makes its own continuer or scorer.
 */
final class Sessions {
    /** What identifies a loaded model: the files and where it computes. */
    private record Key(String model, String tokenizer, String device, int threads) {}

    private static final Map<Key, ModelSession> OPEN = new HashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private Sessions() {}

    /** The session for this model, loaded now if this JVM has none. */
    static synchronized ModelSession get(ModelRef ref, DeviceSpec device, int threads) {
        Key key = new Key(ref.path().toAbsolutePath().toString(),
                ref.tokenizer() == null ? null : ref.tokenizer().toAbsolutePath().toString(), device.toString(),
                threads);
        ModelSession s = OPEN.get(key);
        if (s == null) {
            s = ModelSession.open(ref, Placement.resolve(device, threads));
            OPEN.put(key, s);
            LOADS.incrementAndGet();
        }
        return s;
    }

    /** Models loaded by this JVM so far (tests: once per executor, not once per task). */
    static int loads() {
        return LOADS.get();
    }
}
