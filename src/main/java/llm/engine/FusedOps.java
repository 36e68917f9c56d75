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
 * libtorch kernels that DJL 0.36's Java API does not expose, reached through a small TorchScript module that we
 * write in memory ({@link TorchScriptArchive}) and load once per process: the tanh GELU (one kernel forward, one
 * backward), attention with the scale and mask folded into one {@code baddbmm}, scaled-dot-product attention
 * (flash attention; on GPUs, and on CPUs where MKL runs its fast kernels), cross-entropy, and for the optimizer the
 * multi-tensor AdamW ({@code _fused_adamw_}) and gradient norm ({@code _foreach_norm}). The model's methods run
 * with autograd on, so a {@code GradientCollector} records them like any DJL op; their results belong to the manager
 * the caller names (the step scope), so nothing outlives the step.
 *
 * <p>A second module holds MKL's packed matrix products ({@link #pack}, {@link #packedLinear}: W packed once, then
 * products without sgemm's packing at every call), for decode steps on the CPU; {@link #packedAvailable()} is false
 * with {@code -Dllm.packed=false}, without the fused module, or where libtorch lacks MKL's ops.
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
              def masked_attention(self: __torch__.Fused,
                q: Tensor,
                k: Tensor,
                v: Tensor,
                mask: Tensor,
                scale: float) -> Tensor:
                b = q.size(0)
                h = q.size(1)
                t = q.size(2)
                hd = q.size(3)
                hkv = k.size(1)
                s = k.size(2)
                rep = h // hkv
                qg = torch.reshape(q, [b * hkv, rep * t, hd])
                kt = torch.transpose(torch.reshape(k, [b * hkv, s, hd]), 1, 2)
                if rep > 1:
                  mask = torch.repeat(mask, [rep, 1])
                att = torch.softmax(torch.baddbmm(mask, qg, kt, beta=1, alpha=scale), -1)
                y = torch.bmm(att, torch.reshape(v, [b * hkv, s, hd]))
                return torch.reshape(torch.transpose(torch.reshape(y, [b, h, t, hd]), 1, 2), [b, t, h * hd])
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
              def add_into(self: __torch__.Fused,
                dst: List[Tensor],
                src: List[Tensor]) -> None:
                moved = annotate(List[Tensor], [])
                for i in range(len(dst)):
                  moved.append(src[i].to(dst[i].device))
                torch._foreach_add_(dst, moved)
                torch._foreach_zero_(src)
              def copy_into(self: __torch__.Fused,
                dst: List[Tensor],
                src: List[Tensor]) -> None:
                for i in range(len(dst)):
                  dst[i].copy_(src[i])
              def share_storage(self: __torch__.Fused,
                dst: List[Tensor],
                src: List[Tensor]) -> None:
                for i in range(len(dst)):
                  dst[i].set_(src[i])
              def grad_norm(self: __torch__.Fused,
                grads: List[Tensor]) -> Tensor:
                return torch.linalg_vector_norm(torch.stack(torch._foreach_norm(grads, 2)), 2)
              def adamw(self: __torch__.Fused,
                params: List[Tensor],
                grads: List[Tensor],
                exp_avgs: List[Tensor],
                exp_avg_sqs: List[Tensor],
                step: Tensor,
                grad_scale: Tensor,
                lr: float,
                beta1: float,
                beta2: float,
                weight_decay: float,
                eps: float) -> None:
                steps = [step for _ in params]
                torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False, grad_scale=grad_scale, found_inf=None)
                torch._foreach_zero_(grads)
            """;

    private static volatile Module module;
    private static volatile boolean tried;

    /** MKL's packed products, in a module of their own: a libtorch without MKL fails only this one to load. */
    private static final String PACKED_CLASS = "Packed";
    private static final String PACKED_METHODS = """
              def pack(self: __torch__.Packed,
                w: Tensor,
                rows: int) -> Tensor:
                return ops.mkl._mkl_reorder_linear_weight(w, rows)
              def linear(self: __torch__.Packed,
                x: Tensor,
                packed: Tensor,
                w: Tensor,
                b: Tensor,
                rows: int) -> Tensor:
                return ops.mkl._mkl_linear(x, packed, w, b, rows)
              def linear_nobias(self: __torch__.Packed,
                x: Tensor,
                packed: Tensor,
                w: Tensor,
                rows: int) -> Tensor:
                return ops.mkl._mkl_linear(x, packed, w, None, rows)
            """;
    private static volatile Module packedModule;
    private static volatile boolean packedTried;

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
     * softmax(q·kᵀ/√hd + mask)·v for q (B, H, T, hd), k and v (B, Hkv, S, hd) and an additive mask (T, S), query
     * head i reading kv head i / (H / Hkv): the scores come from one {@code baddbmm} (scale and mask folded into the
     * product). Returns (B, T, H·hd) in q's manager.
     */
    public static NDArray maskedAttention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        return call("masked_attention", q.getManager(), q, k, v, mask, 1.0 / Math.sqrt(q.getShape().get(3)));
    }

    /** {@link #maskedAttention} with the scores multiplied by {@code scale} instead of 1/√hd. */
    public static NDArray maskedAttention(NDArray q, NDArray k, NDArray v, NDArray mask, double scale) {
        return call("masked_attention", q.getManager(), q, k, v, mask, scale);
    }

    /**
     * Causal attention over the same positions (T = S), by {@code scaled_dot_product_attention} (flash or
     * memory-efficient kernels, no mask in memory). Shapes as {@link #maskedAttention} with S = T.
     */
    public static NDArray causalAttention(NDArray q, NDArray k, NDArray v) {
        return call("causal_attention", q.getManager(), q, k, v);
    }

    /**
     * Whether to take {@link #causalAttention} rather than {@link #maskedAttention} on the CPU: its flash kernel runs
     * its tiles through MKL, so not where MKL runs its generic kernels ({@link MklDispatch}; measured on AMD's AVX-512
     * path only: Intel CPUs get MKL's vendor paths anyway, and a libtorch without MKL was not measured). At the bench
     * shape (B 16, 8 heads of 32, T 128; forward + backward) on the AMD EPYC with MKL's AVX-512 path: 7.2 against
     * 10.7 ms on 2 threads, equal on one; on MKL's generic path 21 against 14.5 ms (bench/RESULTS.md).
     */
    public static boolean flashOnCpu() {
        return flashOnCpu(MklDispatch.codePath());
    }

    /** @param mklCodePath {@link MklDispatch#codePath} */
    static boolean flashOnCpu(String mklCodePath) {
        return !MklDispatch.GENERIC.equals(mklCodePath);
    }

    /** Whether MKL's packed products ({@link #pack}, {@link #packedLinear}) can be used. */
    public static boolean packedAvailable() {
        return !"false".equals(System.getProperty("llm.packed")) && packedModule() != null;
    }

    /**
     * W (out, in) packed by MKL for products with {@code rows} rows of x ({@code cblas_sgemm_pack}): an opaque tensor
     * in {@code out}, only for {@link #packedLinear}.
     */
    public static NDArray pack(NDArray w, long rows, NDManager out) {
        return call(packedModule(), "pack", false, out, w, rows);
    }

    /**
     * x @ Wᵀ + b through W packed for x's row count (no packing per call, as sgemm does); any other row count takes
     * libtorch's linear. b may be null. In x's manager.
     */
    public static NDArray packedLinear(NDArray x, NDArray packed, NDArray w, NDArray b, long rows) {
        return b == null ? call(packedModule(), "linear_nobias", false, x.getManager(), x, packed, w, rows)
                : call(packedModule(), "linear", false, x.getManager(), x, packed, w, b, rows);
    }

    /** Mean cross-entropy of logits (N, V) against int64 targets (N): a scalar in logits' manager. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return call("cross_entropy", logits.getManager(), logits, targets);
    }

    /**
     * {@code dst[i] += src[i]} (src moved to dst's device), then {@code src[i] = 0}, for every i, without autograd:
     * the gradient all-reduce of data-parallel training in two multi-tensor kernels.
     */
    public static void addInto(NDArray[] dst, NDArray[] src, NDManager scope) {
        call("add_into", false, scope, dst, src);
    }

    /** {@code dst[i] <- src[i]} (across devices), for every i, without autograd: the weight broadcast. */
    public static void copyInto(NDArray[] dst, NDArray[] src, NDManager scope) {
        call("copy_into", false, scope, dst, src);
    }

    /**
     * Makes each {@code dst[i]} a view of {@code src[i]}'s storage (same device, shape and dtype), without autograd:
     * dst keeps its own identity and gradient, but reads and sees every in-place update of src's values.
     */
    public static void shareStorage(NDArray[] dst, NDArray[] src, NDManager scope) {
        call("share_storage", false, scope, dst, src);
    }

    /** The global L2 norm of the gradients (a scalar in {@code out}), without autograd. */
    public static NDArray gradNorm(NDArray[] grads, NDManager out) {
        return call("grad_norm", false, out, (Object) grads);
    }

    /**
     * One AdamW step (PyTorch's {@code torch.optim.AdamW} arithmetic, one multi-tensor kernel) for parameters that
     * share a weight decay, then zeroes their gradients. {@code step} is the 1-based step count as a float scalar
     * tensor, {@code gradScale} a float scalar tensor that every gradient is divided by first.
     */
    public static void adamw(NDArray[] params, NDArray[] grads, NDArray[] expAvgs, NDArray[] expAvgSqs, NDArray step,
            NDArray gradScale, double lr, double beta1, double beta2, double weightDecay, double eps) {
        call("adamw", false, step.getManager(), params, grads, expAvgs, expAvgSqs, step, gradScale, lr, beta1, beta2,
                weightDecay, eps);
    }

    /**
     * Runs {@code method} with autograd recording ({@code grad}) or under no_grad. Arguments: NDArray (a tensor),
     * NDArray[] (a list of tensors), Double, Long, Boolean. Returns the result tensor in {@code out}, or null when
     * the method returns None.
     */
    private static NDArray call(String method, boolean grad, NDManager out, Object... args) {
        return call(module(), method, grad, out, args);
    }

    private static NDArray call(Module m, String method, boolean grad, NDManager out, Object... args) {
        if (m == null) {
            throw new IllegalStateException("fused ops are not available");
        }
        IValue[] values = new IValue[args.length];
        long[] handles = new long[args.length];
        try {
            for (int i = 0; i < args.length; i++) {
                values[i] = ivalue(args[i]);
                handles[i] = values[i].getHandle();
            }
            long result = (long) m.runMethod.invokeExact(m.handle, method, handles, grad, false);
            try (IValue r = (IValue) m.wrap.invokeExact(result)) {
                return r.isTensor() ? r.toTensor((PtNDManager) out) : null;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            for (IValue v : values) {
                if (v != null) {
                    v.close();
                }
            }
        }
    }

    private static NDArray call(String method, NDManager out, Object... args) {
        return call(method, true, out, args);
    }

    private static IValue ivalue(Object a) {
        if (a instanceof PtNDArray t) {
            return IValue.from(t);
        } else if (a instanceof NDArray[] list) {
            PtNDArray[] ts = new PtNDArray[list.length];
            for (int i = 0; i < list.length; i++) {
                ts[i] = (PtNDArray) list[i];
            }
            return IValue.listFrom(ts);
        } else if (a instanceof Double d) {
            return IValue.from(d);
        } else if (a instanceof Long l) {
            return IValue.from(l);
        } else if (a instanceof Boolean b) {
            return IValue.from(b);
        }
        throw new IllegalArgumentException("not a TorchScript argument: " + a);
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

    private static Module packedModule() {
        if (packedTried) {
            return packedModule;
        }
        synchronized (FusedOps.class) {
            if (!packedTried) {
                packedModule = module() == null ? null : load(PACKED_CLASS, PACKED_METHODS);
                packedTried = true;
            }
            return packedModule;
        }
    }

    private static Module load() {
        return load(CLASS, METHODS);
    }

    private static Module load(String className, String methods) {
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
            byte[] archive = TorchScriptArchive.module(className, methods);
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
