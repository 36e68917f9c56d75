package llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collection;
import llm.engine.FusedOps;

/** Gradient bookkeeping that needs tensors: the global L2 norm over all parameters, and the clipping factor. */
public final class Gradients {
    private Gradients() {}

    /**
     * sqrt(sum over parameters of sum(g^2)); one device-to-host copy. Temporaries live in {@code scope}. One
     * multi-tensor call ({@link FusedOps#gradNorm}, as {@code torch.nn.utils.clip_grad_norm_}) where the engine has
     * it, else a reduction per parameter.
     */
    public static double globalNorm(Collection<NDArray> params, NDManager scope) {
        if (!params.isEmpty() && FusedOps.available(params.iterator().next())) {
            NDArray[] grads = new NDArray[params.size()];
            int i = 0;
            for (NDArray p : params) {
                grads[i] = p.getGradient();
                grads[i++].attach(scope);
            }
            return FusedOps.gradNorm(grads, scope).getFloat();
        }
        NDArray total = null;
        for (NDArray p : params) {
            NDArray g = p.getGradient(); // a new handle on p's gradient: move it into the scope that frees it
            g.attach(scope);
            NDArray sq = g.square().sum();
            total = total == null ? sq : total.add(sq);
        }
        return total == null ? 0 : Math.sqrt(total.getFloat());
    }

    /**
     * The factor that scales gradients of global norm {@code norm} down to {@code maxNorm} (1 when already within;
     * {@code maxNorm <= 0} disables clipping), as {@code torch.nn.utils.clip_grad_norm_}.
     */
    public static double clipScale(double norm, double maxNorm) {
        if (maxNorm <= 0 || !(norm > maxNorm)) {
            return 1.0;
        }
        return maxNorm / (norm + 1e-6);
    }
}
