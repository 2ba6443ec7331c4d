package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GGUF Q5_K: super-blocks of 256 weights (176 bytes): f16 d, f16 dmin, 12 bytes of scales/mins (as Q4_K),
 * 32 bytes of high bits (bit j of byte l is the fifth bit of weight l of sub-block j), 128 bytes of nibbles
 * (as Q4_K); weight = d·sc_j·q − dmin·m_j with q in [0, 31].
 */
public final class Q5_KMatrix extends BlockMatrix {
    static final int QK = 256;
    static final int BLOCK_BYTES = 176;

    public Q5_KMatrix(String name, int rows, int cols, MemorySegment blocks) {
        super(name, rows, cols, blocks, DType.Q5_K);
    }

    @Override
    public DType dtype() {
        return DType.Q5_K;
    }

    private static int q(MemorySegment s, long o, int j, int i) {
        int lo = (Q4_KMatrix.u8(s, o + 48 + (j / 2) * 32L + i) >> ((j & 1) * 4)) & 0x0F;
        int hi = (Q4_KMatrix.u8(s, o + 16 + i) >> j) & 1;
        return lo | (hi << 4);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < blocksPerRow; b++) {
            long o = base + (long) b * BLOCK_BYTES;
            float d = f16(data, o);
            float dmin = f16(data, o + 2);
            for (int j = 0; j < 8; j++) {
                float dj = d * Q4_KMatrix.scale(data, o + 4, j);
                float mj = dmin * Q4_KMatrix.min(data, o + 4, j);
                for (int i = 0; i < 32; i++) {
                    out[off + b * QK + j * 32 + i] = dj * q(data, o, j, i) - mj;
                }
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
            float dmin = f16(data, o + 2);
            for (int j = 0; j < 8; j++) {
                float dj = d * Q4_KMatrix.scale(data, o + 4, j);
                float mj = dmin * Q4_KMatrix.min(data, o + 4, j);
                int xi = xOff + b * QK + j * 32;
                float acc = 0f;
                for (int i = 0; i < 32; i++) {
                    acc += (dj * q(data, o, j, i) - mj) * x[xi + i];
                }
                sum += acc;
            }
        }
        return sum;
    }

    @Override
    float dotVector(int bits, int row, float[] x, int xOff) {
        return bits == Kernels.BITS ? Vec.dotPreferred(data, row * rowBytes, blocksPerRow, x, xOff)
                : Vec.dot(Simd.floats(bits), data, row * rowBytes, blocksPerRow, x, xOff);
    }

    static final class Vec {
        private Vec() {
        }

        static float dot(VectorSpecies<Float> fs, MemorySegment w, long base, int blocks, float[] x, int xOff) {
            // two accumulators (even and odd sub-blocks): two independent FMA chains
            FloatVector accLo = FloatVector.zero(fs);
            FloatVector accHi = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                float d = f16(w, o);
                float dmin = f16(w, o + 2);
                for (int h = 0; h < 32; h += 16) {
                    for (int c = 0; c < 4; c++) {
                        ByteVector qh = ByteVector.fromMemorySegment(Simd.B128, w, o + 16 + h, Simd.LE);
                        int jLo = 2 * c;
                        int jHi = 2 * c + 1;
                        ByteVector ql = ByteVector.fromMemorySegment(Simd.B128, w, o + 48 + c * 32L + h, Simd.LE);
                        ByteVector lo = ql.and((byte) 0x0F).lanewise(VectorOperators.OR, (byte) 16, qh.and((byte) (1 << jLo)).compare(VectorOperators.NE, (byte) 0));
                        ByteVector hi = ql.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                                .lanewise(VectorOperators.OR, (byte) 16, qh.and((byte) (1 << jHi)).compare(VectorOperators.NE, (byte) 0));
                        int xi = xOff + b * QK + c * 64 + h;
                        accLo = KQuantVec.step16(fs, lo, d * Q4_KMatrix.scale(w, o + 4, jLo), dmin * Q4_KMatrix.min(w, o + 4, jLo), x, xi, accLo);
                        accHi = KQuantVec.step16(fs, hi, d * Q4_KMatrix.scale(w, o + 4, jHi), dmin * Q4_KMatrix.min(w, o + 4, jHi), x, xi + 32, accHi);
                    }
                }
            }
            return VectorLanes.sum(accLo.add(accHi)); // super-blocks tile the row exactly: no scalar tail
        }

        /** The production path: the same operations as the generic method with the species a compile-time constant,
         * written out in one method (no helper: a vector passed to a call the JIT does not inline is boxed), the
         * accumulators reduced once per row. */
        static float dotPreferred(MemorySegment w, long base, int blocks, float[] x, int xOff) {
            final VectorSpecies<Float> fs = Simd.F; // a constant: the JIT specializes the vector ops for it
            final int lanes = fs.length();
            FloatVector accLo = FloatVector.zero(fs);
            FloatVector accHi = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                float d = f16(w, o);
                float dmin = f16(w, o + 2);
                for (int h = 0; h < 32; h += 16) {
                    for (int c = 0; c < 4; c++) {
                        // loaded again per c (from L1): a vector held across the inner loop made C2 box it
                        ByteVector qh = ByteVector.fromMemorySegment(Simd.B128, w, o + 16 + h, Simd.LE);
                        int jLo = 2 * c;
                        int jHi = 2 * c + 1;
                        ByteVector ql = ByteVector.fromMemorySegment(Simd.B128, w, o + 48 + c * 32L + h, Simd.LE);
                        ByteVector lo = ql.and((byte) 0x0F).lanewise(VectorOperators.OR, (byte) 16, qh.and((byte) (1 << jLo)).compare(VectorOperators.NE, (byte) 0));
                        ByteVector hi = ql.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                                .lanewise(VectorOperators.OR, (byte) 16, qh.and((byte) (1 << jHi)).compare(VectorOperators.NE, (byte) 0));
                        int xi = xOff + b * QK + c * 64 + h;
                        FloatVector sLo = FloatVector.broadcast(fs, d * Q4_KMatrix.scale(w, o + 4, jLo));
                        FloatVector mLo = FloatVector.broadcast(fs, -(dmin * Q4_KMatrix.min(w, o + 4, jLo)));
                        FloatVector sHi = FloatVector.broadcast(fs, d * Q4_KMatrix.scale(w, o + 4, jHi));
                        FloatVector mHi = FloatVector.broadcast(fs, -(dmin * Q4_KMatrix.min(w, o + 4, jHi)));
                        for (int p = 0; p < 16 / lanes; p++) {
                            FloatVector wv = ((FloatVector) lo.convertShape(VectorOperators.B2F, fs, p)).fma(sLo, mLo);
                            accLo = wv.fma(FloatVector.fromArray(fs, x, xi + p * lanes), accLo);
                        }
                        for (int p = 0; p < 16 / lanes; p++) {
                            FloatVector wv = ((FloatVector) hi.convertShape(VectorOperators.B2F, fs, p)).fma(sHi, mHi);
                            accHi = wv.fma(FloatVector.fromArray(fs, x, xi + 32 + p * lanes), accHi);
                        }
                    }
                }
            }
            FloatVector total = accLo.add(accHi);
            // VectorLanes.sum written out: a call with a vector argument that C2 does not inline boxes the vector
            float sum = total.lane(0);
            for (int i = 1; i < total.length(); i++) {
                sum += total.lane(i);
            }
            return sum; // super-blocks tile the row exactly: no scalar tail
        }
    }
}
