package ai.maya1.vocoder.snac;

import ai.maya1.tensor.VectorLanes;
import ai.maya1.concurrent.ComputeExecutor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of {@link SnacKernels}; loaded only when the incubator module is present and enabled.
 * Lanes run over channels. Every lane performs the same fused multiply-add sequence as the scalar code, so
 * vector and scalar tails agree bit for bit.
 */
final class SnacVectorKernels {
    static final VectorSpecies<Float> F = species();
    static final int V = F.length();
    /** Output-channel tile of the gemm micro-kernel: 4 vectors. */
    static final int OT = 4 * V;

    private SnacVectorKernels() {
    }

    private static VectorSpecies<Float> species() {
        int bits = ai.maya1.tensor.VectorSupport.preferredBits().orElse(128);
        return switch (bits) {
            case 64 -> FloatVector.SPECIES_64;
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            default -> bits >= 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_128;
        };
    }

    static void gemm(ComputeExecutor ex, float[] x, int xOff, int cin, float[][] w, int[] shift, float[] bias, int rows,
                     float[] y, int yOff, int yStride, int cout) {
        int rowTiles = (rows + 3) / 4;
        int fullOTiles = cout / OT;
        int vecEnd = fullOTiles * OT + ((cout - fullOTiles * OT) / V) * V; // channels covered by vectors
        int oTiles = fullOTiles + (cout > fullOTiles * OT ? 1 : 0); // one extra tile: single vectors + scalar tail
        int tiles = rowTiles * oTiles;
        long work = (long) rows * cin * cout * w.length;
        SnacKernels.run(ex, tiles, work, (from, to) -> {
            for (int tile = from; tile < to; tile++) {
                // tiles of one output-channel block are consecutive: its weight panel stays in cache
                int ot = tile / rowTiles;
                int rt = tile - ot * rowTiles;
                int r0 = rt * 4;
                int r1 = Math.min(rows, r0 + 4);
                if (ot < fullOTiles) {
                    int o0 = ot * OT;
                    if (r1 - r0 == 4) {
                        tile4x4(x, xOff, cin, w, shift, bias, r0, y, yOff, yStride, cout, o0);
                    } else {
                        for (int i = r0; i < r1; i++) {
                            tile1x4(x, xOff, cin, w, shift, bias, i, y, yOff, yStride, cout, o0);
                        }
                    }
                } else {
                    for (int o0 = fullOTiles * OT; o0 < vecEnd; o0 += V) {
                        for (int i = r0; i < r1; i++) {
                            tile1x1(x, xOff, cin, w, shift, bias, i, y, yOff, yStride, cout, o0);
                        }
                    }
                    if (vecEnd < cout) {
                        SnacKernels.gemmScalar(x, xOff, cin, w, shift, bias, r1, r0, y, yOff, yStride, cout, vecEnd);
                    }
                }
            }
        });
    }

    private static FloatVector biasVec(float[] bias, int o) {
        return bias == null ? FloatVector.zero(F) : FloatVector.fromArray(F, bias, o);
    }

