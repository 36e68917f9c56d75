package llm.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector products over weights as the file stores them (a little-endian {@link ByteBuffer} of F32, F16 or BF16:
 * a mapping, or over a byte[] in the heap, which the kernels then read directly), with the JDK's incubating Vector API
 * ({@code --add-modules jdk.incubator.vector}; {@code bin/llm} adds it on Java 17–18). Why not plain loops as {@link
 * Kernels}: on Java 17, C2 vectorizes neither a loop over a buffer (measured 0.7–1.4 ns per multiply-add against
 * 0.05–0.1 over arrays) nor the widening of 16-bit values (int/float bit moves), and decoding is bound by the bytes of
 * weights read per token, so the point of BF16/F16 (half the bytes) is lost without SIMD widening. Measured here
 * (AVX-512): a row dot product from a buffer 0.15 ns/MAC in F32, 0.10 in BF16. Weights in the heap (a byte[]) are
 * loaded with fromByteArray: 1.2–1.5× fromByteBuffer on Java 17.
 *
 * <p>Only loaded when the module is present ({@link #AVAILABLE} is checked first, elsewhere). Each output element is
 * computed by the same operations in the same order whatever the range [lo, hi) and whichever thread runs it, and
 * whether its row is fed alone or in a batch: splitting the work never changes a result.
 */
final class VectorKernels {
    private VectorKernels() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** 16-bit lanes, as many as F has: widened to F's shape. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class,
            VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Lanes of a float vector (a row's tail shorter than this is summed in scalar code). */
    static int lanes() {
        return L;
    }

    // ---- widening loads: L values from element index e (not bytes) ----

    // (a = the buffer's byte[] where it lies in the heap: fromByteArray runs at 1.2-1.5x fromByteBuffer on Java 17)

    private static FloatVector f32(ByteBuffer w, byte[] a, int e) {
        return a != null ? FloatVector.fromByteArray(F, a, 4 * e, LE) : FloatVector.fromByteBuffer(F, w, 4 * e, LE);
    }

    private static ShortVector shorts(ByteBuffer w, byte[] a, int e) {
        return a != null ? ShortVector.fromByteArray(S, a, 2 * e, LE) : ShortVector.fromByteBuffer(S, w, 2 * e, LE);
    }

    private static FloatVector bf16(ByteBuffer w, byte[] a, int e) {
        return ((IntVector) shorts(w, a, e).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    /**
     * IEEE half: the 15 magnitude bits moved to a float's exponent/mantissa position read as a float 2^112 too small
     * (normal and subnormal halves alike), then the sign. Inf/NaN halves (never in weights) would read as finite.
     */
    private static FloatVector f16(ByteBuffer w, byte[] a, int e) {
        IntVector h = (IntVector) shorts(w, a, e).convertShape(VectorOperators.S2I, I, 0);
        FloatVector mag = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        return mag.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /**
     * The one per-format step of every kernel: L values from element e widened to floats. {@code t} is the same for
     * every call of a loop (one tensor), so the branch is loop-invariant and always predicted (C2 may also unswitch
     * it, or compile only the formats its profile has seen); the loads are static and inline: no call per element.
     */
    private static FloatVector load(ByteBuffer w, byte[] a, HostTensor.Dtype t, int e) {
        if (t == HostTensor.Dtype.BF16) {
            return bf16(w, a, e);
        }
        return t == HostTensor.Dtype.F16 ? f16(w, a, e) : f32(w, a, e);
    }

    private static float scalar(ByteBuffer w, HostTensor.Dtype t, int e) {
        return switch (t) {
            case F32 -> w.getFloat(4 * e);
            case BF16 -> Float.intBitsToFloat((w.getShort(2 * e) & 0xffff) << 16);
            case F16 -> Safetensors.halfToFloat(w.getShort(2 * e));
        };
    }

    // ---- W stored (out, in): out[o] = Σ_i W[o][i] x[i], one dot product per output ----

    /**
     * For the stored rows s in [lo, hi), W's row o = outputOf[s], and each active row b: y = W[o]·x[b] (+ bias[o]);
     * out[b][o] = y, or += y with {@code add}. The weights of a row are read once for up to four batch rows. The
     * rows are read in stored order, whatever order W's rows have there (llama2.c's q/k rows, GPT-NeoX's q|k|v):
     * read in W's order, a llama2.c file's q/k rows (stored interleaved, every other row) streamed from memory at
     * half the rate of the other matrices (13 against 26 GB/s, 110M shape, two threads; bench/RESULTS.md, issue 20).
     *
     * @param outputOf W's row of stored row s
     */
    static void dotRows(ByteBuffer w, byte[] a, HostTensor.Dtype t, int in, int[] outputOf, float[][] x,
            float[][] out, int[] act, int nAct, float[] bias, boolean add, int lo, int hi) {
        for (int s = lo; s < hi; s++) {
            int base = s * in, o = outputOf[s];
            float b0 = bias == null ? 0f : bias[o];
            int j = 0;
            for (; j + 3 < nAct; j += 4) {
                float[] x0 = x[act[j]], x1 = x[act[j + 1]], x2 = x[act[j + 2]], x3 = x[act[j + 3]];
                float[] o0 = out[act[j]], o1 = out[act[j + 1]], o2 = out[act[j + 2]], o3 = out[act[j + 3]];
                dot4(w, a, t, base, in, x0, x1, x2, x3, o0, o1, o2, o3, o, b0, add);
            }
            for (; j < nAct; j++) {
                float[] xb = x[act[j]];
                put(out[act[j]], o, tail(w, t, base, in, xb, dot(w, a, t, base, in, xb)) + b0, add);
            }
        }
    }

    private static void put(float[] out, int o, float y, boolean add) {
        out[o] = add ? out[o] + y : y;
    }

    /** s plus the products of the columns after the last whole vector pair, in order. */
    private static float tail(ByteBuffer w, HostTensor.Dtype t, int base, int in, float[] x, float s) {
        for (int i = in - in % (2 * L); i < in; i++) {
            s += scalar(w, t, base + i) * x[i];
        }
        return s;
    }

    // Each dot product keeps two accumulators (even and odd vector steps) over the whole vector pairs, then adds
    // them and sums the lanes: the same operations for a row alone and in a group of four.

    private static float dot(ByteBuffer w, byte[] a, HostTensor.Dtype t, int base, int in, float[] x) {
        FloatVector p = FloatVector.zero(F), q = FloatVector.zero(F);
        for (int i = 0; i + 2 * L <= in; i += 2 * L) {
            p = load(w, a, t, base + i).fma(FloatVector.fromArray(F, x, i), p);
            q = load(w, a, t, base + i + L).fma(FloatVector.fromArray(F, x, i + L), q);
        }
        return p.add(q).reduceLanes(VectorOperators.ADD);
    }

    private static void dot4(ByteBuffer w, byte[] a, HostTensor.Dtype t, int base, int in, float[] x0, float[] x1,
            float[] x2, float[] x3, float[] o0, float[] o1, float[] o2, float[] o3, int o, float bias, boolean add) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int i = 0; i + 2 * L <= in; i += 2 * L) {
            FloatVector u = load(w, a, t, base + i), v = load(w, a, t, base + i + L);
            a0 = u.fma(FloatVector.fromArray(F, x0, i), a0);
            b0 = v.fma(FloatVector.fromArray(F, x0, i + L), b0);
            a1 = u.fma(FloatVector.fromArray(F, x1, i), a1);
            b1 = v.fma(FloatVector.fromArray(F, x1, i + L), b1);
            a2 = u.fma(FloatVector.fromArray(F, x2, i), a2);
            b2 = v.fma(FloatVector.fromArray(F, x2, i + L), b2);
            a3 = u.fma(FloatVector.fromArray(F, x3, i), a3);
            b3 = v.fma(FloatVector.fromArray(F, x3, i + L), b3);
        }
        put(o0, o, tail(w, t, base, in, x0, a0.add(b0).reduceLanes(VectorOperators.ADD)) + bias, add);
        put(o1, o, tail(w, t, base, in, x1, a1.add(b1).reduceLanes(VectorOperators.ADD)) + bias, add);
        put(o2, o, tail(w, t, base, in, x2, a2.add(b2).reduceLanes(VectorOperators.ADD)) + bias, add);
        put(o3, o, tail(w, t, base, in, x3, a3.add(b3).reduceLanes(VectorOperators.ADD)) + bias, add);
    }

    // ---- W stored as Wᵀ (in, out): out[lo, hi) = Σ_i x[i] · Wᵀ[i][lo, hi), sums of scaled rows ----

    /**
     * For each active row b: out[b][lo, hi) = bias + Σ_i x[b][i] · Wᵀ[i][lo, hi) (or += with {@code add}), each
     * element by fused multiply-adds in the order of i (vector lanes and the scalar tail alike).
     */
    static void axpyRows(ByteBuffer w, byte[] wa, HostTensor.Dtype t, int in, int outCols, float[][] x, float[][] out,
            int[] act, int nAct, float[] bias, boolean add, int lo, int hi) {
        int vhi = lo + (hi - lo) / L * L;
        for (int j = 0; j < nAct; j++) {
            float[] o = out[act[j]], xb = x[act[j]];
            Kernels.startSum(o, bias, add, lo, hi);
            int i = 0;
            for (; i + 3 < in; i += 4) {
                float s0 = xb[i], s1 = xb[i + 1], s2 = xb[i + 2], s3 = xb[i + 3];
                int r0 = i * outCols, r1 = r0 + outCols, r2 = r1 + outCols, r3 = r2 + outCols;
                axpy4(w, wa, t, o, r0, r1, r2, r3, s0, s1, s2, s3, lo, vhi);
                for (int c = vhi; c < hi; c++) {
                    float a = Math.fma(scalar(w, t, r0 + c), s0, o[c]);
                    a = Math.fma(scalar(w, t, r1 + c), s1, a);
                    a = Math.fma(scalar(w, t, r2 + c), s2, a);
                    o[c] = Math.fma(scalar(w, t, r3 + c), s3, a);
                }
            }
            for (; i < in; i++) {
                float s = xb[i];
                int r = i * outCols;
                for (int c = lo; c < hi; c++) {
                    o[c] = Math.fma(scalar(w, t, r + c), s, o[c]);
                }
            }
        }
    }

    /**
     * Rows [r0, r1) of Wᵀ (in, out), whole: acc[b][0, outCols) += Σ_i x[b][i] · Wᵀ[i][·] for each active row b, each
     * element by fused multiply-adds in the order of i — the same operations as {@link #axpyRows} over those rows.
     * One weight row at a time, read once for all batch rows: the block is one sequential stream (four rows
     * interleaved, as axpyRows reads them, streamed a 768-wide matrix at 12 GB/s on one core, one row at a time at
     * 20; bench/RESULTS.md, issue 20).
     */
    static void axpyBlock(ByteBuffer w, byte[] wa, HostTensor.Dtype t, int outCols, float[][] x, float[][] acc,
            int[] act, int nAct, int r0, int r1) {
        int vhi = outCols / L * L;
        for (int i = r0; i < r1; i++) {
            int r = i * outCols;
            for (int j = 0; j < nAct; j++) {
                float s = x[act[j]][i];
                float[] o = acc[act[j]];
                FloatVector v = FloatVector.broadcast(F, s);
                for (int c = 0; c < vhi; c += L) {
                    load(w, wa, t, r + c).fma(v, FloatVector.fromArray(F, o, c)).intoArray(o, c);
                }
                for (int c = vhi; c < outCols; c++) {
                    o[c] = Math.fma(scalar(w, t, r + c), s, o[c]);
                }
            }
        }
    }

    private static void axpy4(ByteBuffer w, byte[] wa, HostTensor.Dtype t, float[] o, int r0, int r1, int r2, int r3,
            float s0, float s1, float s2, float s3, int lo, int hi) {
        FloatVector v0 = FloatVector.broadcast(F, s0), v1 = FloatVector.broadcast(F, s1);
        FloatVector v2 = FloatVector.broadcast(F, s2), v3 = FloatVector.broadcast(F, s3);
        for (int c = lo; c < hi; c += L) {
            FloatVector a = FloatVector.fromArray(F, o, c);
            a = load(w, wa, t, r0 + c).fma(v0, a);
            a = load(w, wa, t, r1 + c).fma(v1, a);
            a = load(w, wa, t, r2 + c).fma(v2, a);
            a = load(w, wa, t, r3 + c).fma(v3, a);
            a.intoArray(o, c);
        }
    }
}
