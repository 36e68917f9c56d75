package llm.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The MFU reference of a CPU: the fp32 matmul rate this engine reaches here (the best of a few timed
 * (n×n)·(n×n) products), since a datasheet peak means little for a CPU behind a BLAS library.
 */
public final class MatmulPeak {
    private MatmulPeak() {}

    /** Best FLOP/s of n×n fp32 matmuls over about {@code seconds} of work, on {@code manager}'s device. */
    public static double measure(NDManager manager, int n, double seconds) {
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            a.matMul(b).getFloat(0, 0); // warm-up
            double best = 0;
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            do {
                try (NDManager s = m.newSubManager()) {
                    NDArray a2 = a.duplicate();
                    a2.attach(s);
                    long t0 = System.nanoTime();
                    NDArray c = a2.matMul(b);
                    c.getFloat(0, 0); // waits for the result on a GPU
                    double dt = (System.nanoTime() - t0) / 1e9;
                    best = Math.max(best, 2.0 * n * n * n / dt);
                }
            } while (System.nanoTime() < deadline);
            return best;
        }
    }
}
