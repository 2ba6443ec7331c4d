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
}
