package ai.maya1.vocoder.snac;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.VectorSupport;

/**
 * The SNAC decoder's numeric kernels on time-major activations: a block of {@code n} time steps with {@code C}
 * channels is a {@code float[]} where row {@code t} holds channels {@code [t*C, t*C + C)}. Every kernel
 * vectorizes over channels (contiguous), so it runs at full vector width even for the 4 latent steps of a single
 * streamed frame, and appending or dropping time steps of a streaming buffer is one {@code arraycopy}.
 *
 * <p>Each output element is computed by the same sequence of fused multiply-adds whatever the tiling, the
 * thread split, the vector width or the chunking of a stream: the scalar tails and the scalar fallback use
 * {@link Math#fma} in the same order as the vector lanes. Streaming output is therefore bit-identical to
 * offline output. Vector code lives in {@link SnacVectorKernels}, which is only loaded when
 * {@link VectorSupport#enabled()}.
 */
final class SnacKernels {
    static final boolean VECTOR = VectorSupport.enabled();
    /** Below this many multiply-adds a kernel runs on the calling thread (a fork costs more than it saves). */
    private static final long PARALLEL_MIN_WORK = 1 << 15;

    /** Snake arguments beyond this magnitude use the double-precision sine (the polynomial's reduction is exact below). */
    static final float SNAKE_POLY_LIMIT = 65536f;
    static final float INV_PI = (float) (1 / Math.PI);
    static final float PI_A = (float) Math.PI;
    static final float PI_B = (float) (Math.PI - (double) PI_A);
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    static final float ROUND_MAGIC = 12582912f;
    // Taylor coefficients of sin(r)/r - 1 in r^2, |r| <= pi/2: truncation error below 7e-10
    static final float S3 = (float) (-1.0 / 6);
    static final float S5 = (float) (1.0 / 120);
    static final float S7 = (float) (-1.0 / 5040);
    static final float S9 = (float) (1.0 / 362880);
    static final float S11 = (float) (-1.0 / 39916800);
    static final float S13 = (float) (1.0 / 6227020800.0);

    private SnacKernels() {
    }

    /**
     * Dense time-major matrix product over several taps (1x1 conv: one tap; transposed-conv phase: two taps):
     * <pre>
     * y[yOff + i*yStride + o] = bias[o] + sum_tap sum_c x[xOff + (i + shift[tap])*cin + c] * w[tap][c*cout + o]
     * </pre>
     * for {@code 0 <= i < rows}, {@code 0 <= o < cout}; {@code bias} may be null (zero).
     */
    static void gemm(ComputeExecutor ex, float[] x, int xOff, int cin, float[][] w, int[] shift, float[] bias, int rows,
                     float[] y, int yOff, int yStride, int cout) {
        if (rows <= 0) {
            return;
        }
        if (VECTOR) {
            SnacVectorKernels.gemm(ex, x, xOff, cin, w, shift, bias, rows, y, yOff, yStride, cout);
            return;
        }
        long work = (long) rows * cin * cout * w.length;
        int tiles = (rows + 3) / 4;
        run(ex, tiles, work, (from, to) -> gemmScalar(x, xOff, cin, w, shift, bias, Math.min(rows, to * 4), from * 4, y, yOff,
                yStride, cout, 0));
    }

    /** Scalar gemm for rows {@code [rowFrom, rowTo)} and channels {@code [oFrom, cout)} (also the vector path's tail). */
    static void gemmScalar(float[] x, int xOff, int cin, float[][] w, int[] shift, float[] bias, int rowTo, int rowFrom,
                           float[] y, int yOff, int yStride, int cout, int oFrom) {
        for (int i = rowFrom; i < rowTo; i++) {
            int yr = yOff + i * yStride;
            for (int o = oFrom; o < cout; o++) {
                y[yr + o] = bias == null ? 0f : bias[o];
            }
            for (int tap = 0; tap < w.length; tap++) {
                float[] wt = w[tap];
                int xr = xOff + (i + shift[tap]) * cin;
                for (int c = 0; c < cin; c++) {
                    float xv = x[xr + c];
                    int wr = c * cout;
                    for (int o = oFrom; o < cout; o++) {
                        y[yr + o] = Math.fma(xv, wt[wr + o], y[yr + o]);
                    }
                }
            }
        }
    }

    /**
     * Depthwise kernel-{@code k} convolution with dilation {@code d}: output row {@code i} reads input rows
     * {@code i, i+d, ..., i+(k-1)d} of {@code a} (the caller's buffer already starts {@code (k-1)d/2} rows
     * before the first output): {@code y[i*C + c] = bias[c] + sum_j w[j*C + c] * a[aOff + (i + j*d)*C + c]}.
     */
    static void depthwise(ComputeExecutor ex, float[] a, int aOff, int channels, float[] w, int k, float[] bias, int d,
                          int rows, float[] y) {
        if (rows <= 0) {
            return;
        }
        long work = (long) rows * channels * k;
        run(ex, rows, work, (from, to) -> {
            if (VECTOR) {
                SnacVectorKernels.depthwise(a, aOff, channels, w, k, bias, d, from, to, y);
            } else {
                depthwiseScalar(a, aOff, channels, w, k, bias, d, from, to, y, 0);
            }
        });
    }

