package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The decoder's float kernels against plain loops, and the thread team. */
class KernelsTest {
    @Test
    void expIsWithinTwoUlpOfMathExpAndSaturates() {
        int n = 200_001;
        float[] a = new float[n], tmp = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = -87f + 175f * i / (n - 1); // [-87, 88]
        }
        float[] x = a.clone();
        Kernels.exp(a, n, 1f, 0f, tmp);
        for (int i = 0; i < n; i++) {
            float want = (float) Math.exp(x[i]);
            assertTrue(Math.abs(a[i] - want) <= 2 * Math.ulp(want), "exp(" + x[i] + ") = " + a[i] + ", want " + want);
        }
        float[] small = {-3f, -1f, 0f, -0.5f};
        float sum = Kernels.exp(small, 4, 1f, 0f, new float[4]);
        assertEquals(Math.exp(-3) + Math.exp(-1) + 1 + Math.exp(-0.5), sum, 1e-6);
        float[] edge = {-200f, -88f, 89f, 1000f, 0f, Float.NEGATIVE_INFINITY, Float.NaN};
        Kernels.exp(edge, edge.length, 1f, 0f, new float[edge.length]);
        assertEquals(0f, edge[0]);
        assertTrue(edge[1] >= 0 && edge[1] < 1e-37f, "e^-88 = " + edge[1]);
        assertEquals(Float.POSITIVE_INFINITY, edge[2]);
        assertEquals(Float.POSITIVE_INFINITY, edge[3]);
        assertEquals(1f, edge[4]);
        assertEquals(0f, edge[5]);
        assertTrue(Float.isNaN(edge[6]));
        float[] shifted = {1f, 2f, 3f};
        Kernels.exp(shifted, 3, -1f, 1f, new float[3]); // e^(-a - 1)
        assertEquals((float) Math.exp(-4), shifted[2], 2 * Math.ulp((float) Math.exp(-4)));
    }

    @Test
    void productsAndDotsEqualPlainLoops() {
        Random r = new Random(3);
        int in = 37, out = 53;
        float[][] wt = new float[in][out];
        float[] x = new float[in];
        for (int i = 0; i < in; i++) {
            x[i] = r.nextFloat() - 0.5f;
            for (int j = 0; j < out; j++) {
                wt[i][j] = r.nextFloat() - 0.5f;
            }
        }
        float[] y = new float[out];
        Kernels.matvecAdd(y, wt, x, 0, 20);
        Kernels.matvecAdd(y, wt, x, 20, out);
        float[] dots = new float[8];
        Kernels.dot4(dots, 1, 0.5f, wt, 2, wt[0], out);
        float[] comb = new float[out];
        Kernels.combine(comb, wt, 3, x, 5, 7, out);
        for (int j = 0; j < out; j++) {
            double want = 0, c = 0;
            for (int i = 0; i < in; i++) {
                want += (double) wt[i][j] * x[i];
            }
            for (int i = 0; i < 7; i++) {
                c += (double) wt[3 + i][j] * x[5 + i];
            }
            assertEquals(want, y[j], 1e-5);
            assertEquals(c, comb[j], 1e-5);
        }
        for (int k = 0; k < 4; k++) {
            double want = 0;
            for (int t = 0; t < out; t++) {
                want += (double) wt[2 + k][t] * wt[0][t];
            }
            assertEquals(0.5 * want, dots[1 + k], 1e-5);
            assertEquals(want, Kernels.dot(wt[2 + k], wt[0], out), 1e-5);
        }
        assertEquals(0f, dots[0]);
        assertEquals(0f, dots[5]);
    }

    @Test
    void warmUpRunsAtAnyWidth() {
        for (int len : new int[] {48, 64, 97}) {
            Kernels.warmUp(len); // throws on a shape mistake
        }
    }

    @Test
    void teamRunsEveryChunkOnceAndRethrows() {
        try (Team team = new Team(3)) {
            for (int round = 0; round < 200; round++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(17);
                team.run(17, hits::incrementAndGet);
                for (int c = 0; c < 17; c++) {
                    assertEquals(1, hits.get(c), "round " + round + " chunk " + c);
                }
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run(8, c -> {
                if (c == 5) {
                    throw new IllegalStateException("chunk 5");
                }
            }));
            assertEquals("chunk 5", e.getMessage());
        }
    }
}
