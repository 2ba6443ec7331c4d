package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * BFloat16 weights kept as BF16 in memory (half the bytes of F32) and widened exactly inside the dot product:
 * the 16 stored bits become the upper half of a float32.
 */
public final class BF16Matrix extends FloatMatrix {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment data;

    public BF16Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols);
        if (data.byteSize() != (long) rows * cols * 2) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for BF16 [" + rows + ", " + cols + "]");
        }
        this.data = data;
    }

    /** Rounds another matrix to BF16 (round to nearest, ties to even). */
    public static BF16Matrix roundFrom(FloatMatrix src) {
        int rows = src.rows();
        int cols = src.cols();
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * 2, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            src.dequantizeRow(r, row, 0);
            long base = (long) r * cols * 2;
            for (int c = 0; c < cols; c++) {
                seg.set(I16, base + 2L * c, toBf16(row[c]));
            }
        }
        return new BF16Matrix(src.name(), rows, cols, seg);
    }

    /** float32 to bfloat16 bits, round to nearest even (NaN stays NaN). */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** The stored values (batched kernels read them directly). */
    MemorySegment segment() {
        return data;
    }

    @Override
    public DType dtype() {
        return DType.BF16;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = (long) row * cols * 2;
        return Kernels.VECTOR ? Vec.dotPreferred(data, off, x, xOff, cols) : dotScalar(data, off, x, xOff, cols);
    }

    @Override
    public float dotWithBits(int bits, int row, float[] x, int xOff) {
        Kernels.checkBits(bits);
        long off = (long) row * cols * 2;
        if (bits == 0) {
            return dotScalar(data, off, x, xOff, cols);
        }
        VectorSpecies<Float> fs = Simd.floats(bits);
        return Vec.dot(fs, Simd.shortsFor(fs), data, off, x, xOff, cols);
    }

    static float dotScalar(MemorySegment w, long off, float[] x, int xOff, int n) {
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += fromBf16(w.get(I16, off + 2L * i)) * x[xOff + i];
        }
        return acc;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = (long) row * cols * 2;
        if (Kernels.VECTOR) {
            Vec.widenPreferred(data, base, out, off, cols);
            return;
        }
        for (int c = 0; c < cols; c++) {
            out[off + c] = fromBf16(data.get(I16, base + 2L * c));
        }
    }

    static final class Vec {
        private Vec() {
        }

        /** Widens n BF16 values to float32 (exact). */
        static void widenPreferred(MemorySegment w, long off, float[] out, int outOff, int n) {
            final VectorSpecies<Float> fs = Simd.F;
            int upper = n - n % fs.length();
            int i = 0;
            for (; i < upper; i += fs.length()) {
                ShortVector s = ShortVector.fromMemorySegment(Simd.S, w, off + 2L * i, Simd.LE);
                s.convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                        .intoArray(out, outOff + i);
            }
            for (; i < n; i++) { // scalar tail
                out[outOff + i] = fromBf16(w.get(I16, off + 2L * i));
            }
        }

        static float dot(VectorSpecies<Float> fs, VectorSpecies<Short> ss, MemorySegment w, long off, float[] x, int xOff, int n) {
            int lanes = fs.length();
            int upper = n - n % lanes;
            FloatVector acc = FloatVector.zero(fs);
            int i = 0;
            for (; i < upper; i += lanes) {
                ShortVector s = ShortVector.fromMemorySegment(ss, w, off + 2L * i, Simd.LE);
                // widen: sign-extend to int, shift the 16 bits into the upper half, reinterpret as float
                FloatVector wv = s.convertShape(VectorOperators.S2I, fs.withLanes(int.class), 0)
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                acc = wv.fma(FloatVector.fromArray(fs, x, xOff + i), acc);
            }
            float sum = VectorLanes.sum(acc);
            for (; i < n; i++) { // scalar tail
                sum += fromBf16(w.get(I16, off + 2L * i)) * x[xOff + i];
            }
            return sum;
        }

        /** The production path: same operations as the generic method, with the species a compile-time constant
         * (a species that reaches vector code as a parameter of a method the JIT did not inline disables the
         * intrinsics and runs ~100x slower). */
        static float dotPreferred(MemorySegment w, long off, float[] x, int xOff, int n) {
            final VectorSpecies<Float> fs = Simd.F; // a constant: the JIT specializes the vector ops for it
            final VectorSpecies<Short> ss = Simd.S;
            int lanes = fs.length();
            int upper = n - n % lanes;
            FloatVector acc = FloatVector.zero(fs);
            int i = 0;
            for (; i < upper; i += lanes) {
                ShortVector s = ShortVector.fromMemorySegment(ss, w, off + 2L * i, Simd.LE);
                // widen: sign-extend to int, shift the 16 bits into the upper half, reinterpret as float
                FloatVector wv = s.convertShape(VectorOperators.S2I, Simd.I, 0)
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                acc = wv.fma(FloatVector.fromArray(fs, x, xOff + i), acc);
            }
            float sum = VectorLanes.sum(acc);
            for (; i < n; i++) { // scalar tail
                sum += fromBf16(w.get(I16, off + 2L * i)) * x[xOff + i];
            }
            return sum;
        }
    }
}
