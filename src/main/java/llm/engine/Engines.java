package llm.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.security.SecureRandom;
import llm.UserException;
import llm.io.Log;

/**
 * The only door to DJL's {@link Engine}, {@link Device}s and root {@link NDManager}s.
 *
 * <p>Call {@link #configure} before the first tensor (it sets offline mode and thread counts, which libtorch reads
 * once at start-up), then {@link #device} to turn {@code --device} into a DJL device, and {@link #newRoot} for the
 * root manager a command owns. Loops open a {@link #step} scope per iteration so native memory does not pile up.
 */
public final class Engines {
    private static volatile boolean configured;

    private Engines() {}

    /**
     * Offline mode, telemetry opt-out and the native allocator settings ({@link NativeMemory}); safe to call more
     * than once. Must run before DJL starts.
     */
    public static synchronized void configureOffline() {
        NativeMemory.tune();
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    /**
     * Prepare the engine: offline settings, the native allocator ({@link NativeMemory}) and, when
     * {@code threads > 0}, libtorch's intra-op thread count.
     * Has effect only before the engine has started.
     */
    public static synchronized void configure(int threads) {
        configureOffline();
        if (threads > 0 && !configured) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        configured = true;
    }

    /**
     * Prepares the calling thread to record a model's forward pass for {@link #backward}, as a
     * {@code GradientCollector} does for its own thread (libtorch's grad mode is per thread, and DJL allows one
     * collector at a time): grad mode on, and, when {@code threads > 0}, that many intra-op threads for the ops
     * this thread issues (libtorch's OpenMP and MKL thread counts are per calling thread too). For the worker
     * threads of data-parallel training.
     */
    public static void recordGradientsOnThisThread(int threads) {
        engine();
        ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        if (threads > 0) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    /**
     * Backward pass from a scalar recorded on this thread (after {@link #recordGradientsOnThisThread}): gradients
     * accumulate in the parameters, as with {@code GradientCollector.backward}.
     */
    public static void backward(ai.djl.ndarray.NDArray scalar) {
        try (ai.djl.ndarray.NDArray ones = scalar.onesLike()) {
            ai.djl.pytorch.jni.JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) scalar,
                    (ai.djl.pytorch.engine.PtNDArray) ones, false, false);
        }
    }

    /** The PyTorch engine; starts libtorch on first use (about half a second). */
    public static Engine engine() {
        configureOffline();
        MklDispatch.prepare();
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw UserException.runtime("cannot start the PyTorch engine: " + rootMessage(e)
                    + " (see 'llm env' and README, section GPU)", e);
        }
    }

    /** Number of CUDA devices libtorch can use (0 with the CPU build or without a GPU). */
    public static int gpuCount() {
        return engine().getGpuCount();
    }

    /**
     * Whether {@code spec} can only mean the CPU, decided without starting libtorch: {@code --device cpu}, or
     * {@code auto} where the libtorch DJL would load is the bundled CPU build (no {@code PYTORCH_LIBRARY_PATH}, no
     * CUDA {@code PYTORCH_FLAVOR}, and only CPU native jars on the class path). Lets a command that needs no
     * tensors on the CPU (the Java decoder of {@code llm sample}) skip the engine's start-up.
     */
    public static boolean cpuOnly(DeviceSpec spec) {
        if (spec.kind() != DeviceSpec.Kind.AUTO) {
            return spec.kind() == DeviceSpec.Kind.CPU;
        }
        if (setting("PYTORCH_LIBRARY_PATH") != null) {
            return false;
        }
        String flavor = setting("PYTORCH_FLAVOR");
        if (flavor != null && !flavor.startsWith("cpu")) {
            return false;
        }
        try {
            java.util.Enumeration<java.net.URL> found = Engines.class.getClassLoader()
                    .getResources("native/lib/pytorch.properties");
            boolean any = false;
            while (found.hasMoreElements()) {
                java.util.Properties p = new java.util.Properties();
                try (java.io.InputStream in = found.nextElement().openStream()) {
                    p.load(in);
                }
                if (!p.getProperty("flavor", "").startsWith("cpu")) {
                    return false;
                }
                any = true;
            }
            return any;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** An environment variable or system property (DJL reads both), or null. */
    private static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isEmpty()) {
            v = System.getenv(name);
        }
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * Resolve {@code --device}: auto = first GPU if one is present, else CPU.
     *
     * @throws UserException (exit 2) when a GPU is asked for that does not exist
     */
    public static Device device(DeviceSpec spec) {
        Engine e = engine();
        int gpus = e.getGpuCount();
        return switch (spec.kind()) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw UserException.usage("--device " + spec + ": no GPU is available to this libtorch"
                            + " (flavor " + EnvReport.detectFlavor() + "; see 'llm env')");
                }
                if (spec.index() >= gpus) {
                    throw UserException.usage("--device " + spec + ": only " + gpus + " GPU(s) present (gpu:0"
                            + (gpus > 1 ? "..gpu:" + (gpus - 1) : "") + ")");
                }
                yield Device.gpu(spec.index());
            }
        };
    }

    /** {@code cpu} or {@code gpu:N}, as the user writes it. */
    public static String describe(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    /** A root manager on {@code device}; the caller closes it. */
    public static NDManager newRoot(Device device) {
        return engine().newBaseManager(device);
    }

    /**
     * A per-step scope under {@code parent}: arrays made inside are freed when it closes.
     * <pre>{@code try (NDManager step = Engines.step(root)) { ... } }</pre>
     */
    public static NDManager step(NDManager parent) {
        return parent.newSubManager();
    }

    /** Seed libtorch's generator (dropout, random init) with {@code seed}. */
    public static void seed(long seed) {
        engine().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /**
     * The seed to use: the given one, or a fresh one that is printed to stderr so the run can be repeated.
     */
    public static long resolveSeed(Long given) {
        if (given != null) {
            return given;
        }
        long seed = new SecureRandom().nextLong() & 0xffff_ffffL;
        Log.info("seed: %d", seed);
        return seed;
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }
}
