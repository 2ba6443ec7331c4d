package ai.maya1.weights;

/**
 * Element types of stored tensors. Block-quantized GGUF types have a block size and bytes per block instead of
 * a per-element size.
 */
public enum DType {
    F32(4, 1, 4), F16(2, 1, 2), BF16(2, 1, 2), F64(8, 1, 8), I8(1, 1, 1), U8(1, 1, 1), I16(2, 1, 2), I32(4, 1, 4),
    I64(8, 1, 8), BOOL(1, 1, 1),
    /** GGUF Q8_0: 32 values, one f16 scale + 32 int8. */
    Q8_0(34, 32, -1),
    /** GGUF Q4_0: 32 values, one f16 scale + 16 bytes of nibbles. */
    Q4_0(18, 32, -1),
    /** GGUF Q4_K: 256 values. */
    Q4_K(144, 256, -1),
    /** GGUF Q5_K: 256 values. */
    Q5_K(176, 256, -1),
    /** GGUF Q6_K: 256 values. */
    Q6_K(210, 256, -1);

    private final int blockBytes;
    private final int blockSize;
    private final int elementBytes;

    DType(int blockBytes, int blockSize, int elementBytes) {
        this.blockBytes = blockBytes;
        this.blockSize = blockSize;
        this.elementBytes = elementBytes;
    }

    /** Bytes of one block ({@link #blockSize()} elements). */
    public int blockBytes() {
        return blockBytes;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * Byte size of {@code elements} elements, or -1 on overflow or when {@code elements} is not a whole number
     * of blocks.
     */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            return -1;
        }
        long blocks = elements / blockSize;
        try {
            return Math.multiplyExact(blocks, (long) blockBytes);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** Size of one element in bytes for plain types; -1 for block-quantized types. */
    public int elementBytes() {
        return elementBytes;
    }
}
