package ai.maya1.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The small vector helpers (attention dot/axpy, F32 and BF16 cache, the 4-row prefill kernel) vs plain loops. */
class VecMathTest {
    @Test
    void helpersMatchPlainLoops() {
        Random r = new Random(3);
        for (int n : new int[] {1, 7, 16, 64, 128, 131}) {
            float[] a = new float[n + 5];
            float[] b = new float[4 * n + 5];
            short[] s = new short[n + 5];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < s.length; i++) {
                s[i] = BF16Matrix.toBf16((float) r.nextGaussian());
            }
            double ref = 0;
            double refB = 0;
            for (int i = 0; i < n; i++) {
                ref += (double) a[2 + i] * b[3 + i];
                refB += (double) a[2 + i] * BF16Matrix.fromBf16(s[1 + i]);
            }
            assertEquals(ref, VecMath.dot(a, 2, b, 3, n), 1e-5 * n);
            assertEquals(refB, VecMath.dotBf16(a, 2, s, 1, n), 1e-5 * n);
            float[] y = new float[n + 2];
            float[] y2 = new float[n + 2];
            VecMath.axpy(0.5f, a, 1, y, 2 - 1, n);
            VecMath.axpyBf16(0.25f, s, 0, y2, 1, n);
            for (int i = 0; i < n; i++) {
                assertEquals(0.5f * a[1 + i], y[1 + i], 1e-6);
                assertEquals(0.25f * BF16Matrix.fromBf16(s[i]), y2[1 + i], 1e-6);
            }
            float[] out = {1f, 2f, 3f, 4f, 5f};
            VecMath.dot4Add(b, 1, n, a, 0, n, out, 1);
            for (int row = 0; row < 4; row++) {
                double d = 0;
                for (int i = 0; i < n; i++) {
                    d += (double) b[1 + row * n + i] * a[i];
                }
                assertEquals(row + 2 + d, out[1 + row], 1e-5 * n, "row " + row + " n " + n);
            }
            assertEquals(1f, out[0]);
        }
    }
}
