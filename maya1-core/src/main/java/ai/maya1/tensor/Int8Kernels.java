package ai.maya1.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels of the integer dot products (Q8_0 x Q8_0, Q4_0 x Q8_0). Loaded only on the vector path.
 *
 * <p><b>Arithmetic</b> (ggml's x86 AVX2 {@code ggml_vec_dot_q8_0_q8_0} / {@code ggml_vec_dot_q4_0_q8_0}, which is
 * also what llama.cpp runs on AVX-512 CPUs): per 32-weight block, eight int32 sums of four consecutive int8
 * products (element i &lt; 16 of a Q4_0 block is the low nibble of byte i minus 8, element i &gt;= 16 the high nibble
 * of byte i - 16 minus 8), each converted to float (exact) and accumulated into its own float lane with one fused
 * multiply-add by {@code d = d_w * d_a} (float32 product of the two scales); at the end the eight lanes are summed as
 * {@code hsum_float_8}: {@code ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7))}. The scalar twins in
 * {@link Q8_0Matrix} / {@link Q4_0Matrix} compute exactly this, so kernel and twin agree bit for bit on every width.
 *
 * <p><b>Shape</b>: int8 loads widened to int16 ({@code vpmovsxbw}), one int16 multiply for a register of products
 * ({@code vpmullw}; |q8 · q8| &lt;= 16384 and |q4 · q8| &lt;= 1024 fit), adjacent products summed into int32 lanes
 * without a cross-lane operation (shift left 16 then arithmetic right 16 for the low half, arithmetic right 16
 * for the high half: the {@code vpmaddwd} result), and adjacent int32 pairs summed by one 64-bit add of the
 * register and itself shifted right by 32 (the even int32 lanes then hold the four-product sums, the odd lanes
 * are ignored), then {@code vcvtdq2ps} and one FMA. No horizontal reduction inside the loop.
 */
final class Int8Kernels {
    private static final int Q8_BYTES = Q8_0Matrix.BLOCK_BYTES;
    private static final int Q4_BYTES = Q4_0Matrix.BLOCK_BYTES;

    private Int8Kernels() {
    }

