package llm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import llm.engine.Engines;

/** Manual probe (not a test): GFLOP/s of each GEMM of the bench step, in each transpose layout. */
public final class GemmProbe {
    public static void main(String[] a) {
        int threads = a.length > 0 ? Integer.parseInt(a[0]) : 1;
        Engines.configure(threads);
        int n = 2048, c = 256;
        int[][] lin = {{c, 3 * c}, {c, c}, {c, 4 * c}, {4 * c, c}, {c, 4096}};
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            gemm(root, "1024^3 NN", 1024, 1024, 1024, false, false);
            double tot = 0;
            for (int[] io : lin) {
                int in = io[0], out = io[1];
                String s = in + "->" + out;
                tot += gemm(root, s + " fwd x.Wt (NT)", n, out, in, false, true);
                gemm(root, s + " fwd x.W  (NN)", n, out, in, false, false);
                tot += gemm(root, s + " dX dY.W (NN)", n, in, out, false, false);
                gemm(root, s + " dX dY.Wt(NT)", n, in, out, false, true);
                tot += gemm(root, s + " dW dYt.X(TN)", out, in, n, true, false);
                gemm(root, s + " dW Xt.dY(TN)", in, out, n, true, false);
            }
            System.out.printf("sum of current layout (fwd NT, dX NN, dW TN) per layer-set: %.1f ms%n", tot);
        }
    }

    /** C(m,n) = A(m,k) B(k,n); ta: A stored (k,m); tb: B stored (n,k). Returns best ms. */
    static double gemm(NDManager root, String name, int m, int n, int k, boolean ta, boolean tb) {
        NDArray a = root.randomNormal(ta ? new Shape(k, m) : new Shape(m, k));
        NDArray b = root.randomNormal(tb ? new Shape(n, k) : new Shape(k, n));
        NDArray aa = ta ? a.transpose() : a, bb = tb ? b.transpose() : b;
        double[] t = new double[15];
        for (int i = -3; i < t.length; i++) {
            try (NDManager s = root.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray r = aa.matMul(bb);
                r.attach(s);
                long t1 = System.nanoTime();
                if (i >= 0) t[i] = (t1 - t0) / 1e6;
            }
        }
        Arrays.sort(t);
        System.out.printf("%-26s %5d x %5d x %5d  med %7.2f ms  %6.1f GFLOP/s (best %6.1f)%n", name, m, n, k, t[7],
                2.0 * m * n * k / t[7] / 1e6, 2.0 * m * n * k / t[0] / 1e6);
        return t[7];
    }
}
