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
 *
 * <p>Everything in the loops is written out in place, without helper methods: a helper that C2 has already
 * compiled on its own is too big to inline into a larger kernel, and a vector passed across a call that is not
 * inlined is boxed, which runs the kernel about 100 times slower.
 */
final class Int8Kernels {
    private static final int Q8_BYTES = Q8_0Matrix.BLOCK_BYTES;
    private static final int Q4_BYTES = Q4_0Matrix.BLOCK_BYTES;
    /** Whether {@link #q8x4Preferred} applies (one part per block: 512-bit vectors). */
    static final boolean Q8_TILE = Simd.SQ.length() == Q8Activations.BLOCK;
    /** Whether {@link #q4x4Preferred} applies (16-short parts: 256-bit vectors or wider). */
    static final boolean Q4_TILE = Simd.SQ4.length() == 16;

    private Int8Kernels() {
    }

    static VectorSpecies<Float> floatsFor(VectorSpecies<Short> ss) {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(ss.vectorBitSize()));
    }

    /** {@code hsum_float_8}: ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7)). */
    static float hsum8(float x0, float x1, float x2, float x3, float x4, float x5, float x6, float x7) {
        return ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7));
    }

    // ---- Q8_0 x Q8_0: one part per block on 512-bit vectors (32 shorts), two on 256, four on 128 ----

    /** Forced species (tests; the JIT does not specialize it). */
    static float q8(VectorSpecies<Byte> bs, VectorSpecies<Short> ss, MemorySegment w, long base, int blocks, byte[] aq, float[] ad, int ab0) {
        final VectorSpecies<Float> fs = floatsFor(ss);
        final int lanes = ss.length();
        final int parts = Q8Activations.BLOCK / lanes;
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q8_BYTES + 2;
            int ao = (ab0 + b) * Q8Activations.BLOCK;
            FloatVector d = FloatVector.broadcast(fs, BlockMatrix.f16(w, o - 2) * ad[ab0 + b]);
            IntVector v1 = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o, Simd.LE).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l1 = v1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v1.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            acc0 = ((FloatVector) l1.add(l1.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc0);
            if (parts > 1) {
                IntVector v2 = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o + lanes, Simd.LE).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l2 = v2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v2.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc1 = ((FloatVector) l2.add(l2.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc1);
            }
            if (parts > 2) {
                IntVector v3 = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o + 2 * lanes, Simd.LE).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 2 * lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l3 = v3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v3.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc2 = ((FloatVector) l3.add(l3.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc2);
                IntVector v4 = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o + 3 * lanes, Simd.LE).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 3 * lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l4 = v4.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v4.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc3 = ((FloatVector) l4.add(l4.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc3);
            }
        }
        if (parts == 1) {
            return hsum8(acc0.lane(0), acc0.lane(2), acc0.lane(4), acc0.lane(6), acc0.lane(8), acc0.lane(10), acc0.lane(12), acc0.lane(14));
        }
        if (parts == 2) {
            return hsum8(acc0.lane(0), acc0.lane(2), acc0.lane(4), acc0.lane(6), acc1.lane(0), acc1.lane(2), acc1.lane(4), acc1.lane(6));
        }
        return hsum8(acc0.lane(0), acc0.lane(2), acc1.lane(0), acc1.lane(2), acc2.lane(0), acc2.lane(2), acc3.lane(0), acc3.lane(2));
    }

    /** The production path: {@link #q8} with the species as constants. */
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
            long o = base + (long) b * Q8_BYTES + 2;
            int ao = (ab0 + b) * Q8Activations.BLOCK;
            FloatVector d = FloatVector.broadcast(fs, BlockMatrix.f16(w, o - 2) * ad[ab0 + b]);
            IntVector v5 = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o, Simd.LE).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l5 = v5.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v5.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            acc0 = ((FloatVector) l5.add(l5.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc0);
            if (parts > 1) {
                IntVector v6 = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o + lanes, Simd.LE).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l6 = v6.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v6.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc1 = ((FloatVector) l6.add(l6.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc1);
            }
            if (parts > 2) {
                IntVector v7 = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o + 2 * lanes, Simd.LE).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 2 * lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l7 = v7.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v7.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc2 = ((FloatVector) l7.add(l7.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc2);
                IntVector v8 = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o + 3 * lanes, Simd.LE).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 3 * lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l8 = v8.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v8.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc3 = ((FloatVector) l8.add(l8.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc3);
            }
        }
        if (parts == 1) {
            return hsum8(acc0.lane(0), acc0.lane(2), acc0.lane(4), acc0.lane(6), acc0.lane(8), acc0.lane(10), acc0.lane(12), acc0.lane(14));
        }
        if (parts == 2) {
            return hsum8(acc0.lane(0), acc0.lane(2), acc0.lane(4), acc0.lane(6), acc1.lane(0), acc1.lane(2), acc1.lane(4), acc1.lane(6));
        }
        return hsum8(acc0.lane(0), acc0.lane(2), acc1.lane(0), acc1.lane(2), acc2.lane(0), acc2.lane(2), acc3.lane(0), acc3.lane(2));
    }

    // ---- Q4_0 x Q8_0: at most 16 shorts per part (a block's 16 nibble bytes): two parts on 256-bit, four on 128 ----

    /** Forced species (tests). */
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
                IntVector v9 = ((ShortVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l9 = v9.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v9.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc0 = ((FloatVector) l9.add(l9.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc0);
                IntVector v10 = ((ShortVector) q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 16).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l10 = v10.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v10.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc1 = ((FloatVector) l10.add(l10.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc1);
            } else {
                ByteVector q2 = ByteVector.fromMemorySegment(bs, w, o + 2 + lanes, Simd.LE);
                IntVector v11 = ((ShortVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l11 = v11.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v11.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc0 = ((FloatVector) l11.add(l11.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc0);
                IntVector v12 = ((ShortVector) q2.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l12 = v12.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v12.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc1 = ((FloatVector) l12.add(l12.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc1);
                IntVector v13 = ((ShortVector) q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 16).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l13 = v13.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v13.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc2 = ((FloatVector) l13.add(l13.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc2);
                IntVector v14 = ((ShortVector) q2.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 16 + lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l14 = v14.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v14.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc3 = ((FloatVector) l14.add(l14.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc3);
            }
        }
        if (lanes == 16) {
            return hsum8(acc0.lane(0), acc0.lane(2), acc0.lane(4), acc0.lane(6), acc1.lane(0), acc1.lane(2), acc1.lane(4), acc1.lane(6));
        }
        return hsum8(acc0.lane(0), acc0.lane(2), acc1.lane(0), acc1.lane(2), acc2.lane(0), acc2.lane(2), acc3.lane(0), acc3.lane(2));
    }

    /** The production path: {@link #q4} with the species as constants. */
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
                IntVector v15 = ((ShortVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l15 = v15.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v15.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc0 = ((FloatVector) l15.add(l15.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc0);
                IntVector v16 = ((ShortVector) q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 16).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l16 = v16.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v16.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc1 = ((FloatVector) l16.add(l16.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc1);
            } else {
                ByteVector q2 = ByteVector.fromMemorySegment(bs, w, o + 2 + lanes, Simd.LE);
                IntVector v17 = ((ShortVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l17 = v17.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v17.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc0 = ((FloatVector) l17.add(l17.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc0);
                IntVector v18 = ((ShortVector) q2.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l18 = v18.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v18.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc1 = ((FloatVector) l18.add(l18.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc1);
                IntVector v19 = ((ShortVector) q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 16).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l19 = v19.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v19.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc2 = ((FloatVector) l19.add(l19.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc2);
                IntVector v20 = ((ShortVector) q2.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0)).mul(((ShortVector) ByteVector.fromArray(bs, aq, ao + 16 + lanes).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
                LongVector l20 = v20.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v20.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
                acc3 = ((FloatVector) l20.add(l20.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d, acc3);
            }
        }
        if (lanes == 16) {
            return hsum8(acc0.lane(0), acc0.lane(2), acc0.lane(4), acc0.lane(6), acc1.lane(0), acc1.lane(2), acc1.lane(4), acc1.lane(6));
        }
        return hsum8(acc0.lane(0), acc0.lane(2), acc1.lane(0), acc1.lane(2), acc2.lane(0), acc2.lane(2), acc3.lane(0), acc3.lane(2));
    }

    // ---- one weight row times four tokens: each weight block loaded and widened once for the four; every result
    // bit-identical to the single-token kernel (same per-token accumulators, same operations, same order) ----

    static void q8x4Preferred(MemorySegment w, long base, int blocks, byte[] aq, float[] ad, int ab0, int ab1, int ab2, int ab3,
            float[] out, int o0, int o1, int o2, int o3) {
        final VectorSpecies<Byte> bs = Simd.BQ;
        final VectorSpecies<Short> ss = Simd.SQ;
        final VectorSpecies<Float> fs = Simd.F;
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q8_BYTES;
            float dw = BlockMatrix.f16(w, o);
            ShortVector wv = ((ShortVector) ByteVector.fromMemorySegment(bs, w, o + 2, Simd.LE).convertShape(VectorOperators.B2S, ss, 0));
            FloatVector d0 = FloatVector.broadcast(fs, dw * ad[ab0 + b]);
            IntVector v21 = wv.mul(((ShortVector) ByteVector.fromArray(bs, aq, (ab0 + b) * Q8Activations.BLOCK).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l21 = v21.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v21.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            acc0 = ((FloatVector) l21.add(l21.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d0, acc0);
            FloatVector d1 = FloatVector.broadcast(fs, dw * ad[ab1 + b]);
            IntVector v22 = wv.mul(((ShortVector) ByteVector.fromArray(bs, aq, (ab1 + b) * Q8Activations.BLOCK).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l22 = v22.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v22.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            acc1 = ((FloatVector) l22.add(l22.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d1, acc1);
            FloatVector d2 = FloatVector.broadcast(fs, dw * ad[ab2 + b]);
            IntVector v23 = wv.mul(((ShortVector) ByteVector.fromArray(bs, aq, (ab2 + b) * Q8Activations.BLOCK).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l23 = v23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v23.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            acc2 = ((FloatVector) l23.add(l23.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d2, acc2);
            FloatVector d3 = FloatVector.broadcast(fs, dw * ad[ab3 + b]);
            IntVector v24 = wv.mul(((ShortVector) ByteVector.fromArray(bs, aq, (ab3 + b) * Q8Activations.BLOCK).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l24 = v24.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v24.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            acc3 = ((FloatVector) l24.add(l24.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d3, acc3);
        }
        out[o0] = hsum8(acc0.lane(0), acc0.lane(2), acc0.lane(4), acc0.lane(6), acc0.lane(8), acc0.lane(10), acc0.lane(12), acc0.lane(14));
        out[o1] = hsum8(acc1.lane(0), acc1.lane(2), acc1.lane(4), acc1.lane(6), acc1.lane(8), acc1.lane(10), acc1.lane(12), acc1.lane(14));
        out[o2] = hsum8(acc2.lane(0), acc2.lane(2), acc2.lane(4), acc2.lane(6), acc2.lane(8), acc2.lane(10), acc2.lane(12), acc2.lane(14));
        out[o3] = hsum8(acc3.lane(0), acc3.lane(2), acc3.lane(4), acc3.lane(6), acc3.lane(8), acc3.lane(10), acc3.lane(12), acc3.lane(14));
    }

    static void q4x4Preferred(MemorySegment w, long base, int blocks, byte[] aq, float[] ad, int ab0, int ab1, int ab2, int ab3,
            float[] out, int o0, int o1, int o2, int o3) {
        final VectorSpecies<Byte> bs = Simd.BQ4;
        final VectorSpecies<Short> ss = Simd.SQ4;
        final VectorSpecies<Float> fs = Simd.FQ4;
        FloatVector l0 = FloatVector.zero(fs);
        FloatVector l1 = l0;
        FloatVector l2 = l0;
        FloatVector l3 = l0;
        FloatVector h0 = l0;
        FloatVector h1 = l0;
        FloatVector h2 = l0;
        FloatVector h3 = l0;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q4_BYTES;
            float dw = BlockMatrix.f16(w, o);
            ByteVector q = ByteVector.fromMemorySegment(bs, w, o + 2, Simd.LE);
            ShortVector lo = ((ShortVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0));
            ShortVector hi = ((ShortVector) q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, ss, 0));
            int a0 = (ab0 + b) * Q8Activations.BLOCK;
            FloatVector d0 = FloatVector.broadcast(fs, dw * ad[ab0 + b]);
            IntVector v25 = lo.mul(((ShortVector) ByteVector.fromArray(bs, aq, a0).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l25 = v25.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v25.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            l0 = ((FloatVector) l25.add(l25.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d0, l0);
            IntVector v26 = hi.mul(((ShortVector) ByteVector.fromArray(bs, aq, a0 + 16).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l26 = v26.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v26.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            h0 = ((FloatVector) l26.add(l26.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d0, h0);
            int a1 = (ab1 + b) * Q8Activations.BLOCK;
            FloatVector d1 = FloatVector.broadcast(fs, dw * ad[ab1 + b]);
            IntVector v27 = lo.mul(((ShortVector) ByteVector.fromArray(bs, aq, a1).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l27 = v27.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v27.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            l1 = ((FloatVector) l27.add(l27.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d1, l1);
            IntVector v28 = hi.mul(((ShortVector) ByteVector.fromArray(bs, aq, a1 + 16).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l28 = v28.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v28.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            h1 = ((FloatVector) l28.add(l28.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d1, h1);
            int a2 = (ab2 + b) * Q8Activations.BLOCK;
            FloatVector d2 = FloatVector.broadcast(fs, dw * ad[ab2 + b]);
            IntVector v29 = lo.mul(((ShortVector) ByteVector.fromArray(bs, aq, a2).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l29 = v29.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v29.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            l2 = ((FloatVector) l29.add(l29.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d2, l2);
            IntVector v30 = hi.mul(((ShortVector) ByteVector.fromArray(bs, aq, a2 + 16).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l30 = v30.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v30.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            h2 = ((FloatVector) l30.add(l30.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d2, h2);
            int a3 = (ab3 + b) * Q8Activations.BLOCK;
            FloatVector d3 = FloatVector.broadcast(fs, dw * ad[ab3 + b]);
            IntVector v31 = lo.mul(((ShortVector) ByteVector.fromArray(bs, aq, a3).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l31 = v31.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v31.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            l3 = ((FloatVector) l31.add(l31.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d3, l3);
            IntVector v32 = hi.mul(((ShortVector) ByteVector.fromArray(bs, aq, a3 + 16).convertShape(VectorOperators.B2S, ss, 0))).reinterpretAsInts();
            LongVector l32 = v32.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v32.lanewise(VectorOperators.ASHR, 16)).reinterpretAsLongs();
            h3 = ((FloatVector) l32.add(l32.lanewise(VectorOperators.LSHR, 32)).reinterpretAsInts().convertShape(VectorOperators.I2F, fs, 0)).fma(d3, h3);
        }
        out[o0] = hsum8(l0.lane(0), l0.lane(2), l0.lane(4), l0.lane(6), h0.lane(0), h0.lane(2), h0.lane(4), h0.lane(6));
        out[o1] = hsum8(l1.lane(0), l1.lane(2), l1.lane(4), l1.lane(6), h1.lane(0), h1.lane(2), h1.lane(4), h1.lane(6));
        out[o2] = hsum8(l2.lane(0), l2.lane(2), l2.lane(4), l2.lane(6), h2.lane(0), h2.lane(2), h2.lane(4), h2.lane(6));
        out[o3] = hsum8(l3.lane(0), l3.lane(2), l3.lane(4), l3.lane(6), h3.lane(0), h3.lane(2), h3.lane(4), h3.lane(6));
    }
}
