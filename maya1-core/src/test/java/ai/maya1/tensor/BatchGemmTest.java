package ai.maya1.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.maya1.concurrent.ComputeExecutor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batched products equal the per-row dot products, and every element is bit-identical whatever the batch size,
 * the token's place in the batch (tile or tail), the row's place (4-row tile or tail) and the thread count.
 * Q4_0 has no tile kernel: its own row dot, deterministic since the kernels sum lanes in a fixed order.
 */
class BatchGemmTest {
    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void invariantAndEqualToRowDots() {
        try (ComputeExecutor one = new ComputeExecutor(1, "gemm-1"); ComputeExecutor two = new ComputeExecutor(2, "gemm-2")) {
            for (int cols : new int[] {70, 96, 2048}) {
                int rows = 37;
                F32Matrix f32 = F32Matrix.of("w", rows, cols, random(rows * cols, cols));
                FloatMatrix[] ws = cols % 32 == 0
                        ? new FloatMatrix[] {f32, BF16Matrix.roundFrom(f32), Q8_0Matrix.quantize(f32), Q4_0Matrix.quantize(f32)}
                        : new FloatMatrix[] {f32, BF16Matrix.roundFrom(f32)};
                for (FloatMatrix w : ws) {
                    float[] x = random(11 * cols, 7);
                    float[] solo = new float[11 * rows];
                    for (int t = 0; t < 11; t++) {
                        for (int r = 0; r < rows; r++) {
                            solo[t * rows + r] = BatchGemm.dot(w, r, x, t);
                            assertEquals(w.dot(r, x, t * cols), solo[t * rows + r], 1e-4f * (1 + Math.abs(solo[t * rows + r])),
                                    w + " row " + r);
                        }
                    }
                    for (int n = 1; n <= 11; n++) {
                        for (ComputeExecutor ex : new ComputeExecutor[] {one, two}) {
                            // batch of n rows starting at token (11 - n): every token lands in another tile position
                            int first = 11 - n;
                            float[] xs = java.util.Arrays.copyOfRange(x, first * cols, 11 * cols);
                            float[] out = new float[n * rows];
                            BatchGemm.gemm(ex, w, 0, rows, xs, n, out, rows, 0);
                            for (int t = 0; t < n; t++) {
                                for (int r = 0; r < rows; r++) {
                                    assertEquals(Float.floatToRawIntBits(solo[(first + t) * rows + r]), Float.floatToRawIntBits(out[t * rows + r]),
                                            w + " n=" + n + " t=" + t + " r=" + r);
                                }
                            }
                            // a row range starting off the 4-row grid
                            float[] part = new float[n * 5];
                            BatchGemm.gemm(ex, w, 3, 8, xs, n, part, 5, 0);
                            for (int t = 0; t < n; t++) {
                                for (int r = 3; r < 8; r++) {
                                    assertEquals(Float.floatToRawIntBits(solo[(first + t) * rows + r]), Float.floatToRawIntBits(part[t * 5 + r - 3]));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
