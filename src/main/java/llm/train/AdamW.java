package llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import llm.engine.FusedOps;

/**
 * AdamW (Loshchilov and Hutter, decoupled weight decay) over named parameters, with PyTorch's
 * {@code torch.optim.AdamW} arithmetic. For each parameter {@code p} with gradient {@code g} at step {@code t}:
 * <pre>
 *   g  = g * gradScale                        (global-norm clipping and accumulation scale, folded in)
 *   p  = p - lr * wd * p                      (decoupled weight decay; only where {@link #decays} says so)
 *   m  = b1 * m + (1 - b1) * g
 *   v  = b2 * v + (1 - b2) * g^2
 *   p  = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Where the engine has it ({@link FusedOps#adamw}) the update is libtorch's multi-tensor {@code _fused_adamw_}: one
 * vectorised pass over each parameter, its gradient and moments, for all parameters of a weight-decay group in one
 * call. Otherwise ({@code -Dllm.fused=false}) one native call per parameter (DJL's {@code adamUpdate}, a dozen
 * elementwise passes, which also zeroes the gradient), its bias correction folded into the learning rate and eps so
 * the result is the formula above.
 */
public final class AdamW implements AutoCloseable {
    /** Hyperparameters; the defaults are {@link #GPT}. */
    public record Hyper(double beta1, double beta2, double eps, double weightDecay) {
        /** β1 0.9, β2 0.95, eps 1e-8, weight decay 0.1 (GPT-2/3, nanoGPT, llm.c). */
        public static final Hyper GPT = new Hyper(0.9, 0.95, 1e-8, 0.1);
    }

    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>(); // first moment, same shape as the parameter
    private final Map<String, NDArray> v = new LinkedHashMap<>(); // second moment
    private final NDManager state;
    private final Hyper hyper;
    private long t; // optimizer steps taken

    /** An optimizer with zero moments; its state lives in a sub-manager of {@code parent}. */
    public AdamW(Map<String, NDArray> params, NDManager parent, Hyper hyper) {
        this.params = params;
        this.hyper = hyper;
        this.state = parent.newSubManager();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            m.put(e.getKey(), state.zeros(e.getValue().getShape(), e.getValue().getDataType()));
            v.put(e.getKey(), state.zeros(e.getValue().getShape(), e.getValue().getDataType()));
        }
    }

    /**
     * Whether a parameter gets weight decay: matrices in matmuls do; biases, norm gains and the token/position
     * embeddings (which GPT-2 ties to the output head) do not, as in minGPT/nanoGPT's original grouping.
     */
    public static boolean decays(String name, Shape shape) {
        if (shape.dimension() < 2) {
            return false;
        }
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return !(n.contains("wte") || n.contains("wpe") || n.contains("embed"));
    }

    /**
     * One update of every parameter from its accumulated gradient, which is then zeroed.
     *
     * @param lr        this step's learning rate
     * @param gradScale factor applied to every gradient first (clipping, 1 / accumulation steps)
     */
    public void step(double lr, double gradScale) {
        t++;
        if (!params.isEmpty() && FusedOps.available(params.values().iterator().next())) {
            fusedStep(lr, gradScale);
            return;
        }
        double bc1 = 1 - Math.pow(hyper.beta1(), t);
        double bc2 = 1 - Math.pow(hyper.beta2(), t);
        // lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps) == (lr * sqrt(bc2) / bc1) * m / (sqrt(v) + eps * sqrt(bc2))
        float lrCorrected = (float) (lr * Math.sqrt(bc2) / bc1);
        float epsCorrected = (float) (hyper.eps() * Math.sqrt(bc2));
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            float wd = decays(e.getKey(), p.getShape()) ? (float) hyper.weightDecay() : 0f;
            try (NDArray g = p.getGradient()) {
                p.getNDArrayInternal().adamUpdate(
                        new NDList(p, g, m.get(e.getKey()), v.get(e.getKey())), new NDList(p),
                        (float) lr, lrCorrected, wd, (float) gradScale, -1f,
                        (float) hyper.beta1(), (float) hyper.beta2(), epsCorrected, false, true);
            }
        }
    }

    /** {@link #step} by {@link FusedOps#adamw}: one call per weight-decay group; gradients zeroed. */
    private void fusedStep(double lr, double gradScale) {
        NDArray any = params.values().iterator().next();
        try (NDManager scope = state.newSubManager()) {
            NDArray step = scope.create((float) t).toDevice(any.getDevice(), false);
            NDArray inverseScale = scope.create((float) (1 / gradScale)).toDevice(any.getDevice(), false);
            for (boolean decay : new boolean[] {true, false}) {
                List<String> names = new ArrayList<>();
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    if (decays(e.getKey(), e.getValue().getShape()) == decay) {
                        names.add(e.getKey());
                    }
                }
                if (names.isEmpty()) {
                    continue;
                }
                int n = names.size();
                NDArray[] p = new NDArray[n], g = new NDArray[n], mo = new NDArray[n], ve = new NDArray[n];
                for (int i = 0; i < n; i++) {
                    String k = names.get(i);
                    p[i] = params.get(k);
                    g[i] = p[i].getGradient(); // a new handle on the gradient: the scope frees it
                    g[i].attach(scope);
                    mo[i] = m.get(k);
                    ve[i] = v.get(k);
                }
                FusedOps.adamw(p, g, mo, ve, step, inverseScale, lr, hyper.beta1(), hyper.beta2(),
                        decay ? hyper.weightDecay() : 0.0, hyper.eps());
            }
        }
    }

    /** Optimizer steps taken so far. */
    public long steps() {
        return t;
    }

    /** The moments by name ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}) for a checkpoint. */
    public Map<String, NDArray> stateTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("exp_avg." + k, a));
        v.forEach((k, a) -> out.put("exp_avg_sq." + k, a));
        return out;
    }

    /** Restore moments and step count saved by {@link #stateTensors()}; missing or misshapen tensors throw. */
    public void load(Map<String, NDArray> tensors, long steps) {
        for (String k : params.keySet()) {
            copyInto(m.get(k), tensors.get("exp_avg." + k), "exp_avg." + k);
            copyInto(v.get(k), tensors.get("exp_avg_sq." + k), "exp_avg_sq." + k);
        }
        this.t = steps;
    }

    private static void copyInto(NDArray dst, NDArray src, String name) {
        if (src == null || !src.getShape().equals(dst.getShape())) {
            throw llm.UserException.runtime("checkpoint: optimizer state " + name + " is missing or has the wrong shape");
        }
        dst.set(new ai.djl.ndarray.index.NDIndex("..."), src.toDevice(dst.getDevice(), false));
    }

    @Override
    public void close() {
        state.close();
    }
}