    static VectorSpecies<Float> floatsFor(VectorSpecies<Short> ss) {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(ss.vectorBitSize()));
    }

    private static ShortVector load(VectorSpecies<Byte> bs, VectorSpecies<Short> ss, MemorySegment w, long off) {
        return (ShortVector) ByteVector.fromMemorySegment(bs, w, off, Simd.LE).convertShape(VectorOperators.B2S, ss, 0);
    }

    private static ShortVector load(VectorSpecies<Byte> bs, VectorSpecies<Short> ss, byte[] a, int off) {
        return (ShortVector) ByteVector.fromArray(bs, a, off).convertShape(VectorOperators.B2S, ss, 0);
    }

    /** Low nibbles minus 8, widened. */
    private static ShortVector low(ByteVector q, VectorSpecies<Short> ss) {
        return (ShortVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0);
    }

    /** High nibbles minus 8, widened. */
    private static ShortVector high(ByteVector q, VectorSpecies<Short> ss) {
        return (ShortVector) q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0);
    }

    /**
     * Products of {@code w} and {@code a}, summed in fours: float lane 2m holds the exact sum of products
     * 4m .. 4m+3 (odd lanes hold ignored values).
     */
    static FloatVector quads(ShortVector w, ShortVector a, VectorSpecies<Float> fs) {
        IntVector v = w.mul(a).reinterpretAsInts();
        IntVector pairs = v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v.lanewise(VectorOperators.ASHR, 16));
        LongVector l = pairs.reinterpretAsLongs();
        IntVector fours = l.add(l.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts();
        return (FloatVector) fours.convertShape(VectorOperators.I2F, fs, 0);
    }

    /** ggml's {@code hsum_float_8} over the eight lanes held by the even lanes of {@code parts} accumulators. */
    static float hsum8(int parts, FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        if (parts == 1) {
            return hsum8(a0.lane(0), a0.lane(2), a0.lane(4), a0.lane(6), a0.lane(8), a0.lane(10), a0.lane(12), a0.lane(14));
        }
        if (parts == 2) {
            return hsum8(a0.lane(0), a0.lane(2), a0.lane(4), a0.lane(6), a1.lane(0), a1.lane(2), a1.lane(4), a1.lane(6));
        }
        return hsum8(a0.lane(0), a0.lane(2), a1.lane(0), a1.lane(2), a2.lane(0), a2.lane(2), a3.lane(0), a3.lane(2));
    }

    /** {@code hsum_float_8}: ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7)). */
    static float hsum8(float x0, float x1, float x2, float x3, float x4, float x5, float x6, float x7) {
        return ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7));
    }

    // ---- Q8_0 x Q8_0: one part per block on 512-bit vectors (32 shorts), two on 256, four on 128 ----

    static float q8(VectorSpecies<Byte> bs, VectorSpecies<Short> ss, MemorySegment w, long base, int blocks, byte[] aq, float[] ad, int ab0) {
        final VectorSpecies<Float> fs = floatsFor(ss);
        final int lanes = ss.length();
        final int parts = Q8Activations.BLOCK / lanes;
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q8_BYTES;
            int ao = (ab0 + b) * Q8Activations.BLOCK;
            FloatVector d = FloatVector.broadcast(fs, BlockMatrix.f16(w, o) * ad[ab0 + b]);
            acc0 = quads(load(bs, ss, w, o + 2), load(bs, ss, aq, ao), fs).fma(d, acc0);
            if (parts > 1) {
                acc1 = quads(load(bs, ss, w, o + 2 + lanes), load(bs, ss, aq, ao + lanes), fs).fma(d, acc1);
            }
            if (parts > 2) {
                acc2 = quads(load(bs, ss, w, o + 2 + 2 * lanes), load(bs, ss, aq, ao + 2 * lanes), fs).fma(d, acc2);
                acc3 = quads(load(bs, ss, w, o + 2 + 3 * lanes), load(bs, ss, aq, ao + 3 * lanes), fs).fma(d, acc3);
            }
        }
        return hsum8(parts, acc0, acc1, acc2, acc3);
    }

    /** {@link #q8} with the production species as constants (a species reaching vector code as a parameter of a
     * method the JIT did not inline disables the intrinsics). */
    static float q8Preferred(MemorySegment w, long base, int blocks, byte[] aq, float[] ad, int ab0) {
        final VectorSpecies<Byte> bs = Simd.BQ;
        final VectorSpecies<Short> ss = Simd.SQ;
        final VectorSpecies<Float> fs = Simd.F;
        final int lanes = ss.length();
        final int parts = Q8Activations.BLOCK / lanes;
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q8_BYTES;
            int ao = (ab0 + b) * Q8Activations.BLOCK;
            FloatVector d = FloatVector.broadcast(fs, BlockMatrix.f16(w, o) * ad[ab0 + b]);
            acc0 = quads(load(bs, ss, w, o + 2), load(bs, ss, aq, ao), fs).fma(d, acc0);
            if (parts > 1) {
                acc1 = quads(load(bs, ss, w, o + 2 + lanes), load(bs, ss, aq, ao + lanes), fs).fma(d, acc1);
            }
            if (parts > 2) {
                acc2 = quads(load(bs, ss, w, o + 2 + 2 * lanes), load(bs, ss, aq, ao + 2 * lanes), fs).fma(d, acc2);
                acc3 = quads(load(bs, ss, w, o + 2 + 3 * lanes), load(bs, ss, aq, ao + 3 * lanes), fs).fma(d, acc3);
            }
        }
        return hsum8(parts, acc0, acc1, acc2, acc3);
    }

    // ---- Q4_0 x Q8_0: at most 16 shorts per part (the 16 nibble bytes of a block), two parts on 256, four on 128 ----

    static float q4(VectorSpecies<Byte> bs, VectorSpecies<Short> ss, MemorySegment w, long base, int blocks, byte[] aq, float[] ad, int ab0) {
        final VectorSpecies<Float> fs = floatsFor(ss);
        final int lanes = ss.length();
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q4_BYTES;
            int ao = (ab0 + b) * Q8Activations.BLOCK;
            FloatVector d = FloatVector.broadcast(fs, BlockMatrix.f16(w, o) * ad[ab0 + b]);
            ByteVector q = ByteVector.fromMemorySegment(bs, w, o + 2, Simd.LE);
            if (lanes == 16) {
                acc0 = quads(low(q, ss), load(bs, ss, aq, ao), fs).fma(d, acc0);
                acc1 = quads(high(q, ss), load(bs, ss, aq, ao + 16), fs).fma(d, acc1);
            } else {
                ByteVector q2 = ByteVector.fromMemorySegment(bs, w, o + 2 + lanes, Simd.LE);
                acc0 = quads(low(q, ss), load(bs, ss, aq, ao), fs).fma(d, acc0);
                acc1 = quads(low(q2, ss), load(bs, ss, aq, ao + lanes), fs).fma(d, acc1);
                acc2 = quads(high(q, ss), load(bs, ss, aq, ao + 16), fs).fma(d, acc2);
                acc3 = quads(high(q2, ss), load(bs, ss, aq, ao + 16 + lanes), fs).fma(d, acc3);
            }
        }
        return hsum8(lanes == 16 ? 2 : 4, acc0, acc1, acc2, acc3);
    }

    static float q4Preferred(MemorySegment w, long base, int blocks, byte[] aq, float[] ad, int ab0) {
        final VectorSpecies<Byte> bs = Simd.BQ4;
        final VectorSpecies<Short> ss = Simd.SQ4;
        final VectorSpecies<Float> fs = Simd.FQ4;
        final int lanes = ss.length();
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q4_BYTES;
            int ao = (ab0 + b) * Q8Activations.BLOCK;
            FloatVector d = FloatVector.broadcast(fs, BlockMatrix.f16(w, o) * ad[ab0 + b]);
            ByteVector q = ByteVector.fromMemorySegment(bs, w, o + 2, Simd.LE);
            if (lanes == 16) {
                acc0 = quads(low(q, ss), load(bs, ss, aq, ao), fs).fma(d, acc0);
                acc1 = quads(high(q, ss), load(bs, ss, aq, ao + 16), fs).fma(d, acc1);
            } else {
                ByteVector q2 = ByteVector.fromMemorySegment(bs, w, o + 2 + lanes, Simd.LE);
                acc0 = quads(low(q, ss), load(bs, ss, aq, ao), fs).fma(d, acc0);
                acc1 = quads(low(q2, ss), load(bs, ss, aq, ao + lanes), fs).fma(d, acc1);
                acc2 = quads(high(q, ss), load(bs, ss, aq, ao + 16), fs).fma(d, acc2);
                acc3 = quads(high(q2, ss), load(bs, ss, aq, ao + 16 + lanes), fs).fma(d, acc3);
            }
        }
        return hsum8(lanes == 16 ? 2 : 4, acc0, acc1, acc2, acc3);
    }
}
