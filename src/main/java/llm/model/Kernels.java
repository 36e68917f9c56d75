package llm.model;

/**
 * The float loops of {@link CpuDecoder}, shaped so that C2's auto-vectorizer (SuperWord) turns them into SIMD on
 * Java 17 without the incubating Vector API. What it needs, measured on this project's machines:
 * <ul>
 *   <li>Every array index is the loop variable itself ({@code w[r]}, {@code o[r]}). An index with a run-time offset
 *   ({@code w[base + r]}) keeps the loop scalar, ~8× slower — so matrices are arrays of rows, and the KV cache one
 *   array per (dimension, layer, sequence).</li>
 *   <li>No float reduction: {@code s += a[i] * b[i]} stays scalar (Java must keep the order of the adds), so
 *   products are written as sums of scaled rows (axpy) into the output, and the few real dot products use eight
 *   independent accumulators.</li>
 *   <li>No int/float bit moves or conversions in the loop ({@code Float.intBitsToFloat}, {@code (int) f}) and no
 *   {@code Math.max}: {@link #exp} does its vector part in pure float arithmetic and builds 2^k in a scalar pass.</li>
 * </ul>
 */
final class Kernels {
    private Kernels() {}

    /** o[lo, hi) += w[lo, hi) · s. */
    static void axpy(float[] o, float[] w, float s, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            o[r] += w[r] * s;
        }
    }

    /**
     * Where a product y = W x (+ bias) starts summing into o[lo, hi): the bias, or zeros; with {@code add}, the
     * values o holds plus the bias. {@code bias} may be null.
     */
    static void startSum(float[] o, float[] bias, boolean add, int lo, int hi) {
        if (!add) {
            if (bias == null) {
                java.util.Arrays.fill(o, lo, hi, 0f);
            } else {
                System.arraycopy(bias, lo, o, lo, hi - lo);
            }
        } else if (bias != null) {
            axpy(o, bias, 1f, lo, hi);
        }
    }

    /** o[lo, hi) += w0·s0 + w1·s1 + w2·s2 + w3·s3: four rows per pass over o. */
    static void axpy4(float[] o, float[] w0, float[] w1, float[] w2, float[] w3, float s0, float s1, float s2,
            float s3, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            o[r] += w0[r] * s0 + w1[r] * s1 + w2[r] * s2 + w3[r] * s3;
        }
    }

    /**
     * out[lo, hi) += Σ_i x[i] · wt[i][lo, hi): the product W x for columns [lo, hi) of the output, with W (out, in)
     * given as the rows of its transpose, wt (in)(out). Each output element gets its terms in the same order
     * whatever the range, so splitting the columns over threads does not change the result.
     */
    static void matvecAdd(float[] out, float[][] wt, float[] x, int lo, int hi) {
        int n = wt.length, i = 0;
        for (; i + 3 < n; i += 4) {
            axpy4(out, wt[i], wt[i + 1], wt[i + 2], wt[i + 3], x[i], x[i + 1], x[i + 2], x[i + 3], lo, hi);
        }
        for (; i < n; i++) {
            axpy(out, wt[i], x[i], lo, hi);
        }
    }

    /** Σ a[i] · b[i] for i < n, with eight independent sums (a float reduction does not vectorize). */
    static float dot(float[] a, float[] b, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
            s4 += a[i + 4] * b[i + 4];
            s5 += a[i + 5] * b[i + 5];
            s6 += a[i + 6] * b[i + 6];
            s7 += a[i + 7] * b[i + 7];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /**
     * out[o + j] = s · Σ_t a[t] · rows[first + j][t] for j < 4, t < n: four dot products that share the loads of a,
     * with two independent sums each.
     */
    static void dot4(float[] out, int o, float s, float[][] rows, int first, float[] a, int n) {
        float[] r0 = rows[first], r1 = rows[first + 1], r2 = rows[first + 2], r3 = rows[first + 3];
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, u0 = 0, u1 = 0, u2 = 0, u3 = 0;
        int t = 0;
        for (; t + 1 < n; t += 2) {
            float a0 = a[t], a1 = a[t + 1];
            s0 += a0 * r0[t];
            s1 += a0 * r1[t];
            s2 += a0 * r2[t];
            s3 += a0 * r3[t];
            u0 += a1 * r0[t + 1];
            u1 += a1 * r1[t + 1];
            u2 += a1 * r2[t + 1];
            u3 += a1 * r3[t + 1];
        }
        if (t < n) {
            float a0 = a[t];
            s0 += a0 * r0[t];
            s1 += a0 * r1[t];
            s2 += a0 * r2[t];
            s3 += a0 * r3[t];
        }
        out[o] = (s0 + u0) * s;
        out[o + 1] = (s1 + u1) * s;
        out[o + 2] = (s2 + u2) * s;
        out[o + 3] = (s3 + u3) * s;
    }

    /** Σ_i c[i] · rows[i][0, n) into out[0, n) (overwritten): n-long rows scaled and added, four per pass. */
    static void combine(float[] out, float[][] rows, int first, float[] c, int cOff, int count, int n) {
        java.util.Arrays.fill(out, 0, n, 0f);
        int i = 0;
        for (; i + 3 < count; i += 4) {
            axpy4(out, rows[first + i], rows[first + i + 1], rows[first + i + 2], rows[first + i + 3], c[cOff + i],
                    c[cOff + i + 1], c[cOff + i + 2], c[cOff + i + 3], 0, n);
        }
        for (; i < count; i++) {
            axpy(out, rows[first + i], c[cOff + i], 0, n);
        }
    }

    /** max(a[0, n)), −∞ when n = 0. */
    static float max(float[] a, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }

    /**
     * Calls every kernel on scratch arrays often enough that the JIT compiles them with C2 (HotSpot compiles a
     * method after some hundreds to thousands of calls; until then it runs interpreted or as scalar C1 code, 5–20×
     * slower). The arrays have the length of the model's rows, as C2 shapes a loop after the trip counts it has
     * seen: warmed up on 48-long loops, the products of the 15M model ran 25% slower for good. {@link CpuDecoder}
     * runs this on a second thread when the model's shape is not known (with a shape it runs real decode steps
     * instead); some tens of ms of CPU.
     *
     * @param len the length of the loops (a model width)
     */
    static void warmUp(int len) {
        int rounds = 5_000;
        float[][] w8 = new float[8][len], w9 = new float[9][len]; // with and without a remainder row
        float[] x = new float[9], o = new float[len], a = new float[len], tmp = new float[len], out = new float[8];
        float[][] hs = {new float[len - 1], new float[len]};
        for (int r = 0; r < rounds; r++) {
            int n = len - 1 + (r & 1); // odd and even lengths take every branch of the loops
            float[][] w = (r & 2) == 0 ? w8 : w9;
            w[r & 7][r % n] = r * 1e-4f;
            x[r & 7] = 1f / (r + 1);
            matvecAdd(o, w, x, 0, n);
            combine(a, w, 0, x, 0, 5 + (r & 3), n);
            a[r % n] = (r & 4) == 0 ? -1e3f : 1e3f; // e^x out of range both ways
            exp(a, n, 1f, 0f, tmp);
            a[r % n] = 0f;
            exp(a, n, 1f, max(a, n), tmp);
            dot4(out, 0, 1f, w, 0, o, n);
            out[4] = dot(o, w[3], n);
            axpy(o, w[7], -1f, 0, n);
            float[] h = hs[r & 1]; // activations and norms of two lengths
            System.arraycopy(o, 0, h, 0, h.length);
            swiglu(h, o, a, tmp);
            gelu(h, a, tmp);
            geluErf(h, a, tmp);
            rmsNorm(h, h, w[0], 1e-5f);
            layerNorm(h, h, w[0], w[1], 1e-5f);
        }
    }

    /**
     * Takes the rare branches of the kernels a few hundred times (e^x out of range both ways), on short arrays, so
     * that they are in the JIT's profile when real decode steps warm the rest up: a branch the profile never saw is
     * compiled as a trap, and taking it later throws the compiled code away (seen: the attention's compiled code
     * discarded at the first real token). Cheap: no loop runs long enough for the JIT to compile it on its own.
     */
    static void warmUpRareBranches() {
        float[] a = new float[8], tmp = new float[8];
        for (int r = 0; r < 300; r++) {
            a[r & 7] = (r & 1) == 0 ? -1e3f : 1e3f;
            exp(a, 8, 1f, 0f, tmp);
            a[r & 7] = 0f;
            a[(r + 3) & 7] = -1e3f;
            exp(a, 8, 1f, max(a, 8), tmp);
            a[(r + 3) & 7] = 0f;
        }
    }

    /** out = w ⊙ in / rms(in), rms = √(mean(in²) + eps). */
    static void rmsNorm(float[] out, float[] in, float[] w, float eps) {
        int n = in.length;
        float ss = 0;
        for (float a : in) {
            ss += a * a;
        }
        ss = ss / n + eps;
        ss = (float) (1.0 / Math.sqrt(ss));
        for (int i = 0; i < n; i++) {
            out[i] = w[i] * (ss * in[i]);
        }
    }

    /** out = (in − mean) / √(var + eps) ⊙ w + bias. */
    static void layerNorm(float[] out, float[] in, float[] w, float[] bias, float eps) {
        int n = in.length;
        float mean = 0;
        for (float a : in) {
            mean += a;
        }
        mean /= n;
        float var = 0;
        for (float a : in) {
            var += (a - mean) * (a - mean);
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        for (int i = 0; i < n; i++) {
            out[i] = (in[i] - mean) * inv * w[i] + bias[i];
        }
    }

    /** h1 = silu(h1) · h3 = h1 / (1 + e^−h1) · h3. */
    static void swiglu(float[] h1, float[] h3, float[] e, float[] tmp) {
        int n = h1.length;
        System.arraycopy(h1, 0, e, 0, n);
        Kernels.exp(e, n, -1f, 0f, tmp);
        for (int i = 0; i < n; i++) {
            h1[i] = h1[i] / (1f + e[i]) * h3[i];
        }
    }

    /**
     * h = GELU(h), tanh approximation: 0.5 h (1 + tanh(y)), y = √(2/π) (h + 0.044715 h³), computed as its equal
     * h / (1 + e^−2y) (1 + tanh(y) = 2 / (1 + e^−2y)), which needs one exp and has no cancellation near 0.
     */
    static void gelu(float[] h, float[] e, float[] tmp) {
        int n = h.length;
        float s = (float) (-2 * Math.sqrt(2.0 / Math.PI));
        for (int i = 0; i < n; i++) {
            float a = h[i];
            e[i] = s * (a + 0.044715f * a * a * a);
        }
        Kernels.exp(e, n, 1f, 0f, tmp);
        for (int i = 0; i < n; i++) {
            h[i] = h[i] / (1f + e[i]);
        }
    }

    private static final float INV_SQRT2 = 0.70710678118654752f;
    // Abramowitz & Stegun 7.1.26: erf(z) = 1 − t(a1 + t(a2 + t(a3 + t(a4 + t a5)))) e^−z², t = 1 / (1 + p z), z ≥ 0,
    // |error| ≤ 1.5e-7 — below float's own resolution of GELU's result (Java 17 has no Math.erf)
    private static final float ERF_P = 0.3275911f, ERF_A1 = 0.254829592f, ERF_A2 = -0.284496736f,
            ERF_A3 = 1.421413741f, ERF_A4 = -1.453152027f, ERF_A5 = 1.061405429f;

    /** h = GELU(h) exact (GPT-NeoX's {@code gelu}): 0.5 h (1 + erf(h / √2)), erf by {@link #ERF_P A&S 7.1.26}. */
    static void geluErf(float[] h, float[] e, float[] tmp) {
        int n = h.length;
        for (int i = 0; i < n; i++) {
            float z = h[i] * INV_SQRT2;
            e[i] = z * z;
        }
        Kernels.exp(e, n, -1f, 0f, tmp); // e^−z²
        for (int i = 0; i < n; i++) {
            float a = h[i];
            float t = 1f / (1f + ERF_P * Math.abs(a) * INV_SQRT2);
            float erfAbs = 1f - t * (ERF_A1 + t * (ERF_A2 + t * (ERF_A3 + t * (ERF_A4 + t * ERF_A5)))) * e[i];
            h[i] = a >= 0 ? 0.5f * a * (1f + erfAbs) : 0.5f * a * (1f - erfAbs); // erf is odd
        }
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f; // ln 2 = LN2_HI + LN2_LO
    private static final float ROUND = 12582912f; // 1.5 · 2^23: adding it rounds to an integer, kept in the low bits

    /**
     * a[i] = e^(scale · a[i] − shift) for i < n, within 2 ulp of {@code Math.exp} (Cephes' expf: e^x = 2^k · e^r,
     * k = round(x / ln 2), |r| ≤ ln 2 / 2, e^r by a degree-7 polynomial); 0 below e^−87, +∞ above e^88. A vector pass
     * computes e^r and k + ROUND (into tmp), a scalar pass multiplies by 2^k from k's bits. {@code Math.exp} costs
     * ~20 ns here; this, ~1 ns. Returns Σ a[i] (in index order), which the softmax needs.
     */
    static float exp(float[] a, int n, float scale, float shift, float[] tmp) {
        expReduced(a, n, scale, shift, tmp);
        return expScale(a, n, tmp);
    }

    /** The vector pass of {@link #exp}: a[i] = e^r, tmp[i] = k + ROUND. */
    private static void expReduced(float[] a, int n, float scale, float shift, float[] tmp) {
        for (int i = 0; i < n; i++) {
            float x = scale * a[i] - shift;
            float m = x * LOG2E + ROUND; // k + ROUND, k = round(x / ln 2)
            float k = m - ROUND;
            float r = x - k * LN2_HI - k * LN2_LO;
            float p = 1.9875691500E-4f;
            p = p * r + 1.3981999507E-3f;
            p = p * r + 8.3334519073E-3f;
            p = p * r + 4.1665795894E-2f;
            p = p * r + 1.6666665459E-1f;
            p = p * r + 5.0000001201E-1f;
            a[i] = p * r * r + r + 1f; // e^r
            tmp[i] = m;
        }
    }

    /** The scalar pass of {@link #exp}: a[i] ·= 2^k, k from tmp[i]'s bits; returns the sum. */
    private static float expScale(float[] a, int n, float[] tmp) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float m = tmp[i];
            // m's bits are those of ROUND plus k; shifted into the exponent field they give 2^k
            float e = a[i] * Float.intBitsToFloat((Float.floatToRawIntBits(m) << 23) + 0x3f800000);
            if (m < ROUND - 126f) {
                e = 0f;
            } else if (m > ROUND + 127f) {
                e = Float.POSITIVE_INFINITY;
            }
            a[i] = e;
            sum += e;
        }
        return sum;
    }
}
