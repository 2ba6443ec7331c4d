package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Float32 weights, little-endian, row-major; usually a zero-copy slice of a mapped file. */
public final class F32Matrix extends FloatMatrix {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment data;

    public F32Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols);
        if (data.byteSize() != (long) rows * cols * 4) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for F32 [" + rows + ", " + cols + "]");
        }
        this.data = data;
    }

    /** Copies {@code values} (row-major) into a new matrix. */
    public static F32Matrix of(String name, int rows, int cols, float[] values) {
        MemorySegment seg = java.lang.foreign.Arena.ofAuto().allocate((long) rows * cols * 4, 64);
        MemorySegment.copy(values, 0, seg, F32, 0, rows * cols);
        return new F32Matrix(name, rows, cols, seg);
    }

    /** The stored values (batched kernels read them directly). */
    MemorySegment segment() {
        return data;
    }

    @Override
    public DType dtype() {
        return DType.F32;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = (long) row * cols * 4;
        return Kernels.VECTOR ? Vec.dotPreferred(data, off, x, xOff, cols) : dotScalar(data, off, x, xOff, cols);
    }

    @Override
    public float dotWithBits(int bits, int row, float[] x, int xOff) {
        Kernels.checkBits(bits);
        long off = (long) row * cols * 4;
        return bits == 0 ? dotScalar(data, off, x, xOff, cols) : Vec.dot(Simd.floats(bits), data, off, x, xOff, cols);
    }

    static float dotScalar(MemorySegment w, long off, float[] x, int xOff, int n) {
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += w.get(F32, off + 4L * i) * x[xOff + i];
        }
        return acc;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        MemorySegment.copy(data, F32, (long) row * cols * 4, out, off, cols);
    }

    /** Vector path, isolated so the outer class loads without the incubator module. */
    static final class Vec {
        private Vec() {
        }

        static float dot(VectorSpecies<Float> fs, MemorySegment w, long off, float[] x, int xOff, int n) {
            int lanes = fs.length();
            int upper = n - n % lanes;
            FloatVector acc = FloatVector.zero(fs);
            int i = 0;
            for (; i < upper; i += lanes) {
                FloatVector wv = FloatVector.fromMemorySegment(fs, w, off + 4L * i, Simd.LE);
                acc = wv.fma(FloatVector.fromArray(fs, x, xOff + i), acc);
            }
            float sum = VectorLanes.sum(acc);
            for (; i < n; i++) { // scalar tail
                sum += w.get(F32, off + 4L * i) * x[xOff + i];
            }
            return sum;
        }

        /** The production path: same operations as the generic method, with the species a compile-time constant
         * (a species that reaches vector code as a parameter of a method the JIT did not inline disables the
         * intrinsics and runs ~100x slower). */
        static float dotPreferred(MemorySegment w, long off, float[] x, int xOff, int n) {
            final VectorSpecies<Float> fs = Simd.F; // a constant: the JIT specializes the vector ops for it
            int lanes = fs.length();
            int upper = n - n % lanes;
            FloatVector acc = FloatVector.zero(fs);
            int i = 0;
            for (; i < upper; i += lanes) {
                FloatVector wv = FloatVector.fromMemorySegment(fs, w, off + 4L * i, Simd.LE);
                acc = wv.fma(FloatVector.fromArray(fs, x, xOff + i), acc);
            }
            float sum = VectorLanes.sum(acc);
            for (; i < n; i++) { // scalar tail
                sum += w.get(F32, off + 4L * i) * x[xOff + i];
            }
            return sum;
        }
    }
}
