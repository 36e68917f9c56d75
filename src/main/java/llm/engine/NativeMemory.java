package llm.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.Locale;
import llm.io.Log;

/**
 * Keeps libtorch's freed CPU tensors in the process instead of handing them back to the kernel.
 *
 * <p>libtorch allocates every CPU tensor with {@code malloc} and frees it as soon as the step scope closes. glibc
 * serves blocks above its mmap threshold (at most 32 MB, adjusted at run time) with fresh {@code mmap}s and gives
 * freed memory at the top of its heaps back with {@code madvise}/{@code munmap}, so a training step's activations
 * (tens to hundreds of MB) are page-faulted in again on every step: each 4 KB page is zeroed by the kernel on first
 * touch. On the machines we measured (virtualised) that first touch costs ~10 µs per page; it made elementwise ops
 * 10–20× slower than their arithmetic and a training step ~1.9× slower (bench/RESULTS.md, issue 5). PyTorch users get
 * the same effect from jemalloc or tcmalloc; here {@code mallopt} does it in-process, before the first tensor:
 * <ul>
 *   <li>{@code M_MMAP_THRESHOLD} 1 GiB: blocks up to 1 GiB come from the heap, so freed ones are reused;</li>
 *   <li>{@code M_TRIM_THRESHOLD} 1 GiB: up to 1 GiB of free heap top is kept rather than returned;</li>
 *   <li>{@code M_TOP_PAD} 256 MiB: the heap grows in large steps;</li>
 *   <li>{@code M_ARENA_MAX} 1: one heap for all threads (libtorch frees on other threads than it allocates).</li>
 * </ul>
 * The cost: the process keeps its peak native memory until it exits (what a caching allocator does anyway). Only on
 * Linux with glibc; a no-op elsewhere (musl has no {@code mallopt}). {@code -Dllm.mallopt=false} turns it off, and
 * it is skipped when the user set glibc's own {@code MALLOC_*_} or {@code GLIBC_TUNABLES} variables.
 *
 * <p>The launcher ({@code bin/llm}) sets the same four values for glibc before the JVM starts, as
 * {@code GLIBC_TUNABLES=}{@value #TUNABLES}: then nothing is left to do here, and the ~0.4 s that loading JNA and
 * calling {@code mallopt} took at every start are saved.
 */
public final class NativeMemory {
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int M_ARENA_MAX = -8;

    /** The settings as glibc tunables, as bin/llm exports them (kept equal by a test). */
    public static final String TUNABLES = "glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824"
            + ":glibc.malloc.top_pad=268435456:glibc.malloc.arena_max=1";

    private static boolean done;
    private static boolean applied;
    private static boolean fromEnvironment;

    private NativeMemory() {}

    /** Apply the settings once (later calls do nothing); returns whether they are in effect. */
    public static synchronized boolean tune() {
        if (done) {
            return applied;
        }
        done = true;
        if (TUNABLES.equals(System.getenv("GLIBC_TUNABLES"))) { // the launcher set them before the process started
            applied = true;
            fromEnvironment = true;
            return true;
        }
        if (!"true".equals(System.getProperty("llm.mallopt", "true"))
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || userTuned()) {
            return false;
        }
        try {
            Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
            boolean ok = set(mallopt, M_MMAP_THRESHOLD, 1 << 30)
                    & set(mallopt, M_TRIM_THRESHOLD, 1 << 30)
                    & set(mallopt, M_TOP_PAD, 256 << 20)
                    & set(mallopt, M_ARENA_MAX, 1);
            applied = ok;
            Log.debug("native memory: glibc mallopt %s", ok ? "applied (mmap/trim threshold 1 GiB, one arena)" : "refused");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            Log.debug("native memory: mallopt unavailable (%s)", e.getMessage());
        }
        return applied;
    }

    /** Where the settings in effect came from: the launcher's environment or our {@code mallopt} call. */
    public static synchronized String source() {
        return !applied ? "none" : fromEnvironment ? "GLIBC_TUNABLES set by bin/llm" : "mallopt at start";
    }

    /** Whether {@link #tune} changed the allocator's settings in this process. */
    public static synchronized boolean applied() {
        return applied;
    }

    private static boolean set(Function mallopt, int param, int value) {
        Object r = mallopt.invoke(Integer.class, new Object[] {param, value});
        return r instanceof Integer i && i == 1;
    }

    private static boolean userTuned() {
        for (String k : System.getenv().keySet()) {
            if (k.equals("GLIBC_TUNABLES") || (k.startsWith("MALLOC_") && k.endsWith("_"))) {
                return true;
            }
        }
        return false;
    }
}
