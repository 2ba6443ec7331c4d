package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GGUF Q8_0: blocks of 32 weights, an f16 scale {@code d} then 32 int8 {@code q}; weight = d · q (34 bytes per
 * 32 weights). Quantization at load reproduces ggml's reference quantizer bit for bit.
 */
public final class Q8_0Matrix extends Q8DotMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    /** Products on this format's default {@link ActivationFormat} ({@link ActivationFormat#defaultFor}). */
    public Q8_0Matrix(String name, int rows, int cols, MemorySegment blocks) {
        this(name, rows, cols, blocks, ActivationFormat.defaultFor(DType.Q8_0));
    }

    public Q8_0Matrix(String name, int rows, int cols, MemorySegment blocks, ActivationFormat activations) {
        super(name, rows, cols, blocks, DType.Q8_0, activations);
    }

    @Override
    public Q8_0Matrix withActivations(ActivationFormat format) {
        return format == activations ? this : new Q8_0Matrix(name, rows, cols, data, format);
    }

    @Override
    public DType dtype() {
        return DType.Q8_0;
    }

    /** Quantizes any matrix row by row (its float32 values) to Q8_0. */
    public static Q8_0Matrix quantize(FloatMatrix src) {
        return new Q8_0Matrix(src.name(), src.rows(), src.cols(), quantizeRows(src, DType.Q8_0, Q8_0Matrix::quantizeRow));
    }

    /**
     * ggml's {@code quantize_row_q8_0_ref} (and gguf-py's {@code Q8_0.quantize_blocks}): d = amax / 127 in float32,
     * q = round-half-away-from-zero(x · (1/d)), d stored as f16 (round to nearest even).
     */
    public static void quantizeRow(float[] x, int xOff, int n, MemorySegment out, long outOff) {
        for (int b = 0; b < n / BLOCK; b++) {
            int base = xOff + b * BLOCK;
            float amax = 0f;
            for (int i = 0; i < BLOCK; i++) {
                amax = Math.max(amax, Math.abs(x[base + i]));
            }
            float d = amax / 127f;
            float id = d == 0f ? 0f : 1f / d;
            long o = outOff + (long) b * BLOCK_BYTES;
            out.set(I16, o, Float.floatToFloat16(d));
            for (int i = 0; i < BLOCK; i++) {
                out.set(ValueLayout.JAVA_BYTE, o + 2 + i, (byte) roundHalfAway(x[base + i] * id));
            }
        }
    }

    /** numpy {@code np_roundf}: sign(v) · (floor|v| + floor(2(|v| - floor|v|))), all in float32. */
    static float roundHalfAway(float v) {
        float a = Math.abs(v);
        float fl = (float) Math.floor(a);
        float b = fl + (float) Math.floor(2f * (a - fl));
        return Math.signum(v) * b;
    }

    @Override
    float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int b = 0; b < blocksPerRow; b++) {
            long o = base + (long) b * BLOCK_BYTES;
            float d = f16(data, o);
            float acc = 0f;
            int xi = xOff + b * BLOCK;
            for (int i = 0; i < BLOCK; i++) {
                acc += data.get(ValueLayout.JAVA_BYTE, o + 2 + i) * x[xi + i];
            }
            sum += acc * d;
        }
        return sum;
    }

    @Override
    float dotVector(int bits, int row, float[] x, int xOff) {
        return bits == Kernels.BITS ? Vec.dotPreferred(data, row * rowBytes, blocksPerRow, x, xOff)
                : Vec.dot(Simd.floats(bits), data, row * rowBytes, blocksPerRow, x, xOff);
    }

    /**
     * Scalar twin of ggml's x86 {@code ggml_vec_dot_q8_0_q8_0} (AVX2/FMA path): per block, d = d_w · d_a in float32;
     * eight int sums of four consecutive products, each accumulated into its own float lane as fma(d, sum, lane);
     * the lanes summed as {@code hsum_float_8} ({@link Int8Kernels} states the order).
     */
    @Override
    float dotQ8Scalar(int row, Q8Activations a, int token) {
        long base = row * rowBytes;
        int ab0 = token * blocksPerRow;
        float x0 = 0f;
        float x1 = 0f;
        float x2 = 0f;
        float x3 = 0f;
        float x4 = 0f;
        float x5 = 0f;
        float x6 = 0f;
        float x7 = 0f;
        for (int ib = 0; ib < blocksPerRow; ib++) {
            long o = base + (long) ib * BLOCK_BYTES + 2;
            int ao = (ab0 + ib) * BLOCK;
            float d = f16(data, o - 2) * a.d[ab0 + ib];
            x0 = Math.fma(d, (float) quad(o, a.q, ao), x0);
            x1 = Math.fma(d, (float) quad(o + 4, a.q, ao + 4), x1);
            x2 = Math.fma(d, (float) quad(o + 8, a.q, ao + 8), x2);
            x3 = Math.fma(d, (float) quad(o + 12, a.q, ao + 12), x3);
            x4 = Math.fma(d, (float) quad(o + 16, a.q, ao + 16), x4);
            x5 = Math.fma(d, (float) quad(o + 20, a.q, ao + 20), x5);
            x6 = Math.fma(d, (float) quad(o + 24, a.q, ao + 24), x6);
            x7 = Math.fma(d, (float) quad(o + 28, a.q, ao + 28), x7);
        }
        return hsum8(x0, x1, x2, x3, x4, x5, x6, x7);
    }

    /** Σ of the four products of weights at {@code w} and activations at {@code q[qo]} (exact int). */
    private int quad(long w, byte[] q, int qo) {
        int sum = 0;
        for (int j = 0; j < 4; j++) {
            sum += data.get(ValueLayout.JAVA_BYTE, w + j) * q[qo + j];
        }
        return sum;
    }

    @Override
    float dotQ8Vector(int bits, int row, Q8Activations a, int token) {
        if (bits == Kernels.BITS) {
            return Int8Kernels.q8Preferred(data, row * rowBytes, blocksPerRow, a.q, a.d, token * blocksPerRow);
        }
        var ss = Simd.shortsOfBits(bits);
        return Int8Kernels.q8(Simd.bytesFor(ss), ss, data, row * rowBytes, blocksPerRow, a.q, a.d, token * blocksPerRow);
    }

    @Override
    void dotQ8x4(int row, Q8Activations a, int t, float[] out, int outStride, int outCol) {
        if (!Kernels.VECTOR || !Int8Kernels.Q8_TILE) {
            super.dotQ8x4(row, a, t, out, outStride, outCol);
            return;
        }
        int bpr = blocksPerRow;
        Int8Kernels.q8x4Preferred(data, row * rowBytes, bpr, a.q, a.d, t * bpr, (t + 1) * bpr, (t + 2) * bpr, (t + 3) * bpr, out,
                t * outStride + outCol, (t + 1) * outStride + outCol, (t + 2) * outStride + outCol, (t + 3) * outStride + outCol);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < blocksPerRow; b++) {
            long o = base + (long) b * BLOCK_BYTES;
            float d = f16(data, o);
            for (int i = 0; i < BLOCK; i++) {
                out[off + b * BLOCK + i] = data.get(ValueLayout.JAVA_BYTE, o + 2 + i) * d;
            }
        }
    }

    static final class Vec {
        private Vec() {
        }

        static float dot(VectorSpecies<Float> fs, MemorySegment w, long base, int blocks, float[] x, int xOff) {
            int lanes = fs.length();
            // 16 int8 per load; each load widens to 16/lanes float vectors (one on AVX-512)
            int parts = 16 / lanes;
            FloatVector acc = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                FloatVector d = FloatVector.broadcast(fs, f16(w, o));
                int xi = xOff + b * BLOCK;
                FloatVector blockAcc = FloatVector.zero(fs);
                for (int h = 0; h < BLOCK; h += 16) {
                    ByteVector q = ByteVector.fromMemorySegment(Simd.B128, w, o + 2 + h, Simd.LE);
                    for (int p = 0; p < parts; p++) {
                        FloatVector wv = (FloatVector) q.convertShape(VectorOperators.B2F, fs, p);
                        blockAcc = wv.fma(FloatVector.fromArray(fs, x, xi + h + p * lanes), blockAcc);
                    }
                }
                acc = blockAcc.fma(d, acc);
            }
            return VectorLanes.sum(acc); // blocks tile the row exactly: no scalar tail
        }

        /** The production path: same operations as the generic method, with the species a compile-time constant
         * (a species that reaches vector code as a parameter of a method the JIT did not inline disables the
         * intrinsics and runs ~100x slower). */
        static float dotPreferred(MemorySegment w, long base, int blocks, float[] x, int xOff) {
            final VectorSpecies<Float> fs = Simd.F; // a constant: the JIT specializes the vector ops for it
            int lanes = fs.length();
            // 16 int8 per load; each load widens to 16/lanes float vectors (one on AVX-512)
            int parts = 16 / lanes;
            FloatVector acc = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                FloatVector d = FloatVector.broadcast(fs, f16(w, o));
                int xi = xOff + b * BLOCK;
                FloatVector blockAcc = FloatVector.zero(fs);
                for (int h = 0; h < BLOCK; h += 16) {
                    ByteVector q = ByteVector.fromMemorySegment(Simd.B128, w, o + 2 + h, Simd.LE);
                    for (int p = 0; p < parts; p++) {
                        FloatVector wv = (FloatVector) q.convertShape(VectorOperators.B2F, fs, p);
                        blockAcc = wv.fma(FloatVector.fromArray(fs, x, xi + h + p * lanes), blockAcc);
                    }
                }
                acc = blockAcc.fma(d, acc);
            }
            return VectorLanes.sum(acc); // blocks tile the row exactly: no scalar tail
        }
    }
}
