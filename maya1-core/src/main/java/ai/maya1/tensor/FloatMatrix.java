package ai.maya1.tensor;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.weights.DType;

/**
 * A weight matrix {@code [rows, cols]} (an {@code nn.Linear} weight {@code [out_features, in_features]}) in one
 * storage format. Every format brings its own dot product of a row with a float32 activation vector: a Vector
 * API path with an explicit scalar tail, and a scalar fallback chosen at run time ({@link VectorSupport}).
 *
 * <p>The parallel products split by output rows on the caller's {@link ComputeExecutor}; each row is computed by
 * the same code in the same order whatever the thread count, so results are deterministic.
 */
public abstract class FloatMatrix {
    protected final String name;
    protected final int rows;
    protected final int cols;

    protected FloatMatrix(String name, int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(name + ": matrix dimensions must be positive, got [" + rows + ", " + cols + "]");
        }
        this.name = name;
        this.rows = rows;
        this.cols = cols;
    }

    public final String name() {
        return name;
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Storage format. */
    public abstract DType dtype();

    /** Bytes the weights occupy (what one full matrix-vector product reads). */
    public abstract long byteSize();

    /** {@code Σ_k W[row][k] · x[xOff + k]} over the {@link #cols()} columns. */
    public abstract float dot(int row, float[] x, int xOff);

    /**
     * The same dot product on a forced path: {@code bits} = 0 for the scalar fallback, or 128 / 256 / 512 for that
     * float species width (tests exercise every path on any CPU; widths above the hardware's are emulated).
     */
    public abstract float dotWithBits(int bits, int row, float[] x, int xOff);

    /** Writes row {@code row} widened / dequantized to float32 into {@code out[off ..]}. */
    public abstract void dequantizeRow(int row, float[] out, int off);

    /** How this matrix's products take their activations ({@link ActivationFormat#F32} for formats without an
     * integer kernel). */
    public ActivationFormat activations() {
        return ActivationFormat.F32;
    }

    /**
     * This matrix with its products on {@code format} (a view sharing the weights), or this matrix when that is
     * already its format or it has no integer kernel.
     */
    public FloatMatrix withActivations(ActivationFormat format) {
        return this;
    }

    /** True when products quantize the activations to Q8_0 blocks first ({@link #rowsTimesTokensQ8}). */
    boolean takesQ8Activations() {
        return false;
    }

    /**
     * Rows [r0, r1) for every token of pre-quantized activations: {@code out[t*outStride + outCol0 + r]}. Only
     * for matrices whose {@link #takesQ8Activations()} is true.
     */
    void rowsTimesTokensQ8(int r0, int r1, Q8Activations a, int tokens, float[] out, int outStride, int outCol0) {
        throw new UnsupportedOperationException(name + ": " + dtype() + " has no integer kernel");
    }

    /** The activations quantized once for a product over {@code ws}, or null when none of them takes them. */
    static Q8Activations quantizeFor(FloatMatrix[] ws, float[] x, int xOff, int tokens, int cols) {
        for (FloatMatrix w : ws) {
            if (w.takesQ8Activations()) {
                return Q8Activations.forProduct().quantize(x, xOff, tokens, cols);
            }
        }
        return null;
    }

    /** {@code out[t*rows + r] = dot(r, x, t*cols)} for t in [0, tokens): the batched (prefill) product. */
    public final void matmul(ComputeExecutor exec, float[] x, int tokens, float[] out) {
        multiMatmul(exec, new FloatMatrix[] {this}, x, tokens, new float[][] {out});
    }

    /** Matrix-vector product {@code out[r] = dot(r, x, 0)}. */
    public final void matvec(ComputeExecutor exec, float[] x, float[] out) {
        matmul(exec, x, 1, out);
    }

    /**
     * Rows {@code [rowFrom, rowTo)} only: {@code out[outOff + r - rowFrom] = dot(r, x, xOff)}. The constrained
     * output head uses it to compute the 4097 allowed logits instead of the whole vocabulary.
     */
    public final void matvecRows(ComputeExecutor exec, float[] x, int xOff, int rowFrom, int rowTo, float[] out, int outOff) {
        if (rowFrom < 0 || rowTo > rows || rowFrom > rowTo) {
            throw new IndexOutOfBoundsException("rows [" + rowFrom + ", " + rowTo + ") of " + name + " with " + rows + " rows");
        }
        if (takesQ8Activations()) {
            Q8Activations a = Q8Activations.forProduct().quantize(x, xOff, 1, cols);
            exec.parallelForRange(rowTo - rowFrom, (from, to) -> rowsTimesTokensQ8(rowFrom + from, rowFrom + to, a, 1, out, 0,
                    outOff - rowFrom));
            return;
        }
        exec.parallelForRange(rowTo - rowFrom, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[outOff + i] = dot(rowFrom + i, x, xOff);
            }
        });
    }

    /**
     * Several matrices with the same input width applied to the same activations as one parallel job (q/k/v,
     * gate/up): one fork-join instead of several, and the row split covers their rows together.
     */
    public static void multiMatmul(ComputeExecutor exec, FloatMatrix[] ws, float[] x, int tokens, float[][] outs) {
        int total = 0;
        int cols = ws[0].cols;
        for (FloatMatrix w : ws) {
            if (w.cols != cols) {
                throw new IllegalArgumentException("fused matrices must share their input width: " + w.name + " has " + w.cols
                        + " columns, " + ws[0].name + " has " + cols);
            }
            total += w.rows;
        }
        if (x.length < (long) tokens * cols) {
            throw new IllegalArgumentException("input too short: " + x.length + " < " + tokens + " x " + cols);
        }
        Q8Activations qa = quantizeFor(ws, x, 0, tokens, cols);
        exec.parallelForRange(total, (from, to) -> {
            int base = 0;
            for (int m = 0; m < ws.length; m++) {
                FloatMatrix w = ws[m];
                int lo = Math.max(from, base);
                int hi = Math.min(to, base + w.rows);
                if (lo < hi) {
                    if (w.takesQ8Activations()) {
                        w.rowsTimesTokensQ8(lo - base, hi - base, qa, tokens, outs[m], w.rows, 0);
                    } else {
                        w.rowsTimesTokens(lo - base, hi - base, x, tokens, outs[m]);
                    }
                }
                base += w.rows;
            }
        });
    }

    /** From this many tokens on, a batched product widens each row once and reuses it for every token. */
    static final int WIDEN_ROW_MIN_TOKENS = 4;

    /** Rows widened together in the batched product (each x block is loaded once per 4 rows). */
    static final int ROW_BLOCK = 8;
    /** Columns per cache block: ROW_BLOCK rows x COL_BLOCK floats stay in L1 while every token passes. */
    static final int COL_BLOCK = 512;

    /**
     * Rows [r0, r1) for every token. With a few tokens, blocks of {@link #ROW_BLOCK} rows are widened /
     * dequantized to float32 once (so the format's unpacking is paid once per row, not once per token), then
     * multiplied with every token in column blocks that keep the rows in L1, four rows per pass over x.
     */
    void rowsTimesTokens(int r0, int r1, float[] x, int tokens, float[] out) {
        if (tokens < WIDEN_ROW_MIN_TOKENS) {
            for (int r = r0; r < r1; r++) {
                for (int t = 0; t < tokens; t++) {
                    out[t * rows + r] = dot(r, x, t * cols);
                }
            }
            return;
        }
        float[] wb = new float[ROW_BLOCK * cols];
        float[] acc = new float[ROW_BLOCK];
        for (int r = r0; r < r1; r += ROW_BLOCK) {
            int nr = Math.min(ROW_BLOCK, r1 - r);
            for (int i = 0; i < nr; i++) {
                dequantizeRow(r + i, wb, i * cols);
            }
            for (int t = 0; t < tokens; t++) {
                for (int i = 0; i < nr; i++) {
                    out[t * rows + r + i] = 0f;
                }
            }
            for (int k0 = 0; k0 < cols; k0 += COL_BLOCK) {
                int kl = Math.min(COL_BLOCK, cols - k0);
                for (int t = 0; t < tokens; t++) {
                    int xo = t * cols + k0;
                    java.util.Arrays.fill(acc, 0f);
                    int i = 0;
                    for (; i + 4 <= nr; i += 4) {
                        VecMath.dot4Add(wb, i * cols + k0, cols, x, xo, kl, acc, i);
                    }
                    for (; i < nr; i++) {
                        acc[i] = VecMath.dot(wb, i * cols + k0, x, xo, kl);
                    }
                    for (int j = 0; j < nr; j++) {
                        out[t * rows + r + j] += acc[j];
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + dtype() + "[" + rows + ", " + cols + "]";
    }
}
