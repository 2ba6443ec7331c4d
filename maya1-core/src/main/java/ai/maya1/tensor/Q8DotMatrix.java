package ai.maya1.tensor;

import ai.maya1.weights.DType;
import java.lang.foreign.MemorySegment;

/**
 * A block format with an integer dot product against {@link Q8Activations} (Q8_0, Q4_0): with
 * {@link ActivationFormat#Q8} every product quantizes its activations once and runs the format's int8 kernel;
 * with {@link ActivationFormat#F32} it takes the exact float path of {@link BlockMatrix}.
 *
 * <p>Each format has two integer kernels: a scalar twin that computes ggml's x86 (AVX2/FMA) kernel element by
 * element (the integer sums of four products, one float lane per sum, fused multiply-adds, {@code hsum_float_8}),
 * and a Vector API kernel with the same integer sums (exact) in the same float lanes and order, hence equal to the
 * twin bit for bit on every species width ({@link Int8Kernels}).
 */
abstract class Q8DotMatrix extends BlockMatrix {
    /** Tokens per tile of the batched integer product (each weight block is widened once per tile). */
    static final int TOKEN_TILE = 4;
    protected final ActivationFormat activations;

    Q8DotMatrix(String name, int rows, int cols, MemorySegment data, DType type, ActivationFormat activations) {
        super(name, rows, cols, data, type);
        this.activations = activations;
    }

    @Override
    public final ActivationFormat activations() {
        return activations;
    }

    @Override
    final boolean takesQ8Activations() {
        return activations == ActivationFormat.Q8;
    }

    /** The same dot product with pre-quantized activations: row {@code row} · token {@code token} of {@code a}. */
    final float dotQ8(int row, Q8Activations a, int token) {
        return Kernels.VECTOR ? dotQ8Vector(Kernels.BITS, row, a, token) : dotQ8Scalar(row, a, token);
    }

    /** Forced path (tests): 0 = the scalar twin, else that species width. */
    final float dotQ8WithBits(int bits, int row, Q8Activations a, int token) {
        Kernels.checkBits(bits);
        return bits == 0 ? dotQ8Scalar(row, a, token) : dotQ8Vector(bits, row, a, token);
    }

    /** The scalar twin: ggml's x86 kernel's arithmetic, element by element. */
    abstract float dotQ8Scalar(int row, Q8Activations a, int token);

    /** Vector kernel; {@code bits} equal to {@link Kernels#BITS} must select the constant species. */
    abstract float dotQ8Vector(int bits, int row, Q8Activations a, int token);

    /**
     * Row {@code row} times tokens {@code t .. t+3}: {@code out[(t+i)*outStride + outCol]}; each result equal to
     * {@link #dotQ8} bit for bit (the tile only shares the weight loads).
     */
    void dotQ8x4(int row, Q8Activations a, int t, float[] out, int outStride, int outCol) {
        for (int i = 0; i < TOKEN_TILE; i++) {
            out[(t + i) * outStride + outCol] = dotQ8(row, a, t + i);
        }
    }

    /** {@code hsum_float_8}: ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7)). */
    static float hsum8(float x0, float x1, float x2, float x3, float x4, float x5, float x6, float x7) {
        return ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7));
    }

    @Override
    public final float dot(int row, float[] x, int xOff) {
        if (activations == ActivationFormat.Q8) {
            return dotQ8(row, Q8Activations.forSingleDot().quantize(x, xOff, 1, cols), 0);
        }
        return super.dot(row, x, xOff);
    }

    @Override
    final void rowsTimesTokensQ8(int r0, int r1, Q8Activations a, int tokens, float[] out, int outStride, int outCol0) {
        for (int r = r0; r < r1; r++) {
            int t = 0;
            for (; t + TOKEN_TILE <= tokens; t += TOKEN_TILE) {
                dotQ8x4(r, a, t, out, outStride, outCol0 + r);
            }
            for (; t < tokens; t++) {
                out[t * outStride + outCol0 + r] = dotQ8(r, a, t);
            }
        }
    }
}
