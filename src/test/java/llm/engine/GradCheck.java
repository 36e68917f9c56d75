package llm.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.Function;

/** Compares two implementations of a function of tensors: forward values and gradients with respect to inputs. */
public final class GradCheck {
    private GradCheck() {}

    /** Forward value and the gradient of sum(f(x)·w) (w fixed by {@code seed}) with respect to each float input. */
    public record Result(float[] value, Shape shape, float[][] grads) {}

    public static Result run(NDManager m, long seed, Function<NDArray[], NDArray> f, NDArray... inputs) {
        try (NDManager s = m.newSubManager()) {
            NDArray[] xs = new NDArray[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                xs[i] = inputs[i].duplicate();
                xs[i].attach(s);
                if (xs[i].getDataType() == DataType.FLOAT32) {
                    xs[i].setRequiresGradient(true);
                }
            }
            NDArray y;
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                y = f.apply(xs);
                NDArray w = s.create(random(seed, (int) y.getShape().size()), y.getShape());
                gc.backward(y.mul(w).sum());
            }
            float[][] grads = new float[inputs.length][];
            for (int i = 0; i < xs.length; i++) {
                if (xs[i].getDataType() == DataType.FLOAT32) {
                    grads[i] = xs[i].getGradient().toFloatArray();
                }
            }
            return new Result(y.toFloatArray(), y.getShape(), grads);
        }
    }

    /** Values and gradients agree within {@code rel} of the largest magnitude of the expected ones. */
    public static void assertClose(Result expected, Result actual, double rel) {
        assertTrue(expected.shape.equals(actual.shape), "shape " + actual.shape + " vs " + expected.shape);
        assertClose("value", expected.value, actual.value, rel);
        for (int i = 0; i < expected.grads.length; i++) {
            if (expected.grads[i] != null) {
                assertClose("gradient of input " + i, expected.grads[i], actual.grads[i], rel);
            }
        }
    }

    public static void assertClose(String what, float[] expected, float[] actual, double rel) {
        assertTrue(expected.length == actual.length, what + ": length");
        double scale = 0, diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0, what + ": all zero");
        assertTrue(diff <= rel * scale, what + ": max difference " + diff + " > " + rel + " × " + scale);
    }

    /** Uniform in [-1, 1) from {@code seed}. */
    public static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2 * r.nextFloat() - 1;
        }
        return a;
    }
}