    private static void tile4x4(float[] x, int xOff, int cin, float[][] w, int[] shift, float[] bias, int r0, float[] y,
                                int yOff, int yStride, int cout, int o0) {
        FloatVector b0 = biasVec(bias, o0), b1 = biasVec(bias, o0 + V), b2 = biasVec(bias, o0 + 2 * V), b3 = biasVec(bias, o0 + 3 * V);
        FloatVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
        FloatVector a10 = b0, a11 = b1, a12 = b2, a13 = b3;
        FloatVector a20 = b0, a21 = b1, a22 = b2, a23 = b3;
        FloatVector a30 = b0, a31 = b1, a32 = b2, a33 = b3;
        for (int tap = 0; tap < w.length; tap++) {
            float[] wt = w[tap];
            int x0 = xOff + (r0 + shift[tap]) * cin;
            int x1 = x0 + cin, x2 = x1 + cin, x3 = x2 + cin;
            for (int c = 0; c < cin; c++) {
                int wr = c * cout + o0;
                FloatVector w0 = FloatVector.fromArray(F, wt, wr);
                FloatVector w1 = FloatVector.fromArray(F, wt, wr + V);
                FloatVector w2 = FloatVector.fromArray(F, wt, wr + 2 * V);
                FloatVector w3 = FloatVector.fromArray(F, wt, wr + 3 * V);
                FloatVector v = FloatVector.broadcast(F, x[x0 + c]);
                a00 = w0.fma(v, a00); a01 = w1.fma(v, a01); a02 = w2.fma(v, a02); a03 = w3.fma(v, a03);
                v = FloatVector.broadcast(F, x[x1 + c]);
                a10 = w0.fma(v, a10); a11 = w1.fma(v, a11); a12 = w2.fma(v, a12); a13 = w3.fma(v, a13);
                v = FloatVector.broadcast(F, x[x2 + c]);
                a20 = w0.fma(v, a20); a21 = w1.fma(v, a21); a22 = w2.fma(v, a22); a23 = w3.fma(v, a23);
                v = FloatVector.broadcast(F, x[x3 + c]);
                a30 = w0.fma(v, a30); a31 = w1.fma(v, a31); a32 = w2.fma(v, a32); a33 = w3.fma(v, a33);
            }
        }
        int y0 = yOff + r0 * yStride + o0;
        store4(y, y0, a00, a01, a02, a03);
        store4(y, y0 + yStride, a10, a11, a12, a13);
        store4(y, y0 + 2 * yStride, a20, a21, a22, a23);
        store4(y, y0 + 3 * yStride, a30, a31, a32, a33);
    }

    private static void store4(float[] y, int off, FloatVector a, FloatVector b, FloatVector c, FloatVector d) {
        a.intoArray(y, off);
        b.intoArray(y, off + V);
        c.intoArray(y, off + 2 * V);
        d.intoArray(y, off + 3 * V);
    }

    private static void tile1x4(float[] x, int xOff, int cin, float[][] w, int[] shift, float[] bias, int r, float[] y,
                                int yOff, int yStride, int cout, int o0) {
        FloatVector a0 = biasVec(bias, o0), a1 = biasVec(bias, o0 + V), a2 = biasVec(bias, o0 + 2 * V), a3 = biasVec(bias, o0 + 3 * V);
        for (int tap = 0; tap < w.length; tap++) {
            float[] wt = w[tap];
            int x0 = xOff + (r + shift[tap]) * cin;
            for (int c = 0; c < cin; c++) {
                int wr = c * cout + o0;
                FloatVector v = FloatVector.broadcast(F, x[x0 + c]);
                a0 = FloatVector.fromArray(F, wt, wr).fma(v, a0);
                a1 = FloatVector.fromArray(F, wt, wr + V).fma(v, a1);
                a2 = FloatVector.fromArray(F, wt, wr + 2 * V).fma(v, a2);
                a3 = FloatVector.fromArray(F, wt, wr + 3 * V).fma(v, a3);
            }
        }
        store4(y, yOff + r * yStride + o0, a0, a1, a2, a3);
    }

    private static void tile1x1(float[] x, int xOff, int cin, float[][] w, int[] shift, float[] bias, int r, float[] y,
                                int yOff, int yStride, int cout, int o0) {
        FloatVector a0 = biasVec(bias, o0);
        for (int tap = 0; tap < w.length; tap++) {
            float[] wt = w[tap];
            int x0 = xOff + (r + shift[tap]) * cin;
            for (int c = 0; c < cin; c++) {
                a0 = FloatVector.fromArray(F, wt, c * cout + o0).fma(FloatVector.broadcast(F, x[x0 + c]), a0);
            }
        }
        a0.intoArray(y, yOff + r * yStride + o0);
    }

