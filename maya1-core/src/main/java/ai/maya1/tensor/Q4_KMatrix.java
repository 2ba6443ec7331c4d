package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GGUF Q4_K: super-blocks of 256 weights (144 bytes): f16 d, f16 dmin, 12 bytes of packed 6-bit scales and
 * mins for 8 sub-blocks of 32, then 128 bytes of nibbles (bytes 32c..32c+31 hold sub-block 2c in their low
 * nibbles and 2c+1 in their high nibbles); weight = d·sc_j·q − dmin·m_j.
 */
public final class Q4_KMatrix extends BlockMatrix {
    static final int QK = 256;
    static final int BLOCK_BYTES = 144;

    public Q4_KMatrix(String name, int rows, int cols, MemorySegment blocks) {
        super(name, rows, cols, blocks, DType.Q4_K);
    }

    @Override
    public DType dtype() {
        return DType.Q4_K;
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** 6-bit scale of sub-block j from the 12 packed bytes at {@code sc} (ggml get_scale_min_k4). */
    static int scale(MemorySegment s, long sc, int j) {
        return j < 4 ? u8(s, sc + j) & 63 : (u8(s, sc + j + 4) & 0x0F) | ((u8(s, sc + j - 4) >> 6) << 4);
    }

    /** 6-bit min of sub-block j. */
    static int min(MemorySegment s, long sc, int j) {
        return j < 4 ? u8(s, sc + j + 4) & 63 : (u8(s, sc + j + 4) >> 4) | ((u8(s, sc + j) >> 6) << 4);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < blocksPerRow; b++) {
            long o = base + (long) b * BLOCK_BYTES;
            float d = f16(data, o);
            float dmin = f16(data, o + 2);
            for (int j = 0; j < 8; j++) {
                float dj = d * scale(data, o + 4, j);
                float mj = dmin * min(data, o + 4, j);
                long q = o + 16 + (j / 2) * 32L;
                int shift = (j & 1) * 4;
                for (int i = 0; i < 32; i++) {
                    out[off + b * QK + j * 32 + i] = dj * ((u8(data, q + i) >> shift) & 0x0F) - mj;
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
                float dj = d * scale(data, o + 4, j);
                float mj = dmin * min(data, o + 4, j);
                long q = o + 16 + (j / 2) * 32L;
                int shift = (j & 1) * 4;
                int xi = xOff + b * QK + j * 32;
                float acc = 0f;
                for (int i = 0; i < 32; i++) {
                    acc += (dj * ((u8(data, q + i) >> shift) & 0x0F) - mj) * x[xi + i];
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
            // two accumulators (low-nibble and high-nibble sub-blocks): two independent FMA chains
            FloatVector accLo = FloatVector.zero(fs);
            FloatVector accHi = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                float d = f16(w, o);
                float dmin = f16(w, o + 2);
                for (int c = 0; c < 4; c++) {
                    float dLo = d * scale(w, o + 4, 2 * c);
                    float mLo = dmin * min(w, o + 4, 2 * c);
                    float dHi = d * scale(w, o + 4, 2 * c + 1);
                    float mHi = dmin * min(w, o + 4, 2 * c + 1);
                    int xi = xOff + b * QK + c * 64;
                    for (int h = 0; h < 32; h += 16) {
                        ByteVector q = ByteVector.fromMemorySegment(Simd.B128, w, o + 16 + c * 32L + h, Simd.LE);
                        accLo = KQuantVec.step16(fs, q.and((byte) 0x0F), dLo, mLo, x, xi + h, accLo);
                        accHi = KQuantVec.step16(fs, q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F), dHi, mHi, x, xi + 32 + h, accHi);
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
                for (int c = 0; c < 4; c++) {
                    FloatVector sLo = FloatVector.broadcast(fs, d * scale(w, o + 4, 2 * c));
                    FloatVector mLo = FloatVector.broadcast(fs, -(dmin * min(w, o + 4, 2 * c)));
                    FloatVector sHi = FloatVector.broadcast(fs, d * scale(w, o + 4, 2 * c + 1));
                    FloatVector mHi = FloatVector.broadcast(fs, -(dmin * min(w, o + 4, 2 * c + 1)));
                    int xi = xOff + b * QK + c * 64;
                    for (int h = 0; h < 32; h += 16) {
                        ByteVector q = ByteVector.fromMemorySegment(Simd.B128, w, o + 16 + c * 32L + h, Simd.LE);
                        ByteVector lo = q.and((byte) 0x0F);
                        ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                        for (int p = 0; p < 16 / lanes; p++) {
                            FloatVector wv = ((FloatVector) lo.convertShape(VectorOperators.B2F, fs, p)).fma(sLo, mLo);
                            accLo = wv.fma(FloatVector.fromArray(fs, x, xi + h + p * lanes), accLo);
                        }
                        for (int p = 0; p < 16 / lanes; p++) {
                            FloatVector wv = ((FloatVector) hi.convertShape(VectorOperators.B2F, fs, p)).fma(sHi, mHi);
                            accHi = wv.fma(FloatVector.fromArray(fs, x, xi + 32 + h + p * lanes), accHi);
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
