package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both kinds of {@link FloatMatrix} (the Vector API over stored bytes, and the heap rows of the fallback) compute
 * y = W x + bias, and y += W x + bias, against a double-precision reference: W stored (out, in) with a row order and
 * stored as Wᵀ, in F32, BF16 and F16, with lengths that leave vector tails, over sub-ranges of the outputs.
 */
class FloatMatrixTest {
    private static final int OUT = 37, IN = 70; // neither a multiple of the vector length

    /** W (out, in) stored as given: rows of W (with rowOrder) or rows of Wᵀ. */
    private static HostTensor stored(float[][] w, boolean transposed, int[] order, HostTensor.Dtype t) {
        int rows = transposed ? IN : OUT, cols = transposed ? OUT : IN;
        ByteBuffer b = ByteBuffer.allocateDirect(4 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // stored row r of W is W's row o with order[o] == r
                float v = transposed ? w[c][r] : w[inverse(order, r)][c];
                b.putFloat(4 * (r * cols + c), v);
            }
        }
        return new HostTensor(b, HostTensor.Dtype.F32, new long[] {rows, cols}, transposed, transposed ? null : order)
                .convert(t, false);
    }

    private static int inverse(int[] order, int r) {
        for (int o = 0; o < order.length; o++) {
            if (order[o] == r) {
                return o;
            }
        }
        throw new IllegalStateException();
    }

    @Test
    void productsOfBothKindsMatchADoubleReference() {
        Random rnd = new Random(3);
        int[] order = new int[OUT];
        for (int o = 0; o < OUT; o++) {
            order[o] = (o * 11) % OUT; // a permutation (11 and 37 coprime)
        }
        for (HostTensor.Dtype t : HostTensor.Dtype.values()) {
            float[][] w = new float[OUT][IN];
            for (float[] row : w) {
                for (int i = 0; i < IN; i++) { // values exact in every type: the reference needs no rounding
                    row[i] = (rnd.nextInt(255) - 127) / 128f;
                }
            }
            float[] bias = new float[OUT];
            for (int o = 0; o < OUT; o++) {
                bias[o] = rnd.nextInt(9) - 4;
            }
            float[][] x = new float[3][IN];
            for (float[] row : x) {
                for (int i = 0; i < IN; i++) {
                    row[i] = (float) rnd.nextGaussian();
                }
            }
            int[] act = {2, 0};
            for (boolean transposed : new boolean[] {false, true}) {
                HostTensor h = stored(w, transposed, order, t);
                FloatMatrix[] kinds = FloatMatrix.VECTOR ? new FloatMatrix[] {new FloatMatrix.Stored(h),
                        FloatMatrix.Rows.of(h)} : new FloatMatrix[] {FloatMatrix.Rows.of(h)};
                for (FloatMatrix m : kinds) {
                    assertEquals(OUT, m.out);
                    assertEquals(IN, m.in);
                    float[][] y = new float[3][OUT];
                    m.product(x, y, act, 2, bias, false, 0, 3);
                    m.product(x, y, act, 2, bias, false, 3, OUT); // two ranges: the whole product
                    m.product(x, y, act, 1, null, true, 10, 20); // row 2 only, += W x on range 10..19
                    java.util.Set<Integer> again = new java.util.HashSet<>();
                    for (int r = 10; r < 20; r++) {
                        again.add(m.outputOf(r));
                    }
                    assertEquals(10, again.size());
                    for (int j = 0; j < 2; j++) {
                        int b = act[j];
                        for (int o = 0; o < OUT; o++) {
                            double ref = bias[o];
                            for (int i = 0; i < IN; i++) {
                                ref += (double) w[o][i] * x[b][i];
                            }
                            if (b == 2 && again.contains(o)) {
                                ref += ref - bias[o];
                            }
                            assertEquals(ref, y[b][o], 1e-4 * (1 + Math.abs(ref)),
                                    m.getClass().getSimpleName() + " " + t + (transposed ? " Wᵀ" : " W") + " row "
                                            + b + " output " + o);
                        }
                    }
                    assertEquals(0f, y[1][0]); // a row not active is not touched
                }
            }
        }
    }

    @Test
    void aTypeThatLlmWeightsCannotNameIsAUsageError() {
        String old = System.getProperty("llm.weights");
        System.setProperty("llm.weights", "fp8");
        try {
            llm.UserException e = assertThrows(llm.UserException.class, FloatMatrix::forcedType);
            assertEquals(llm.UserException.USAGE, e.exitCode());
            System.setProperty("llm.weights", "BF16");
            assertEquals(HostTensor.Dtype.BF16, FloatMatrix.forcedType());
        } finally {
            if (old == null) {
                System.clearProperty("llm.weights");
            } else {
                System.setProperty("llm.weights", old);
            }
        }
    }
}
