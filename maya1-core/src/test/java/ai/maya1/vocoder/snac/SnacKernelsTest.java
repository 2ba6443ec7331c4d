package ai.maya1.vocoder.snac;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The kernels against plain double-precision formulas, including vector tails (odd widths). */
class SnacKernelsTest {

    @Test
    void vectorizedSnakeSineIsWithinTolerance() {
        SplittableRandom r = new SplittableRandom(1);
        int rows = 257;
        int ch = 37; // forces vector bodies and scalar tails
        float[] x = new float[rows * ch];
        float[] alpha = new float[ch];
        float[] inv = new float[ch];
        for (int c = 0; c < ch; c++) {
            alpha[c] = (float) (c % 5 == 0 ? -(0.1 + 3 * r.nextDouble()) : 0.05 + 4 * r.nextDouble());
            inv[c] = 1f / (alpha[c] + 1e-9f);
        }
        for (int i = 0; i < x.length; i++) {
            double mag = switch (i % 4) {
                case 0 -> 1;
                case 1 -> 10;
                case 2 -> 200;
                default -> i % 97 == 0 ? 1e6 : 40;
            };
            x[i] = (float) ((2 * r.nextDouble() - 1) * mag);
        }
        float[] y = new float[x.length];
        SnacKernels.snake(SnacGolden.EXECUTOR, x, 0, rows, ch, alpha, inv, y, 0);
        double worst = 0;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < ch; c++) {
                float xv = x[i * ch + c];
                double s = Math.sin((double) (alpha[c] * xv)); // the reference's float argument, exact sine
                double ref = xv + (1.0 / (alpha[c] + 1e-9f)) * s * s;
                double err = Math.abs(y[i * ch + c] - ref) / Math.max(1, Math.abs(ref)) ;
                worst = Math.max(worst, err);
            }
        }
        // float32 rounding of x + s^2/alpha dominates; the sine itself is good to ~1e-7
        assertTrue(worst < 2e-6, "worst relative error " + worst);
    }

    @Test
    void gemmMatchesNaiveSumsForOddShapesAndTaps() {
        SplittableRandom r = new SplittableRandom(2);
        for (int[] dims : new int[][] {{1, 1, 1}, {5, 3, 7}, {9, 37, 70}, {33, 64, 128}, {4, 16, 16}, {13, 8, 200}}) {
            int rows = dims[0];
            int cin = dims[1];
            int cout = dims[2];
            int[] shift = {1, 0};
            float[][] w = new float[2][cin * cout];
            float[] x = new float[(rows + 1) * cin];
            float[] bias = new float[cout];
            for (float[] a : new float[][] {w[0], w[1], x, bias}) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (2 * r.nextDouble() - 1);
                }
            }
            int yStride = cout + 3;
            float[] y = new float[rows * yStride];
            SnacKernels.gemm(SnacGolden.EXECUTOR, x, 0, cin, w, shift, bias, rows, y, 0, yStride, cout);
            for (int i = 0; i < rows; i++) {
                for (int o = 0; o < cout; o++) {
                    double ref = bias[o];
                    for (int t = 0; t < 2; t++) {
                        for (int c = 0; c < cin; c++) {
                            ref += (double) x[(i + shift[t]) * cin + c] * w[t][c * cout + o];
                        }
                    }
                    assertTrue(Math.abs(ref - y[i * yStride + o]) < 1e-4, "gemm " + java.util.Arrays.toString(dims) + " at " + i + "," + o);
                }
            }
        }
    }

    @Test
    void depthwiseMatchesNaiveSums() {
        SplittableRandom r = new SplittableRandom(3);
        int ch = 21;
        int d = 3;
        int rows = 40;
        float[] a = new float[(rows + 6 * d) * ch];
        float[] w = new float[7 * ch];
        float[] b = new float[ch];
        for (float[] arr : new float[][] {a, w, b}) {
            for (int i = 0; i < arr.length; i++) {
                arr[i] = (float) (2 * r.nextDouble() - 1);
            }
        }
        float[] y = new float[rows * ch];
        SnacKernels.depthwise(SnacGolden.EXECUTOR, a, 0, ch, w, 7, b, d, rows, y);
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < ch; c++) {
                double ref = b[c];
                for (int j = 0; j < 7; j++) {
                    ref += (double) w[j * ch + c] * a[(i + j * d) * ch + c];
                }
                assertTrue(Math.abs(ref - y[i * ch + c]) < 1e-5);
            }
        }
    }
}
