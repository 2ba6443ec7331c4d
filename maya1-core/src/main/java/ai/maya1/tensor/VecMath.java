package ai.maya1.tensor;

/** Small float32 vector operations of the forward pass (norms, activations, residuals). */
public final class VecMath {
    private VecMath() {
    }

    /**
     * Llama RMSNorm: {@code y[i] = w[i] · (x[i] / sqrt(mean(x²) + eps))}, eps inside the root, weight after
     * normalising. The sum of squares is accumulated in double.
     */
    public static void rmsNorm(float[] x, int xOff, float[] w, float eps, float[] y, int yOff, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            ss += (double) v * v;
        }
        float mean = (float) (ss / n);
        float inv = (float) (1.0 / Math.sqrt(mean + eps));
        for (int i = 0; i < n; i++) {
            y[yOff + i] = w[i] * (x[xOff + i] * inv);
        }
    }

    /** {@code x += y} over n elements. */
    public static void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    /** {@code g = silu(g) · u} with {@code silu(z) = z / (1 + e^-z)}. */
    public static void siluMul(float[] g, float[] u, int n) {
        for (int i = 0; i < n; i++) {
            float z = g[i];
            g[i] = (float) (z / (1.0 + Math.exp(-z))) * u[i];
        }
    }

    /** {@code Σ a[aOff+i] · b[bOff+i]} over n elements (vectorized when the Vector API is on). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        if (Kernels.VECTOR) {
            return Vec.dot(a, aOff, b, bOff, n);
        }
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += a[aOff + i] * b[bOff + i];
        }
        return acc;
    }

    /** {@code y[yOff+i] += s · x[xOff+i]} over n elements. */
    public static void axpy(float s, float[] x, int xOff, float[] y, int yOff, int n) {
        if (Kernels.VECTOR) {
            Vec.axpy(s, x, xOff, y, yOff, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            y[yOff + i] += s * x[xOff + i];
        }
    }

    /** {@code Σ a[aOff+i] · bf16(b[bOff+i])} over n elements (BF16 widened exactly). */
    public static float dotBf16(float[] a, int aOff, short[] b, int bOff, int n) {
        if (Kernels.VECTOR) {
            return Vec.dotBf16(a, aOff, b, bOff, n);
        }
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += a[aOff + i] * Float.intBitsToFloat((b[bOff + i] & 0xFFFF) << 16);
        }
        return acc;
    }

    /** {@code y[yOff+i] += s · bf16(x[xOff+i])} over n elements. */
    public static void axpyBf16(float s, short[] x, int xOff, float[] y, int yOff, int n) {
        if (Kernels.VECTOR) {
            Vec.axpyBf16(s, x, xOff, y, yOff, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            y[yOff + i] += s * Float.intBitsToFloat((x[xOff + i] & 0xFFFF) << 16);
        }
    }

    /**
     * Four dot products sharing one input: {@code out[outOff + i] += Σ_k w[wOff + i·stride + k] · x[xOff + k]} for
     * i in 0..3 over n elements. Each x vector is loaded once for four rows (the batched-prefill micro-kernel).
     */
    public static void dot4Add(float[] w, int wOff, int stride, float[] x, int xOff, int n, float[] out, int outOff) {
        if (Kernels.VECTOR) {
            Vec.dot4Add(w, wOff, stride, x, xOff, n, out, outOff);
            return;
        }
        for (int i = 0; i < 4; i++) {
            out[outOff + i] += dotScalar(w, wOff + i * stride, x, xOff, n);
        }
    }

    private static float dotScalar(float[] a, int aOff, float[] b, int bOff, int n) {
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += a[aOff + i] * b[bOff + i];
        }
        return acc;
    }

    /** Vector paths with the production species as a constant; isolated from the incubator module. */
    static final class Vec {
        private Vec() {
        }

        static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            final jdk.incubator.vector.VectorSpecies<Float> fs = Simd.F;
            int upper = fs.loopBound(n);
            jdk.incubator.vector.FloatVector acc = jdk.incubator.vector.FloatVector.zero(fs);
            int i = 0;
            for (; i < upper; i += fs.length()) {
                acc = jdk.incubator.vector.FloatVector.fromArray(fs, a, aOff + i)
                        .fma(jdk.incubator.vector.FloatVector.fromArray(fs, b, bOff + i), acc);
            }
            float sum = VectorLanes.sum(acc);
            for (; i < n; i++) { // scalar tail
                sum += a[aOff + i] * b[bOff + i];
            }
            return sum;
        }

        static void dot4Add(float[] w, int wOff, int stride, float[] x, int xOff, int n, float[] out, int outOff) {
            final jdk.incubator.vector.VectorSpecies<Float> fs = Simd.F;
            int upper = fs.loopBound(n);
            jdk.incubator.vector.FloatVector a0 = jdk.incubator.vector.FloatVector.zero(fs);
            jdk.incubator.vector.FloatVector a1 = a0;
            jdk.incubator.vector.FloatVector a2 = a0;
            jdk.incubator.vector.FloatVector a3 = a0;
            int w0 = wOff;
            int w1 = wOff + stride;
            int w2 = wOff + 2 * stride;
            int w3 = wOff + 3 * stride;
            int i = 0;
            for (; i < upper; i += fs.length()) {
                jdk.incubator.vector.FloatVector xv = jdk.incubator.vector.FloatVector.fromArray(fs, x, xOff + i);
                a0 = jdk.incubator.vector.FloatVector.fromArray(fs, w, w0 + i).fma(xv, a0);
                a1 = jdk.incubator.vector.FloatVector.fromArray(fs, w, w1 + i).fma(xv, a1);
                a2 = jdk.incubator.vector.FloatVector.fromArray(fs, w, w2 + i).fma(xv, a2);
                a3 = jdk.incubator.vector.FloatVector.fromArray(fs, w, w3 + i).fma(xv, a3);
            }
            float s0 = VectorLanes.sum(a0);
            float s1 = VectorLanes.sum(a1);
            float s2 = VectorLanes.sum(a2);
            float s3 = VectorLanes.sum(a3);
            for (; i < n; i++) { // scalar tail
                float xi = x[xOff + i];
                s0 += w[w0 + i] * xi;
                s1 += w[w1 + i] * xi;
                s2 += w[w2 + i] * xi;
                s3 += w[w3 + i] * xi;
            }
            out[outOff] += s0;
            out[outOff + 1] += s1;
            out[outOff + 2] += s2;
            out[outOff + 3] += s3;
        }

        private static jdk.incubator.vector.FloatVector widen(short[] b, int off) {
            return jdk.incubator.vector.ShortVector.fromArray(Simd.S, b, off)
                    .convertShape(jdk.incubator.vector.VectorOperators.S2I, Simd.I, 0)
                    .lanewise(jdk.incubator.vector.VectorOperators.LSHL, 16).reinterpretAsFloats();
        }

        static float dotBf16(float[] a, int aOff, short[] b, int bOff, int n) {
            final jdk.incubator.vector.VectorSpecies<Float> fs = Simd.F;
            int upper = fs.loopBound(n);
            jdk.incubator.vector.FloatVector acc = jdk.incubator.vector.FloatVector.zero(fs);
            int i = 0;
            for (; i < upper; i += fs.length()) {
                acc = jdk.incubator.vector.FloatVector.fromArray(fs, a, aOff + i).fma(widen(b, bOff + i), acc);
            }
            float sum = VectorLanes.sum(acc);
            for (; i < n; i++) { // scalar tail
                sum += a[aOff + i] * Float.intBitsToFloat((b[bOff + i] & 0xFFFF) << 16);
            }
            return sum;
        }

        static void axpyBf16(float s, short[] x, int xOff, float[] y, int yOff, int n) {
            final jdk.incubator.vector.VectorSpecies<Float> fs = Simd.F;
            int upper = fs.loopBound(n);
            jdk.incubator.vector.FloatVector sv = jdk.incubator.vector.FloatVector.broadcast(fs, s);
            int i = 0;
            for (; i < upper; i += fs.length()) {
                widen(x, xOff + i).fma(sv, jdk.incubator.vector.FloatVector.fromArray(fs, y, yOff + i)).intoArray(y, yOff + i);
            }
            for (; i < n; i++) { // scalar tail
                y[yOff + i] += s * Float.intBitsToFloat((x[xOff + i] & 0xFFFF) << 16);
            }
        }

        static void axpy(float s, float[] x, int xOff, float[] y, int yOff, int n) {
            final jdk.incubator.vector.VectorSpecies<Float> fs = Simd.F;
            int upper = fs.loopBound(n);
            jdk.incubator.vector.FloatVector sv = jdk.incubator.vector.FloatVector.broadcast(fs, s);
            int i = 0;
            for (; i < upper; i += fs.length()) {
                jdk.incubator.vector.FloatVector.fromArray(fs, x, xOff + i)
                        .fma(sv, jdk.incubator.vector.FloatVector.fromArray(fs, y, yOff + i)).intoArray(y, yOff + i);
            }
            for (; i < n; i++) { // scalar tail
                y[yOff + i] += s * x[xOff + i];
            }
        }
    }

    /** Index of the largest value in {@code x[off, off+n)}; ties go to the lowest index (as torch.argmax). */
    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        float bv = x[off];
        for (int i = 1; i < n; i++) {
            if (x[off + i] > bv) {
                bv = x[off + i];
                best = i;
            }
        }
        return best;
    }
}
