package llm.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import llm.io.Log;

/**
 * libtorch's fused kernels that DJL 0.36's Java API does not expose — the tanh GELU, causal
 * scaled-dot-product attention (flash attention on the CPU) and cross-entropy — reached through a small
 * TorchScript module that we write in memory ({@link TorchScriptArchive}) and load once per process. Its methods
 * run with autograd on, so a {@code GradientCollector} records them like any DJL op, and their results belong to
 * the manager the caller names (the step scope), so nothing outlives the step.
 *
 * <p>{@link #available()} is false, and callers use their unfused code, when {@code -Dllm.fused=false}, when the
 * engine is not PyTorch, or when the module cannot be loaded (logged once at debug level: {@code -v}). The module
 * has no parameters, so one serves every device; libtorch runs a module's methods from several threads at once.
 */
public final class FusedOps {
    private static final String CLASS = "Fused";
    private static final String METHODS = """
              def gelu_tanh(self: __torch__.Fused,
                x: Tensor) -> Tensor:
                return torch.gelu(x, approximate="tanh")
              def causal_attention(self: __torch__.Fused,
                q: Tensor,
                k: Tensor,
                v: Tensor) -> Tensor:
                b = q.size(0)
                h = q.size(1)
                t = q.size(2)
                hkv = k.size(1)
                if h != hkv:
                  k = torch.repeat_interleave(k, h // hkv, 1)
                  v = torch.repeat_interleave(v, h // hkv, 1)
                y = torch.scaled_dot_product_attention(q, k, v, None, 0., True)
                return torch.reshape(torch.transpose(y, 1, 2), [b, t, -1])
              def cross_entropy(self: __torch__.Fused,
                logits: Tensor,
                targets: Tensor) -> Tensor:
                return torch.cross_entropy_loss(logits, targets, None, 1, -100, 0.)
            """;

    private static volatile Module module;
    private static volatile boolean tried;

    private FusedOps() {}

    /** The loaded module and the JNI entry points DJL keeps package-private. */
    private record Module(long handle, MethodHandle runMethod, MethodHandle wrap) {}

    /**
     * Whether the fused ops may be used: {@code -Dllm.fused} is not {@code false} (read at each call, so a test can
     * compare both paths in one JVM) and the module loaded.
     */
    public static boolean available() {
        return !"false".equals(System.getProperty("llm.fused")) && module() != null;
    }

    /** Whether the fused ops can serve this array (a PyTorch tensor) — {@link #available()} and the engine check. */
    public static boolean available(NDArray x) {
        return x instanceof PtNDArray && available();
    }

    /** GPT-2's GELU, tanh approximation: one libtorch kernel forward, one backward. */
    public static NDArray geluTanh(NDArray x) {
        return call("gelu_tanh", x.getManager(), x);
    }

    /**
     * Causal attention without a KV cache: softmax(q·kᵀ/√hd + causal mask)·v for q (B, H, T, hd) and k, v
     * (B, Hkv, T, hd), query head i reading kv head i / (H / Hkv). Returns (B, T, H·hd) in q's manager.
     */
    public static NDArray causalAttention(NDArray q, NDArray k, NDArray v) {
        return call("causal_attention", q.getManager(), q, k, v);
    }

    /** Mean cross-entropy of logits (N, V) against int64 targets (N): a scalar in logits' manager. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return call("cross_entropy", logits.getManager(), logits, targets);
    }

    private static NDArray call(String method, NDManager out, NDArray... inputs) {
        Module m = module();
        if (m == null) {
            throw new IllegalStateException("fused ops are not available");
        }
        IValue[] args = new IValue[inputs.length];
        long[] handles = new long[inputs.length];
        try {
            for (int i = 0; i < inputs.length; i++) {
                args[i] = IValue.from((PtNDArray) inputs[i]);
                handles[i] = args[i].getHandle();
            }
            long result = (long) m.runMethod.invokeExact(m.handle, method, handles, true, false);
            try (IValue r = (IValue) m.wrap.invokeExact(result)) {
                return r.toTensor((PtNDManager) out);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            for (IValue a : args) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    private static Module module() {
        if (tried) {
            return module;
        }
        synchronized (FusedOps.class) {
            if (!tried) {
                module = load();
                tried = true;
            }
            return module;
        }
    }

    private static Module load() {
        try {
            if (!"PyTorch".equals(Engines.engine().getEngineName())) {
                Log.debug("fused ops: engine %s is not PyTorch; using unfused ops", Engines.engine().getEngineName());
                return null;
            }
            Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary"); // package-private in DJL
            Field lib = library.getDeclaredField("LIB");
            lib.setAccessible(true);
            // moduleRunMethod(module, method, ivalues, isTrain, separateCudaStream): isTrain = true keeps autograd
            // on (DJL's public IValueUtils.runMethod passes false, which runs the method under no_grad)
            Method run = library.getDeclaredMethod("moduleRunMethod", long.class, String.class,
                    long[].class, boolean.class, boolean.class);
            run.setAccessible(true);
            Constructor<IValue> ctor = IValue.class.getDeclaredConstructor(long.class);
            ctor.setAccessible(true);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle runMethod = lookup.unreflect(run).bindTo(lib.get(null));
            MethodHandle wrap = lookup.unreflectConstructor(ctor);
            byte[] archive = TorchScriptArchive.module(CLASS, METHODS);
            long handle = JniUtils.loadModuleHandle(new ByteArrayInputStream(archive), ai.djl.Device.cpu(), true,
                    false);
            // never freed: the process keeps one parameterless module
            return new Module(handle, runMethod, wrap);
        } catch (Exception | LinkageError e) {
            Log.debug("fused ops unavailable, using unfused ops: %s", Engines.rootMessage(e));
            return null;
        }
    }
}
