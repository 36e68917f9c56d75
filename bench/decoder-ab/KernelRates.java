package llm.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * CPU nanoseconds per multiply-add of the decoder's matrix kernels on one core ({@code bench/decoder-ab.sh kernels};
 * issue 20): {@link FloatMatrix.Rows} (heap float32 rows of Wᵀ, plain loops C2 vectorizes) against
 * {@link FloatMatrix.Stored} (the Vector API over a read-only direct buffer, as a mapping is read) for W stored
 * (out, in) ({@code f32}, {@code bf16}: a dot product per output) and as Wᵀ ({@code Tf32}, {@code Tbf16}: sums of
 * scaled rows); then the heap rows over output ranges of 1, 2, 4 and 8 chunks, as a product split over the thread
 * team runs them. Main-thread CPU time, the best round of {@code CPU_SECONDS} (argument, default 1) per figure:
 * what the load of a shared machine disturbs least — under a heavy load the JIT's threads get little CPU and the
 * first seconds run uncompiled code, so give more there. Small shapes stay in the cache; (32000, ·) is a
 * classifier streamed from memory.
 */
public final class KernelRates {
    private static final int[][] SHAPES = {{288, 288}, {768, 288}, {288, 768}, {2048, 768}, {768, 2048},
            {32000, 288}, {32000, 768}};
    private static final String[] KINDS = {"rows", "f32", "Tf32", "bf16", "Tbf16"};

    private static double budget = 1.0; // CPU seconds per figure

    public static void main(String[] args) {
        if (args.length > 0) {
            budget = Double.parseDouble(args[0]);
        }
        Random r = new Random(1);
        for (int[] s : SHAPES) {
            int out = s[0], in = s[1];
            float[] w = new float[out * in];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextGaussian() * 0.02f;
            }
            StringBuilder line = new StringBuilder(String.format("(%5d,%5d) %5.1f MB f32:", out, in, 4e-6 * w.length));
            for (String kind : KINDS) {
                FloatMatrix m = matrix(kind, w, out, in);
                line.append(String.format("  %s %.3f", kind, nanosPerMac(m, out, 0)));
            }
            System.out.println(line.append(" ns/MAC"));
        }
        System.out.println("heap rows (sums of scaled rows) over a product split into chunks of outputs:");
        for (int[] s : SHAPES) {
            int out = s[0], in = s[1];
            if (out > 4096) {
                continue;
            }
            float[] w = new float[out * in];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextGaussian() * 0.02f;
            }
            FloatMatrix m = matrix("rows", w, out, in);
            StringBuilder line = new StringBuilder(String.format("(%5d,%5d):", out, in));
            for (int chunks : new int[] {1, 2, 4, 8}) {
                int step = Math.min(out, Math.max(64, (out + chunks - 1) / chunks + 15) / 16 * 16);
                line.append(String.format("  %d×%d %.3f", (out + step - 1) / step, step, nanosPerMac(m, out, step)));
            }
            System.out.println(line.append(" ns/MAC"));
        }
    }

    /** W (out, in) from row-major w, as the given kind of matrix. */
    private static FloatMatrix matrix(String kind, float[] w, int out, int in) {
        boolean transposed = kind.startsWith("T");
        HostTensor t = HostTensor.of(w, out, in);
        if (transposed) { // stored as Wᵀ (in, out), as GPT-2's Conv1D
            float[] wt = new float[w.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    wt[i * out + o] = w[o * in + i];
                }
            }
            HostTensor s = HostTensor.of(wt, in, out);
            t = new HostTensor(s.data(), s.dtype(), s.shape(), true, null);
        }
        return switch (transposed ? kind.substring(1) : kind) {
            case "rows" -> FloatMatrix.Rows.of(t);
            case "f32" -> new FloatMatrix.Stored(t);
            default -> new FloatMatrix.Stored(t.convert(HostTensor.Dtype.BF16, false));
        };
    }

    /** y = W x in ranges of {@code step} outputs (0: all at once): CPU ns per multiply-add. */
    private static double nanosPerMac(FloatMatrix m, int out, int step) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        float[][] x = {new float[m.in]}, y = {new float[out]};
        java.util.Arrays.fill(x[0], 0.5f);
        int[] act = {0};
        int range = step <= 0 ? out : step;
        long macs = (long) out * m.in;
        int reps = (int) Math.max(2, 20_000_000L / macs); // rounds of ~2-5 ms
        double best = Double.MAX_VALUE;
        long start = mx.getCurrentThreadCpuTime();
        while (mx.getCurrentThreadCpuTime() - start < budget * 1e9) {
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                for (int lo = 0; lo < out; lo += range) {
                    m.product(x, y, act, 1, null, false, lo, Math.min(out, lo + range));
                }
            }
            best = Math.min(best, (mx.getCurrentThreadCpuTime() - c0) / (double) reps / macs);
        }
        return best;
    }
}
