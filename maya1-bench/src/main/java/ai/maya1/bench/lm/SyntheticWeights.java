package ai.maya1.bench.lm;

import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaTensors;
import ai.maya1.weights.DType;
import ai.maya1.weights.InMemoryTensorSource;
import ai.maya1.weights.TensorData;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Random weights of a given Llama shape, generated straight into off-heap memory in the target storage format
 * (BF16 values, or Q8_0 / Q4_0 / K-quant blocks with small finite scales): bandwidth and decode speed depend on
 * bytes and layout, not on the values. Fast xorshift, no float conversions of billions of values.
 */
public final class SyntheticWeights extends InMemoryTensorSource {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final Arena arena = Arena.ofShared();

    public SyntheticWeights(LlamaConfig c, DType matrixType, long seed) {
        super("synthetic");
        long s = seed;
        for (Map.Entry<String, long[]> e : LlamaTensors.expected(c).entrySet()) {
            long[] shape = e.getValue();
            DType t = shape.length == 1 ? DType.F32 : matrixType;
            add(new TensorData(e.getKey(), t, shape, fill(arena, t, shape, s += 0x9E3779B97F4A7C15L)));
        }
    }

    /** One random matrix [rows, cols] of type {@code t}. */
    public static TensorData matrix(Arena arena, String name, DType t, int rows, int cols, long seed) {
        long[] shape = {rows, cols};
        return new TensorData(name, t, shape, fill(arena, t, shape, seed));
    }

    static MemorySegment fill(Arena arena, DType t, long[] shape, long seed) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        long bytes = t.byteSize(n);
        MemorySegment seg = arena.allocate(bytes, 64);
        long x = seed | 1;
        // random 64-bit words
        for (long o = 0; o + 8 <= bytes; o += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, o, x);
        }
        switch (t) {
            case F32 -> {
                for (long i = 0; i < n; i++) {
                    int r = seg.get(ValueLayout.JAVA_INT_UNALIGNED, 4 * i);
                    // |v| in [2^-8, 2^-4), random sign and mantissa; norms get 1 +- small
                    int bits = (r & 0x807FFFFF) | ((119 + ((r >>> 23) & 3)) << 23);
                    seg.set(ValueLayout.JAVA_INT_UNALIGNED, 4 * i, shape.length == 1 ? Float.floatToIntBits(1f + Float.intBitsToFloat(bits)) : bits);
                }
            }
            case BF16 -> {
                for (long i = 0; i < n; i++) {
                    short r = seg.get(I16, 2 * i);
                    int bits = (r & 0x807F) | ((119 + ((r >>> 7) & 3)) << 7);
                    seg.set(I16, 2 * i, (short) bits);
                }
            }
            default -> {
                long blocks = bytes / t.blockBytes();
                short scale = Float.floatToFloat16(0.002f);
                for (long b = 0; b < blocks; b++) {
                    long o = b * t.blockBytes();
                    switch (t) {
                        case Q8_0, Q4_0 -> seg.set(I16, o, scale);
                        case Q4_K, Q5_K -> {
                            seg.set(I16, o, scale);
                            seg.set(I16, o + 2, scale);
                        }
                        case Q6_K -> seg.set(I16, o + 208, scale);
                        default -> throw new IllegalArgumentException("no synthetic " + t);
                    }
                }
            }
        }
        return seg;
    }

    @Override
    public void close() {
        arena.close();
    }
}