    static void depthwise(float[] a, int aOff, int channels, float[] w, int k, float[] bias, int d, int from, int to, float[] y) {
        int vecEnd = F.loopBound(channels);
        for (int i = from; i < to; i++) {
            int yr = i * channels;
            for (int c = 0; c < vecEnd; c += V) {
                FloatVector acc = FloatVector.fromArray(F, bias, c);
                for (int j = 0; j < k; j++) {
                    acc = FloatVector.fromArray(F, w, j * channels + c)
                            .fma(FloatVector.fromArray(F, a, aOff + (i + j * d) * channels + c), acc);
                }
                acc.intoArray(y, yr + c);
            }
        }
        if (vecEnd < channels) {
            SnacKernels.depthwiseScalar(a, aOff, channels, w, k, bias, d, from, to, y, vecEnd);
        }
    }

    static void snake(float[] x, int xOff, int channels, float[] alpha, float[] inv, float[] y, int yOff, int from, int to) {
        int vecEnd = F.loopBound(channels);
        FloatVector invPi = FloatVector.broadcast(F, SnacKernels.INV_PI);
        FloatVector magic = FloatVector.broadcast(F, SnacKernels.ROUND_MAGIC);
        FloatVector negPiA = FloatVector.broadcast(F, -SnacKernels.PI_A);
        FloatVector negPiB = FloatVector.broadcast(F, -SnacKernels.PI_B);
        FloatVector limit = FloatVector.broadcast(F, SnacKernels.SNAKE_POLY_LIMIT);
        for (int i = from; i < to; i++) {
            int xr = xOff + i * channels;
            int yr = yOff + i * channels;
            for (int c = 0; c < vecEnd; c += V) {
                FloatVector xv = FloatVector.fromArray(F, x, xr + c);
                FloatVector arg = FloatVector.fromArray(F, alpha, c).mul(xv);
                FloatVector k = arg.fma(invPi, magic).sub(magic);
                FloatVector r = k.fma(negPiA, arg);
                r = k.fma(negPiB, r);
                FloatVector r2 = r.mul(r);
                FloatVector p = FloatVector.broadcast(F, SnacKernels.S13).fma(r2, FloatVector.broadcast(F, SnacKernels.S11));
                p = p.fma(r2, FloatVector.broadcast(F, SnacKernels.S9));
                p = p.fma(r2, FloatVector.broadcast(F, SnacKernels.S7));
                p = p.fma(r2, FloatVector.broadcast(F, SnacKernels.S5));
                p = p.fma(r2, FloatVector.broadcast(F, SnacKernels.S3));
                FloatVector s = r.mul(r2).fma(p, r);
                FloatVector out = s.mul(s).fma(FloatVector.fromArray(F, inv, c), xv);
                VectorMask<Float> big = arg.abs().compare(VectorOperators.GE, limit).or(arg.test(VectorOperators.IS_NAN));
                if (big.anyTrue()) {
                    // rare: huge or NaN arguments take the scalar path, from the inputs (y may alias x)
                    float[] o = out.toArray();
                    for (int l = 0; l < V; l++) {
                        if (big.laneIsSet(l)) {
                            o[l] = SnacKernels.snake(xv.lane(l), alpha[c + l], inv[c + l]);
                        }
                    }
                    FloatVector.fromArray(F, o, 0).intoArray(y, yr + c);
                } else {
                    out.intoArray(y, yr + c);
                }
            }
            for (int c = vecEnd; c < channels; c++) {
                y[yr + c] = SnacKernels.snake(x[xr + c], alpha[c], inv[c]);
            }
        }
    }

    static float dotWindow(float[] a, int aOff, float[] w, int n) {
        int vecEnd = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        for (int j = 0; j < vecEnd; j += V) {
            acc = FloatVector.fromArray(F, w, j).fma(FloatVector.fromArray(F, a, aOff + j), acc);
        }
        float s = VectorLanes.sum(acc);
        for (int j = vecEnd; j < n; j++) {
            s = Math.fma(w[j], a[aOff + j], s);
        }
        return s;
    }
}
