package ai.maya1.tensor;

import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Builds {@link FloatMatrix} instances from stored tensors. */
public final class Tensors {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Tensors() {
    }

    /** A rank-2 tensor {@code [rows, cols]} as a matrix in {@code format}. */
    public static FloatMatrix matrix(TensorData td, WeightFormat format) {
        if (td.rank() != 2) {
            throw new ModelFormatException(null, td.name(), -1, "expected a matrix, got rank " + td.rank());
        }
        long rows = td.dim(0);
        long cols = td.dim(1);
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || rows * cols > Integer.MAX_VALUE * 8L) {
            throw new ModelFormatException(null, td.name(), -1, "matrix too large: " + td);
        }
        FloatMatrix stored = asStored(td, (int) rows, (int) cols);
        return switch (format) {
            case AS_STORED -> stored;
            case F32 -> stored instanceof F32Matrix ? stored : widen(stored);
            case BF16 -> stored instanceof BF16Matrix ? stored : BF16Matrix.roundFrom(stored);
            case Q8_0 -> stored instanceof Q8_0Matrix ? stored : Q8_0Matrix.quantize(stored);
        };
    }

    private static FloatMatrix asStored(TensorData td, int rows, int cols) {
        DType dt = td.dtype();
        return switch (dt) {
            case F32 -> new F32Matrix(td.name(), rows, cols, td.data());
            case BF16 -> new BF16Matrix(td.name(), rows, cols, td.data());
            case F16 -> F32Matrix.of(td.name(), rows, cols, td.toFloatArray());
            case Q8_0 -> new Q8_0Matrix(td.name(), rows, cols, td.data());
            case Q4_0 -> new Q4_0Matrix(td.name(), rows, cols, td.data());
            case Q4_K -> new Q4_KMatrix(td.name(), rows, cols, td.data());
            case Q5_K -> new Q5_KMatrix(td.name(), rows, cols, td.data());
            case Q6_K -> new Q6_KMatrix(td.name(), rows, cols, td.data());
            default -> throw new ModelFormatException(null, td.name(), -1, "unsupported weight dtype " + dt
                    + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K)");
        };
    }

    /** Dequantizes / widens any matrix to F32. */
    public static F32Matrix widen(FloatMatrix m) {
        MemorySegment seg = Arena.ofAuto().allocate((long) m.rows() * m.cols() * 4, 64);
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.dequantizeRow(r, row, 0);
            MemorySegment.copy(row, 0, seg, F32_LE, (long) r * m.cols() * 4, m.cols());
        }
        return new F32Matrix(m.name(), m.rows(), m.cols(), seg);
    }

    /** A rank-1 tensor (norm weights) as floats. */
    public static float[] vector(TensorData td, int expectedLength) {
        if (td.rank() != 1 || td.dim(0) != expectedLength) {
            throw new ModelFormatException(null, td.name(), -1, "expected shape [" + expectedLength + "], got " + td);
        }
        return td.toFloatArray();
    }
}
