package ai.maya1.tensor;

/**
 * Activation rows quantized to Q8_0 blocks (ggml's {@code block_q8_0}: 32 int8 {@code q} and a scale {@code d}
 * stored as f16), the right-hand side of the integer dot products. {@code q} holds token t's values at
 * {@code [t*cols, (t+1)*cols)}, {@code d} its block scales at {@code [t*cols/32, ...)}, already widened back from
 * f16 to float (the value ggml's kernels read).
 *
 * <p>One instance per thread is reused as scratch ({@link #forProduct()}), so a product allocates nothing once the
 * scratch has reached the largest size seen.
 */
final class Q8Activations {
    static final int BLOCK = 32;
    private static final ThreadLocal<Q8Activations> PRODUCT = ThreadLocal.withInitial(Q8Activations::new);
    private static final ThreadLocal<Q8Activations> SINGLE_DOT = ThreadLocal.withInitial(Q8Activations::new);

    byte[] q = new byte[0];
    float[] d = new float[0];
    int cols;
    int tokens;

    /** The calling thread's scratch for a whole product (filled before the parallel split, read by every worker). */
    static Q8Activations forProduct() {
        return PRODUCT.get();
    }

    /** The calling thread's scratch for one {@link FloatMatrix#dot} (distinct from {@link #forProduct()}: a worker
     * may be the caller of the product it works on). */
    static Q8Activations forSingleDot() {
        return SINGLE_DOT.get();
    }

    /** Quantizes {@code tokens} rows of {@code cols} values, row t at {@code x[xOff + t*cols]}. */
    Q8Activations quantize(float[] x, int xOff, int tokens, int cols) {
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_0 activations need a multiple of " + BLOCK + " values per row, got " + cols);
        }
        int n = tokens * cols;
        if (q.length < n) {
            q = new byte[n];
            d = new float[n / BLOCK];
        }
        this.cols = cols;
        this.tokens = tokens;
        for (int b = 0; b < n / BLOCK; b++) {
            d[b] = quantizeBlock(x, xOff + b * BLOCK, q, b * BLOCK);
        }
        return this;
    }

    /**
     * ggml's x86 {@code quantize_row_q8_0} (the AVX2 path llama.cpp runs to quantize activations) for one block:
     * amax, d = amax / 127 stored as f16, id = 127 / amax (0 when amax is 0), q = round-half-even(x · id), all
     * float32; returns d rounded through f16 as the dot products read it.
     */
    static float quantizeBlock(float[] x, int xo, byte[] q, int qo) {
        float amax = 0f;
        for (int i = 0; i < BLOCK; i++) {
            amax = Math.max(amax, Math.abs(x[xo + i]));
        }
        float id = amax != 0f ? 127f / amax : 0f;
        for (int i = 0; i < BLOCK; i++) {
            q[qo + i] = (byte) Math.rint(x[xo + i] * id);
        }
        return Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
    }
}
