package llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU decoder over weights kept as stored: BF16/F16 matrices widened in the kernels give exactly what F32
 * matrices holding the same (rounded) values give, and stay within the half type's rounding of the F32 model; the
 * result does not depend on the threads or on the rows fed together.
 */
class HalfWeightsTest extends CpuRoot {
    /** A random model's weights as off-heap F32 tensors (matrices (out, in), as the engine keeps them). */
    private static ModelArrays randomArrays(ModelConfig c, long seed) {
        LanguageModel m = LanguageModel.create(c, root, seed);
        Map<String, HostTensor> t = new LinkedHashMap<>();
        for (Parameter p : m.parameters()) {
            t.put(p.name(), HostTensor.of(p.array().toFloatArray(), p.array().getShape().getShape()));
        }
        return new ModelArrays(c, t);
    }

    /** The same weights with every matrix converted to {@code to}; {@code back}: then widened to F32 again. */
    private static ModelArrays matricesAs(ModelArrays a, HostTensor.Dtype to, boolean back) {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        a.tensors().forEach((name, x) -> {
            HostTensor y = x.shape().length == 2 ? x.convert(to, false) : x;
            t.put(name, back ? y.convert(HostTensor.Dtype.F32, false) : y);
        });
        return new ModelArrays(a.config(), t);
    }