    static void depthwiseScalar(float[] a, int aOff, int channels, float[] w, int k, float[] bias, int d, int from, int to,
                                float[] y, int cFrom) {
        for (int i = from; i < to; i++) {
            int yr = i * channels;
            for (int c = cFrom; c < channels; c++) {
                float acc = bias[c];
                for (int j = 0; j < k; j++) {
                    acc = Math.fma(w[j * channels + c], a[aOff + (i + j * d) * channels + c], acc);
                }
                y[yr + c] = acc;
            }
        }
    }

    /**
     * Snake activation {@code x + inv[c] * sin(alpha[c] * x)^2} with {@code inv = 1 / (alpha + 1e-9)}, on
     * {@code rows} rows of {@code x} starting at {@code xOff}, written to {@code y} at {@code yOff} (may alias).
     */
    static void snake(ComputeExecutor ex, float[] x, int xOff, int rows, int channels, float[] alpha, float[] inv,
                      float[] y, int yOff) {
        if (rows <= 0) {
            return;
        }
        long work = (long) rows * channels * 16;
        run(ex, rows, work, (from, to) -> {
            if (VECTOR) {
                SnacVectorKernels.snake(x, xOff, channels, alpha, inv, y, yOff, from, to);
            } else {
                for (int i = from; i < to; i++) {
                    int xr = xOff + i * channels;
                    int yr = yOff + i * channels;
                    for (int c = 0; c < channels; c++) {
                        y[yr + c] = snake(x[xr + c], alpha[c], inv[c]);
                    }
                }
            }
        });
    }

    /** One Snake value; the same operation sequence as each lane of the vector kernel. */
    static float snake(float x, float alpha, float inv) {
        float s = sinForSnake(alpha * x);
        return Math.fma(s * s, inv, x);
    }

    /**
     * sin(y) with a reduction to [-pi/2, pi/2] by a rounded multiple of pi (the sign of the result is only wrong
     * by (-1)^k, which Snake squares away) and a degree-13 odd polynomial; |y| >= {@link #SNAKE_POLY_LIMIT} falls
     * back to {@link Math#sin}. Returns sin(y) up to that sign.
     */
    static float sinForSnake(float y) {
        if (!(Math.abs(y) < SNAKE_POLY_LIMIT)) {
            return (float) Math.sin(y);
        }
        float k = Math.fma(y, INV_PI, ROUND_MAGIC) - ROUND_MAGIC;
        float r = Math.fma(-k, PI_A, y);
        r = Math.fma(-k, PI_B, r);
        float r2 = r * r;
        float p = Math.fma(S13, r2, S11);
        p = Math.fma(p, r2, S9);
        p = Math.fma(p, r2, S7);
        p = Math.fma(p, r2, S5);
        p = Math.fma(p, r2, S3);
        return Math.fma(r * r2, p, r);
    }

    /**
     * Dense kernel-{@code k} convolution to one channel followed by tanh (the decoder's last layer):
     * {@code y[i] = tanh(bias + sum_j sum_c w[j*C + c] * a[(i + j)*C + c])}.
     */
    static void convToMonoTanh(ComputeExecutor ex, float[] a, int channels, float[] w, int k, float bias, int rows, float[] y,
                               int yOff) {
        if (rows <= 0) {
            return;
        }
        long work = (long) rows * channels * k;
        run(ex, rows, work, (from, to) -> {
            for (int i = from; i < to; i++) {
                float acc = VECTOR ? SnacVectorKernels.dotWindow(a, i * channels, w, k * channels)
                        : dotWindowScalar(a, i * channels, w, k * channels);
                y[yOff + i] = (float) Math.tanh(acc + bias);
            }
        });
    }

    static float dotWindowScalar(float[] a, int aOff, float[] w, int n) {
        float acc = 0f;
        for (int j = 0; j < n; j++) {
            acc = Math.fma(w[j], a[aOff + j], acc);
        }
        return acc;
    }

    /** {@code y[i] += x[i]} for n elements (the residual skip connection). */
    static void addInPlace(float[] y, int yOff, float[] x, int xOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    /** NoiseBlock: {@code x[i*C + c] += noise[i] * h[i*C + c]}. */
    static void addNoise(float[] x, float[] h, float[] noise, int rows, int channels) {
        for (int i = 0; i < rows; i++) {
            float n = noise[i];
            int r = i * channels;
            for (int c = 0; c < channels; c++) {
                x[r + c] = Math.fma(n, h[r + c], x[r + c]);
            }
        }
    }

    static void run(ComputeExecutor ex, int n, long work, ComputeExecutor.IntRangeBody body) {
        if (ex == null || ex.threads() == 1 || work < PARALLEL_MIN_WORK || n == 1) {
            body.run(0, n);
        } else {
            ex.parallelForRange(n, body);
        }
    }
}
