package llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import llm.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdamWTest {
    private static final float[] C = {0.5f, -1f, 2f, 0.25f};  // d loss / d w
    private static final float[] D = {-3f, 0.1f};              // d loss / d b

    /** loss = sum(w * C) + sum(b * D): gradients are C and D. */
    private static void backward(NDManager m, NDArray w, NDArray b, double scale) {
        try (NDManager step = Engines.step(m); GradientCollector gc = Engines.engine().newGradientCollector()) {
            NDArray loss = w.mul(step.create(C, new Shape(2, 2))).sum()
                    .add(b.mul(step.create(D)).sum()).mul(scale);
            gc.backward(loss);
        }
    }

    @ParameterizedTest(name = "fused ops {0}")
    @ValueSource(booleans = {true, false})
    void twoStepsMatchTheFormulaByHand(boolean fused) {
        if (!fused) {
            System.setProperty("llm.fused", "false");
        }
        try {
            twoStepsByHand();
        } finally {
            System.clearProperty("llm.fused");
        }
    }

    private static void twoStepsByHand() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.95;
        double eps = 1e-8;
        double wd = 0.1;
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            float[] w0 = {1f, 2f, -1f, 0.5f};
            float[] b0 = {0.3f, -0.2f};
            NDArray w = m.create(w0, new Shape(2, 2));
            NDArray b = m.create(b0);
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("h.0.mlp.c_fc.weight", w);
            params.put("h.0.mlp.c_fc.bias", b);
            try (AdamW opt = new AdamW(params, m, new AdamW.Hyper(b1, b2, eps, wd))) {
                double[] ew = toDouble(w0);
                double[] eb = toDouble(b0);
                double[][] mom = {new double[4], new double[2]};
                double[][] vel = {new double[4], new double[2]};
                for (int t = 1; t <= 2; t++) {
                    // accumulate two half-gradients (gradient accumulation), then scale 0.5 -> effective C/2, D/2
                    backward(m, w, b, 1.0);
                    backward(m, w, b, 1.0);
                    opt.step(lr, 0.25);
                    hand(ew, C, 0.5, mom[0], vel[0], t, lr, b1, b2, eps, wd);
                    hand(eb, D, 0.5, mom[1], vel[1], t, lr, b1, b2, eps, 0.0);
                    assertArrayEquals(toFloat(ew), w.toFloatArray(), 1e-6f, "weights after step " + t);
                    assertArrayEquals(toFloat(eb), b.toFloatArray(), 1e-6f, "biases after step " + t);
                    assertArrayEquals(new float[4], w.getGradient().toFloatArray(), 0f, "gradient zeroed");
                }
                assertEquals(2, opt.steps());
                assertArrayEquals(toFloat(mom[0]), opt.stateTensors().get("exp_avg.h.0.mlp.c_fc.weight").toFloatArray(), 1e-7f);
            }
        }
    }

    /** PyTorch's AdamW, in doubles. */
    private static void hand(double[] p, float[] g0, double gs, double[] mo, double[] ve, int t, double lr, double b1,
                             double b2, double eps, double wd) {
        for (int i = 0; i < p.length; i++) {
            double g = g0[i] * gs;
            p[i] -= lr * wd * p[i];
            mo[i] = b1 * mo[i] + (1 - b1) * g;
            ve[i] = b2 * ve[i] + (1 - b2) * g * g;
            double mh = mo[i] / (1 - Math.pow(b1, t));
            double vh = ve[i] / (1 - Math.pow(b2, t));
            p[i] -= lr * mh / (Math.sqrt(vh) + eps);
        }
    }

    @Test
    void decayGroups() {
        assertTrue(AdamW.decays("h.0.attn.c_attn.weight", new Shape(64, 192)));
        assertTrue(AdamW.decays("lm_head.weight", new Shape(100, 64)));
        assertFalse(AdamW.decays("h.0.attn.c_attn.bias", new Shape(192)));
        assertFalse(AdamW.decays("h.0.ln_1.weight", new Shape(64)));
        assertFalse(AdamW.decays("wte.weight", new Shape(100, 64)));
        assertFalse(AdamW.decays("wpe.weight", new Shape(32, 64)));
        assertFalse(AdamW.decays("model.embed_tokens.weight", new Shape(100, 64)));
    }

    @ParameterizedTest(name = "fused ops {0}")
    @ValueSource(booleans = {true, false})
    void globalNormAndClipScale(boolean fused) {
        if (!fused) {
            System.setProperty("llm.fused", "false");
        }
        try {
            globalNormByHand();
        } finally {
            System.clearProperty("llm.fused");
        }
    }

    private static void globalNormByHand() {
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            NDArray w = m.create(new float[] {1f, 2f, -1f, 0.5f}, new Shape(2, 2));
            NDArray b = m.create(new float[] {0.3f, -0.2f});
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            backward(m, w, b, 2.0);
            double expected = 0;
            for (float c : C) {
                expected += 4 * c * c;
            }
            for (float d : D) {
                expected += 4 * d * d;
            }
            expected = Math.sqrt(expected);
            int before = m.getManagedArrays().size();
            try (NDManager s = Engines.step(m)) {
                assertEquals(expected, Gradients.globalNorm(java.util.List.of(w, b), s), 1e-5);
            }
            assertEquals(before, m.getManagedArrays().size(), "no arrays left behind");
        }
        assertEquals(1.0, Gradients.clipScale(0.5, 1.0));
        assertEquals(0.25, Gradients.clipScale(4.0, 1.0), 1e-6);
        assertEquals(1.0, Gradients.clipScale(4.0, 0));
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
