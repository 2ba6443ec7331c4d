package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GGUF Q4_0: blocks of 32 weights, an f16 scale {@code d} then 16 bytes; byte j holds weight j in its low nibble
 * and weight j+16 in its high nibble; weight = d · (nibble − 8) (18 bytes per 32 weights).
 */
public final class Q4_0Matrix extends Q8DotMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    /** Products on this format's default {@link ActivationFormat} ({@link ActivationFormat#defaultFor}). */
    public Q4_0Matrix(String name, int rows, int cols, MemorySegment blocks) {
        this(name, rows, cols, blocks, ActivationFormat.defaultFor(DType.Q4_0));
    }

    public Q4_0Matrix(String name, int rows, int cols, MemorySegment blocks, ActivationFormat activations) {
        super(name, rows, cols, blocks, DType.Q4_0, activations);
    }

    @Override
    public Q4_0Matrix withActivations(ActivationFormat format) {
        return format == activations ? this : new Q4_0Matrix(name, rows, cols, data, format);
    }

    @Override
    public DType dtype() {
        return DType.Q4_0;
    }

    /** Quantizes any matrix to Q4_0 (ggml's reference quantizer). */
    public static Q4_0Matrix quantize(FloatMatrix src) {
        return new Q4_0Matrix(src.name(), src.rows(), src.cols(), quantizeRows(src, DType.Q4_0, Q4_0Matrix::quantizeRow));
    }

    /**
     * ggml's {@code quantize_row_q4_0_ref} / gguf-py {@code Q4_0.quantize_blocks}: the value of largest magnitude
     * (first on ties) gives d = max / −8; q = min(15, trunc(x · (1/d) + 8.5)), all float32.
     */
    public static void quantizeRow(float[] x, int xOff, int n, MemorySegment out, long outOff) {
        for (int b = 0; b < n / BLOCK; b++) {
            int base = xOff + b * BLOCK;
            float amax = 0f;
            float max = 0f;
            for (int i = 0; i < BLOCK; i++) {
                float v = x[base + i];
                if (Math.abs(v) > amax) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d == 0f ? 0f : 1f / d;
            long o = outOff + (long) b * BLOCK_BYTES;
            out.set(I16, o, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK / 2; j++) {
                int q0 = Math.min(15, (int) (x[base + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (x[base + j + 16] * id + 8.5f));
                out.set(ValueLayout.JAVA_BYTE, o + 2 + j, (byte) (q0 | (q1 << 4)));
            }
        }
    }

    @Override
    float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int b = 0; b < blocksPerRow; b++) {
            long o = base + (long) b * BLOCK_BYTES;
            float d = f16(data, o);
            int xi = xOff + b * BLOCK;
            float acc = 0f;
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, o + 2 + j) & 0xFF;
                acc += ((q & 0x0F) - 8) * x[xi + j] + ((q >>> 4) - 8) * x[xi + j + 16];
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
     * Scalar twin of ggml's x86 {@code ggml_vec_dot_q4_0_q8_0} (AVX2/FMA path): element j &lt; 16 of a block is the
     * low nibble of byte j minus 8, element j &gt;= 16 the high nibble of byte j - 16 minus 8; per block,
     * d = d_w · d_a in float32, eight int sums of four consecutive element x activation products, each accumulated
     * into its own float lane as fma(d, sum, lane); the lanes summed as {@code hsum_float_8}.
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
            long o = base + (long) ib * BLOCK_BYTES;
            int ao = (ab0 + ib) * BLOCK;
            float d = f16(data, o) * a.d[ab0 + ib];
            x0 = Math.fma(d, (float) quad(o, 0, a.q, ao), x0);
            x1 = Math.fma(d, (float) quad(o, 4, a.q, ao), x1);
            x2 = Math.fma(d, (float) quad(o, 8, a.q, ao), x2);
            x3 = Math.fma(d, (float) quad(o, 12, a.q, ao), x3);
            x4 = Math.fma(d, (float) quad(o, 16, a.q, ao), x4);
            x5 = Math.fma(d, (float) quad(o, 20, a.q, ao), x5);
            x6 = Math.fma(d, (float) quad(o, 24, a.q, ao), x6);
            x7 = Math.fma(d, (float) quad(o, 28, a.q, ao), x7);
        }
        return hsum8(x0, x1, x2, x3, x4, x5, x6, x7);
    }

    /** Σ_{j = j0}^{j0+3} (element j of the block at {@code o}) · q[qo + j], exact int: element j &lt; 16 is the low
     * nibble of byte j minus 8, element j &gt;= 16 the high nibble of byte j - 16 minus 8. */
    private int quad(long o, int j0, byte[] q, int qo) {
        int sum = 0;
        for (int j = j0; j < j0 + 4; j++) {
            int b = data.get(ValueLayout.JAVA_BYTE, o + 2 + (j & 15)) & 0xFF;
            sum += ((j < 16 ? b & 0x0F : b >>> 4) - 8) * q[qo + j];
        }
        return sum;
    }

    @Override
    float dotQ8Vector(int bits, int row, Q8Activations a, int token) {
        if (bits == Kernels.BITS) {
            return Int8Kernels.q4Preferred(data, row * rowBytes, blocksPerRow, a.q, a.d, token * blocksPerRow);
        }
        var ss = Simd.shortsOfBits(Math.min(256, bits));
        return Int8Kernels.q4(Simd.bytesFor(ss), ss, data, row * rowBytes, blocksPerRow, a.q, a.d, token * blocksPerRow);
    }

    @Override
    void dotQ8x4(int row, Q8Activations a, int t, float[] out, int outStride, int outCol) {
        if (!Kernels.VECTOR || !Int8Kernels.Q4_TILE) {
            super.dotQ8x4(row, a, t, out, outStride, outCol);
            return;
        }
        int bpr = blocksPerRow;
        Int8Kernels.q4x4Preferred(data, row * rowBytes, bpr, a.q, a.d, t * bpr, (t + 1) * bpr, (t + 2) * bpr, (t + 3) * bpr, out,
                t * outStride + outCol, (t + 1) * outStride + outCol, (t + 2) * outStride + outCol, (t + 3) * outStride + outCol);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < blocksPerRow; b++) {
            long o = base + (long) b * BLOCK_BYTES;
            float d = f16(data, o);
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, o + 2 + j) & 0xFF;
                out[off + b * BLOCK + j] = d * ((q & 0x0F) - 8);
                out[off + b * BLOCK + j + 16] = d * ((q >>> 4) - 8);
            }
        }
    }

    static final class Vec {
        private Vec() {
        }

        static float dot(VectorSpecies<Float> fs, MemorySegment w, long base, int blocks, float[] x, int xOff) {
            int lanes = fs.length();
            int parts = 16 / lanes;
            FloatVector acc = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                ByteVector q = ByteVector.fromMemorySegment(Simd.B128, w, o + 2, Simd.LE);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
                int xi = xOff + b * BLOCK;
                FloatVector blockAcc = FloatVector.zero(fs);
                for (int p = 0; p < parts; p++) {
                    FloatVector wl = (FloatVector) lo.convertShape(VectorOperators.B2F, fs, p);
                    blockAcc = wl.fma(FloatVector.fromArray(fs, x, xi + p * lanes), blockAcc);
                    FloatVector wh = (FloatVector) hi.convertShape(VectorOperators.B2F, fs, p);
                    blockAcc = wh.fma(FloatVector.fromArray(fs, x, xi + 16 + p * lanes), blockAcc);
                }
                acc = blockAcc.fma(FloatVector.broadcast(fs, f16(w, o)), acc);
            }
            return VectorLanes.sum(acc); // blocks tile the row exactly: no scalar tail
        }

        /** The production path: same operations as the generic method, with the species a compile-time constant
         * (a species that reaches vector code as a parameter of a method the JIT did not inline disables the
         * intrinsics and runs ~100x slower). */
        static float dotPreferred(MemorySegment w, long base, int blocks, float[] x, int xOff) {
            final VectorSpecies<Float> fs = Simd.F; // a constant: the JIT specializes the vector ops for it
            int lanes = fs.length();
            int parts = 16 / lanes;
            FloatVector acc = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                ByteVector q = ByteVector.fromMemorySegment(Simd.B128, w, o + 2, Simd.LE);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
                int xi = xOff + b * BLOCK;
                FloatVector blockAcc = FloatVector.zero(fs);
                for (int p = 0; p < parts; p++) {
                    FloatVector wl = (FloatVector) lo.convertShape(VectorOperators.B2F, fs, p);
                    blockAcc = wl.fma(FloatVector.fromArray(fs, x, xi + p * lanes), blockAcc);
                    FloatVector wh = (FloatVector) hi.convertShape(VectorOperators.B2F, fs, p);
                    blockAcc = wh.fma(FloatVector.fromArray(fs, x, xi + 16 + p * lanes), blockAcc);
                }
                acc = blockAcc.fma(FloatVector.broadcast(fs, f16(w, o)), acc);
            }
            return VectorLanes.sum(acc); // blocks tile the row exactly: no scalar tail
        }
    }
}