    /** Logits of {@code steps} greedy-free steps over fixed tokens, rows fed together, concatenated. */
    private static float[] logits(ModelArrays a, int batch, int threads, int steps) {
        CpuDecoder d = new CpuDecoder(a, batch, steps, threads);
        try {
            d.alwaysUseTeam();
            int v = a.config().vocabSize();
            float[] all = new float[steps * batch * v];
            int[] tok = new int[batch];
            for (int s = 0; s < steps; s++) {
                for (int b = 0; b < batch; b++) {
                    tok[b] = (s * 7 + b * 13 + 1) % v;
                }
                float[][] out = d.step(tok, null);
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(out[b], 0, all, (s * batch + b) * v, v);
                }
            }
            return all;
        } finally {
            d.close();
        }
    }

    private static double relativeError(float[] got, float[] want) {
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            num += (got[i] - want[i]) * (double) (got[i] - want[i]);
            den += want[i] * (double) want[i];
        }
        return Math.sqrt(num / den);
    }

    private static final ModelConfig LLAMA = ModelConfig.llama(300, 16, 64, 2, 4, 2, 160, false);
    private static final ModelConfig GPT2 = ModelConfig.gpt2(300, 16, 64, 2, 4);

    @Test
    void halfMatricesEqualF32MatricesOfTheRoundedValues() {
        assumeTrue(FloatMatrix.VECTOR, "the Vector API module is not present (run with --add-modules)");
        for (ModelConfig c : new ModelConfig[] {LLAMA, GPT2}) {
            ModelArrays f32 = randomArrays(c, 3);
            for (HostTensor.Dtype t : new HostTensor.Dtype[] {HostTensor.Dtype.BF16, HostTensor.Dtype.F16}) {
                float[] half = logits(matricesAs(f32, t, false), 3, 1, 6);
                float[] rounded = logits(matricesAs(f32, t, true), 3, 1, 6);
                assertArrayEquals(rounded, half, 0f, c.arch() + " " + t); // the widening is exact
                double err = relativeError(half, logits(f32, 3, 1, 6));
                // bf16 keeps 8 significant bits (relative rounding 2^-9), f16 11 (2^-12)
                double bound = t == HostTensor.Dtype.BF16 ? 1e-2 : 2e-3;
                assertTrue(err < bound && err > 0, c.arch() + " " + t + " vs f32: relative error " + err);
            }
        }
    }

    /** The same tensors with their bytes copied into byte[]s in the heap (as FloatMatrix.inHeap has them read). */
    private static ModelArrays inHeap(ModelArrays a) {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        a.tensors().forEach((name, x) -> {
            java.nio.ByteBuffer src = x.data().duplicate().clear();
            java.nio.ByteBuffer copy = HostTensor.allocate(src.remaining(), true).put(src).clear();
            HostTensor y = new HostTensor(copy, x.dtype(), x.shape(), x.transposed(), x.rowOrder());
            assertTrue(y.array() != null && x.array() == null, name);
            t.put(name, y);
        });
        return new ModelArrays(a.config(), t);
    }

    @Test
    void weightsInTheHeapGiveWhatMappedOnesGive() { // the byte[] loads against the ByteBuffer loads of the kernels
        assumeTrue(FloatMatrix.VECTOR, "the Vector API module is not present (run with --add-modules)");
        for (ModelConfig c : new ModelConfig[] {LLAMA, GPT2}) {
            ModelArrays f32 = randomArrays(c, 5);
            for (HostTensor.Dtype t : HostTensor.Dtype.values()) {
                ModelArrays off = matricesAs(f32, t, false);
                assertArrayEquals(logits(off, 3, 2, 5), logits(inHeap(off), 3, 2, 5), 0f, c.arch() + " " + t);
            }
        }
    }

    @Test
    void threadsAndBatchRowsDoNotChangeAResult() {
        ModelConfig wide = ModelConfig.llama(700, 8, 256, 1, 4, 2, 512, false); // products above the split size
        ModelArrays a = randomArrays(wide, 4);
        for (HostTensor.Dtype t : FloatMatrix.VECTOR ? HostTensor.Dtype.values()
                : new HostTensor.Dtype[] {HostTensor.Dtype.F32}) {
            ModelArrays m = matricesAs(a, t, false);
            float[] one = logits(m, 5, 1, 4);
            assertArrayEquals(one, logits(m, 5, 3, 4), 0f, t + ": 3 threads");
            float[] alone = logits(m, 1, 1, 4); // row 0 fed alone: same tokens as row 0 of the batch
            int v = wide.vocabSize();
            for (int s = 0; s < 4; s++) {
                float[] a0 = java.util.Arrays.copyOfRange(alone, s * v, (s + 1) * v);
                float[] b0 = java.util.Arrays.copyOfRange(one, s * 5 * v, (s * 5 + 1) * v);
                assertArrayEquals(a0, b0, 0f, t + ": row alone vs in a batch of 5, step " + s);
            }
        }
    }

    /**
     * GPT-2's matrices as a release stores them (Conv1D: Wᵀ, (in, out)), as {@code Release.readArrays} hands them
     * to the decoder; the other tensors as they are.
     */
    private static ModelArrays asConv1d(ModelArrays a) {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        a.tensors().forEach((name, x) -> {
            if (x.shape().length == 2 && name.matches(".*\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.weight")) {
                int out = (int) x.shape()[0], in = (int) x.shape()[1];
                float[] w = x.toFloats(), wt = new float[w.length];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        wt[i * out + o] = w[o * in + i];
                    }
                }
                java.nio.ByteBuffer b = HostTensor.allocate(4 * wt.length, false);
                b.asFloatBuffer().put(wt);
                t.put(name, new HostTensor(b, HostTensor.Dtype.F32, new long[] {in, out}, true, null));
            } else {
                t.put(name, x);
            }
        });
        return new ModelArrays(a.config(), t);
    }

    /**
     * Wᵀ matrices of 256 Ki elements and more are multiplied by blocks of input rows, each block's sums added in
     * block order: the result is within fp32 rounding of the dot products of W, and the same whatever the threads,
     * the rows fed together, the type's widening or where the bytes lie.
     */
    @Test
    void conv1dMatricesSplitByInputRowsGiveOneResult() {
        assumeTrue(FloatMatrix.VECTOR, "the Vector API module is not present (run with --add-modules)");
        ModelConfig wide = ModelConfig.gpt2(300, 8, 384, 1, 6); // c_fc 384 x 1536: 4 blocks; c_attn: 3
        ModelArrays w = randomArrays(wide, 6);
        ModelArrays wt = asConv1d(w);
        assertEquals(4, FloatMatrix.of(wt.tensor("transformer.h.0.mlp.c_fc.weight")).rowBlocks());
        assertEquals(3, FloatMatrix.of(wt.tensor("transformer.h.0.attn.c_attn.weight")).rowBlocks());
        assertEquals(1, FloatMatrix.of(wt.tensor("transformer.h.0.attn.c_proj.weight")).rowBlocks());
        assertEquals(1, FloatMatrix.of(w.tensor("transformer.h.0.mlp.c_fc.weight")).rowBlocks()); // (out, in)
        float[] dots = logits(w, 5, 1, 4);
        float[] one = logits(wt, 5, 1, 4);
        double err = relativeError(one, dots);
        assertTrue(err < 1e-5 && err > 0, "Wᵀ by blocks vs W by dot products: relative error " + err);
        assertArrayEquals(one, logits(wt, 5, 3, 4), 0f, "3 threads");
        float[] alone = logits(wt, 1, 1, 4);
        int v = wide.vocabSize();
        for (int s = 0; s < 4; s++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(alone, s * v, (s + 1) * v),
                    java.util.Arrays.copyOfRange(one, s * 5 * v, (s * 5 + 1) * v), 0f, "row alone, step " + s);
        }
        assertArrayEquals(logits(matricesAs(wt, HostTensor.Dtype.BF16, true), 3, 2, 4),
                logits(matricesAs(wt, HostTensor.Dtype.BF16, false), 3, 2, 4), 0f, "BF16 = F32 of its values");
        assertArrayEquals(logits(wt, 3, 2, 4), logits(inHeap(wt), 3, 2, 4), 0f, "heap = off-heap");
    }

    @Test
    void floatToHalfAndBf16RoundToNearestEven() {
        for (int h = 0; h < 65536; h++) { // every finite half survives float and back
            float f = Safetensors.halfToFloat((short) h);
            if (!Float.isNaN(f) && !Float.isInfinite(f)) {
                assertEquals((short) h, HostTensor.floatToHalf(f), "half " + Integer.toHexString(h));
            }
        }
        assertEquals(0x3c00, HostTensor.floatToHalf(1f + 0x1p-11f)); // a tie: to even (1.0)
        assertEquals(0x3c02, HostTensor.floatToHalf(1f + 3 * 0x1p-11f)); // a tie: to even (1 + 2^-9)
        assertEquals(0x7c00, HostTensor.floatToHalf(70000f));
        assertEquals(0x0001, HostTensor.floatToHalf(0x1p-24f));
        assertEquals((short) 0x3f80, HostTensor.floatToBf16(1f + 0x1p-8f)); // tie to even
        assertEquals((short) 0x3f81, HostTensor.floatToBf16(1f + 0x1p-8f + 0x1p-20f)); // above the tie
        Random r = new Random(1);
        for (int i = 0; i < 1000; i++) { // bf16 is float's upper half: within half an ulp of 8 bits
            float f = (float) r.nextGaussian();
            float b = Float.intBitsToFloat((HostTensor.floatToBf16(f) & 0xffff) << 16);
            assertTrue(Math.abs(b - f) <= Math.ulp(f) * 0x1p15f, f + " -> " + b);
        }
    }

    @Test
    void mappedLlama2cRowsReadInHalvesOrder() {
        // W's row o is stored row order[o]: the inverse of the copy interleavedToHalves made
        int heads = 2, hd = 4, cols = 3;
        float[] w = new float[heads * hd * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = i;
        }
        float[] copied = Llama2c.interleavedToHalves(w, heads, hd, cols);
        HostTensor t = new HostTensor(HostTensor.of(w, heads * hd, cols).data(), HostTensor.Dtype.F32,
                new long[] {heads * hd, cols}, false, Llama2c.halvesOrder(heads, hd));
        assertArrayEquals(copied, t.toFloats(), 0f);
    }
}
