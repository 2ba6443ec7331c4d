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
            float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            for (; i < n; i++) { // scalar tail
                sum += a[aOff + i] * b[bOff + i];
            }
            return sum;
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
