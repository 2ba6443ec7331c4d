package ai.maya1.weights;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One stored tensor: its name, element type, shape (outermost first, as in PyTorch / safetensors) and the raw
 * little-endian bytes, usually a zero-copy slice of a memory-mapped file.
 *
 * @param name  tensor name (Hugging Face naming after any format-specific mapping)
 * @param dtype element type
 * @param shape dimensions, outermost first
 * @param data  the bytes, exactly {@code dtype.byteSize(elementCount())} long
 */
public record TensorData(String name, DType dtype, long[] shape, MemorySegment data) {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public TensorData {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Copies all elements to a new float array, widening F16/BF16 exactly. Quantized types are refused: they
     * are dequantized by their tensor classes.
     */
    public float[] toFloatArray() {
        long n = elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(null, name, -1, "tensor too large for a float[] (" + n + " elements)");
        }
        float[] out = new float[(int) n];
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, F32_LE, 0, out, 0, out.length);
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((data.getAtIndex(I16_LE, i) & 0xFFFF) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(data.getAtIndex(I16_LE, i));
                }
            }
            default -> throw new ModelFormatException(null, name, -1,
                    "tensor dtype " + dtype + " cannot be read as float (supported here: F32, F16, BF16)");
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
