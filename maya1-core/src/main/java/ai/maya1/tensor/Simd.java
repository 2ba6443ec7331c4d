package ai.maya1.tensor;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Species constants of the vector kernels. Only loaded when {@link Kernels#VECTOR} is true (or a test forces a
 * width), so nothing here is touched on JVMs without the incubator module.
 */
final class Simd {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** The float species of the production path: a constant, so the JIT specializes every kernel for it. */
    static final VectorSpecies<Float> F = floats(Kernels.BITS == 0 ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : Kernels.BITS);
    /** 128-bit bytes: one load covers 16 quantized weights (half a Q8_0 block, all of a Q4_0 block's nibbles). */
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

    private Simd() {
    }

    static VectorSpecies<Float> floats(int bits) {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** Shorts with as many lanes as {@code fs} has floats (BF16 loads). */
    static VectorSpecies<Short> shortsFor(VectorSpecies<Float> fs) {
        return VectorSpecies.of(short.class, VectorShape.forBitSize(fs.vectorBitSize() / 2));
    }

    /** Shorts species for the production path. */
    static final VectorSpecies<Short> S = shortsFor(F);
    /** Ints with as many lanes as {@link #F} (species derived at run time are not constants for the JIT). */
    static final VectorSpecies<Integer> I = F.withLanes(int.class);

    /** Shorts filling a full register of {@link #F}'s width: int8 products of the integer kernels (32 on AVX-512). */
    static final VectorSpecies<Short> SQ = shortsOfBits(F.vectorBitSize());
    /** Bytes with {@link #SQ}'s lane count: one load widens to one short register. */
    static final VectorSpecies<Byte> BQ = bytesFor(SQ);
    /** Shorts for Q4_0's 16-byte nibble rows: at most 16 lanes (256 bits). */
    static final VectorSpecies<Short> SQ4 = shortsOfBits(Math.min(256, F.vectorBitSize()));
    /** Bytes with {@link #SQ4}'s lane count. */
    static final VectorSpecies<Byte> BQ4 = bytesFor(SQ4);
    /** Floats as wide as {@link #SQ4} (the Q4_0 kernel's accumulators). */
    static final VectorSpecies<Float> FQ4 = floats(SQ4.vectorBitSize());

    /** Bytes with as many lanes as {@code ss} has shorts (half its width). */
    static VectorSpecies<Byte> bytesFor(VectorSpecies<Short> ss) {
        return VectorSpecies.of(byte.class, VectorShape.forBitSize(ss.vectorBitSize() / 2));
    }

    static VectorSpecies<Short> shortsOfBits(int bits) {
        return VectorSpecies.of(short.class, VectorShape.forBitSize(bits));
    }
}
