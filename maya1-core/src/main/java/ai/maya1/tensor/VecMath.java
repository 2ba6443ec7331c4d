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
