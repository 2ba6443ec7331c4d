package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Common part of the GGUF block formats: rows of {@code cols / blockSize} blocks in llama.cpp's byte layout,
 * read in place (a zero-copy slice of a mapped GGUF file, or the output of a quantizer).
 */
abstract class BlockMatrix extends FloatMatrix {
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    protected final MemorySegment data;
    protected final int blocksPerRow;
    protected final long rowBytes;

    BlockMatrix(String name, int rows, int cols, MemorySegment data, DType type) {
        super(name, rows, cols);
        checkRowLength(name, cols, type);
        this.blocksPerRow = cols / type.blockSize();
        this.rowBytes = (long) blocksPerRow * type.blockBytes();
        if (data.byteSize() != rowBytes * rows) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for " + type + " [" + rows + ", " + cols
                    + "], expected " + rowBytes * rows);
        }
        this.data = data;
    }

    private static void checkRowLength(String name, int cols, DType type) {
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": " + type + " needs the row length to be a multiple of " + type.blockSize()
                    + ", got " + cols);
        }
    }

    /** One block format's row quantizer (ggml's {@code quantize_row_*_ref}). */
    @FunctionalInterface
    interface RowQuantizer {
        void quantizeRow(float[] x, int xOff, int n, MemorySegment out, long outOff);
    }

    /** Quantizes every row of {@code src} (its float32 values) into a new 64-byte-aligned segment of {@code type} blocks. */
    static MemorySegment quantizeRows(FloatMatrix src, DType type, RowQuantizer quantizer) {
        int rows = src.rows();
        int cols = src.cols();
        checkRowLength(src.name(), cols, type);
        long rowBytes = (long) cols / type.blockSize() * type.blockBytes();
        MemorySegment seg = Arena.ofAuto().allocate(rowBytes * rows, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            src.dequantizeRow(r, row, 0);
            quantizer.quantizeRow(row, 0, cols, seg, rowBytes * r);
        }
        return seg;
    }

    @Override
    public final long byteSize() {
        return data.byteSize();
    }

    /** The raw blocks (llama.cpp layout). */
    public final MemorySegment blocks() {
        return data;
    }

    static float f16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(I16, off));
    }

    @Override
    public final float dotWithBits(int bits, int row, float[] x, int xOff) {
        Kernels.checkBits(bits);
        return bits == 0 ? dotScalar(row, x, xOff) : dotVector(bits, row, x, xOff);
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        return Kernels.VECTOR ? dotVector(Kernels.BITS, row, x, xOff) : dotScalar(row, x, xOff);
    }

    abstract float dotScalar(int row, float[] x, int xOff);

    /** Vector path; {@code bits} equal to {@link Kernels#BITS} must select the constant species. */
    abstract float dotVector(int bits, int row, float[] x, int xOff);
}
