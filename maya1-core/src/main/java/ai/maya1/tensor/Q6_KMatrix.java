package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GGUF Q6_K: super-blocks of 256 weights (210 bytes): 128 bytes of low nibbles, 64 bytes of 2-bit high parts,
 * 16 int8 scales (one per 16 weights), f16 d; weight = d·sc·(q − 32). Each half of 128 weights uses 64 low-nibble
 * bytes (weights 0..63 low nibbles, 64..127 high nibbles) and 32 high bytes (bits 2k..2k+1 for weights 32k..).
 */
public final class Q6_KMatrix extends BlockMatrix {
    static final int QK = 256;
    static final int BLOCK_BYTES = 210;

    public Q6_KMatrix(String name, int rows, int cols, MemorySegment blocks) {
        super(name, rows, cols, blocks, DType.Q6_K);
    }

    @Override
    public DType dtype() {
        return DType.Q6_K;
    }

    /** Signed 6-bit weight i (0..255) of the super-block at o. */
    private static int q(MemorySegment s, long o, int i) {
        int h = i >> 7;
        int k = i & 127;
        int lo = k < 64 ? Q4_KMatrix.u8(s, o + h * 64L + k) & 0x0F : Q4_KMatrix.u8(s, o + h * 64L + k - 64) >> 4;
        int hi = (Q4_KMatrix.u8(s, o + 128 + h * 32L + (k & 31)) >> (2 * (k >> 5))) & 3;
        return (lo | (hi << 4)) - 32;
    }

    private static float scale(MemorySegment s, long o, float d, int i) {
        return d * s.get(ValueLayout.JAVA_BYTE, o + 192 + (i >> 4));
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < blocksPerRow; b++) {
            long o = base + (long) b * BLOCK_BYTES;
            float d = f16(data, o + 208);
            for (int i = 0; i < QK; i++) {
                out[off + b * QK + i] = scale(data, o, d, i) * q(data, o, i);
            }
        }
    }

    @Override
    float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int b = 0; b < blocksPerRow; b++) {
            long o = base + (long) b * BLOCK_BYTES;
            float d = f16(data, o + 208);
            for (int g = 0; g < QK; g += 16) {
                float sc = scale(data, o, d, g);
                float acc = 0f;
                for (int i = g; i < g + 16; i++) {
                    acc += sc * q(data, o, i) * x[xOff + b * QK + i];
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
            FloatVector acc0 = FloatVector.zero(fs); // two independent FMA chains: first and second half of each super-block
            FloatVector acc1 = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                float d = f16(w, o + 208);
                for (int h = 0; h < 2; h++) {
                    for (int k = 0; k < 128; k += 16) {
                        ByteVector ql = ByteVector.fromMemorySegment(Simd.B128, w, o + h * 64L + (k & 63), Simd.LE);
                        ByteVector lo = k < 64 ? ql.and((byte) 0x0F) : ql.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                        ByteVector qh = ByteVector.fromMemorySegment(Simd.B128, w, o + 128 + h * 32L + (k & 31), Simd.LE);
                        ByteVector hi = qh.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2 * (k >> 5)).reinterpretAsBytes().and((byte) 3).reinterpretAsInts().lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes();
                        ByteVector q = lo.or(hi).sub((byte) 32);
                        int i = h * 128 + k;
                        if (h == 0) {
                            acc0 = KQuantVec.step16(fs, q, scale(w, o, d, i), 0f, x, xOff + b * QK + i, acc0);
                        } else {
                            acc1 = KQuantVec.step16(fs, q, scale(w, o, d, i), 0f, x, xOff + b * QK + i, acc1);
                        }
                    }
                }
            }
            return VectorLanes.sum(acc0.add(acc1)); // super-blocks tile the row exactly: no scalar tail
        }

        /** The production path: same operations as the generic method, with the species a compile-time constant
         * (a species that reaches vector code as a parameter of a method the JIT did not inline disables the
         * intrinsics and runs ~100x slower). */
        static float dotPreferred(MemorySegment w, long base, int blocks, float[] x, int xOff) {
            final VectorSpecies<Float> fs = Simd.F; // a constant: the JIT specializes the vector ops for it
            FloatVector acc0 = FloatVector.zero(fs); // two independent FMA chains: first and second half of each super-block
            FloatVector acc1 = FloatVector.zero(fs);
            for (int b = 0; b < blocks; b++) {
                long o = base + (long) b * BLOCK_BYTES;
                float d = f16(w, o + 208);
                for (int h = 0; h < 2; h++) {
                    for (int k = 0; k < 128; k += 16) {
                        ByteVector ql = ByteVector.fromMemorySegment(Simd.B128, w, o + h * 64L + (k & 63), Simd.LE);
                        ByteVector lo = k < 64 ? ql.and((byte) 0x0F) : ql.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                        ByteVector qh = ByteVector.fromMemorySegment(Simd.B128, w, o + 128 + h * 32L + (k & 31), Simd.LE);
                        ByteVector hi = qh.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2 * (k >> 5)).reinterpretAsBytes().and((byte) 3).reinterpretAsInts().lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes();
                        ByteVector q = lo.or(hi).sub((byte) 32);
                        int i = h * 128 + k;
                        { // inlined by hand: vectors passed to a call the JIT does not inline are boxed
                            ByteVector qq = q;
                            FloatVector sv = FloatVector.broadcast(fs, scale(w, o, d, i));
                            FloatVector mv = FloatVector.broadcast(fs, -(0f));
                            int xb = xOff + b * QK + i;
                            for (int p = 0; p < 16 / fs.length(); p++) {
                                FloatVector wv = ((FloatVector) qq.convertShape(VectorOperators.B2F, fs, p)).fma(sv, mv);
                                if (h == 0) {
                                    acc0 = wv.fma(FloatVector.fromArray(fs, x, xb + p * fs.length()), acc0);
                                } else {
                                    acc1 = wv.fma(FloatVector.fromArray(fs, x, xb + p * fs.length()), acc1);
                                }
                            }
                        }
                    }
                }
            }
            return VectorLanes.sum(acc0.add(acc1)); // super-blocks tile the row exactly: no scalar tail
        }
    }
}
