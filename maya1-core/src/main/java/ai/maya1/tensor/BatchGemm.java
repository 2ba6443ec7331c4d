package ai.maya1.tensor;

import ai.maya1.concurrent.ComputeExecutor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch-invariant matrix-matrix products for continuous batching: {@code out[t][r] = W[r] · x[t]} for a batch of
 * activation rows, reading every weight row once per call for the whole batch (register-blocked tiles: 4 rows x 4
 * tokens for F32 and BF16, 1 row x 4 tokens for Q8_0, whose block scales need two accumulators per pair).
 *
 * <p><b>Batch invariance.</b> Every output element is computed by exactly the same sequence of floating-point
 * operations whatever the batch size, the position of its token in the batch, the tile it falls in and the thread
 * split: one vector accumulator per (row, token), fused multiply-adds over the columns in order, a lane-order sum
 * ({@link VectorLanes}, the same in the interpreter and in C2),
 * then the scalar tail in order. So a request's result is bit-identical alone or in any batch. (The operation
 * order is the one of the formats' own {@link FloatMatrix#dot}, so the results also equal the matrix-vector path.)
 * Q8_0 and Q4_0 with {@link ActivationFormat#Q8} activations quantize the batch once and run their integer kernel
 * per (row, token) (a 1-row x 4-token tile shares the weight loads; every element is the same integer sums and
 * the same per-block float sequence). Formats without a tile kernel (K-quants) and the scalar mode use
 * {@link FloatMatrix#dot} per element, which is invariant trivially.
 */
public final class BatchGemm {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Rows per parallel work item (a multiple of the 4-row tile). */
    private static final int ROWS_PER_ITEM = 16;

    private BatchGemm() {
    }

    /** Whether {@code w} has a register-blocked tile kernel on this JVM (else per-element dots). */
    public static boolean tiled(FloatMatrix w) {
        return Kernels.VECTOR && (w instanceof F32Matrix || w instanceof BF16Matrix || w instanceof Q8_0Matrix);
    }

    /**
     * Rows {@code [r0, r1)} of {@code w} times the {@code n} activation rows {@code x[t*cols ..]}:
     * {@code out[t*outStride + outOff + r - r0]}, split over the executor by row blocks.
     */
    public static void gemm(ComputeExecutor exec, FloatMatrix w, int r0, int r1, float[] x, int n, float[] out, int outStride, int outOff) {
        if (r0 < 0 || r1 > w.rows() || r0 > r1) {
            throw new IndexOutOfBoundsException("rows [" + r0 + ", " + r1 + ") of " + w);
        }
        if (x.length < (long) n * w.cols()) {
            throw new IllegalArgumentException("input too short: " + x.length + " < " + n + " x " + w.cols());
        }
        int items = (r1 - r0 + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM;
        Q8Activations qa = FloatMatrix.quantizeFor(new FloatMatrix[] {w}, x, 0, n, w.cols());
        exec.parallelForRange(items, (from, to) -> rows(w, r0 + from * ROWS_PER_ITEM, Math.min(r1, r0 + to * ROWS_PER_ITEM), x, qa, n, out,
                outStride, outOff - r0));
    }

    /** Several matrices with the same input width on the same activations as one parallel job (q/k/v, gate/up). */
    public static void multi(ComputeExecutor exec, FloatMatrix[] ws, float[] x, int n, float[][] outs) {
        int[] itemBase = new int[ws.length + 1];
        for (int m = 0; m < ws.length; m++) {
            if (ws[m].cols() != ws[0].cols()) {
                throw new IllegalArgumentException("fused matrices must share their input width: " + ws[m] + " vs " + ws[0]);
            }
            itemBase[m + 1] = itemBase[m] + (ws[m].rows() + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM;
        }
        Q8Activations qa = FloatMatrix.quantizeFor(ws, x, 0, n, ws[0].cols());
        exec.parallelForRange(itemBase[ws.length], (from, to) -> {
            for (int m = 0; m < ws.length; m++) {
                int lo = Math.max(from, itemBase[m]) - itemBase[m];
                int hi = Math.min(to, itemBase[m + 1]) - itemBase[m];
                if (lo < hi) {
                    FloatMatrix w = ws[m];
                    rows(w, lo * ROWS_PER_ITEM, Math.min(w.rows(), hi * ROWS_PER_ITEM), x, qa, n, outs[m], w.rows(), 0);
                }
            }
        });
    }

    /** The single element, as every tile computes it (tests). */
    public static float dot(FloatMatrix w, int r, float[] x, int t) {
        float[] out = new float[1];
        float[] xr = java.util.Arrays.copyOfRange(x, t * w.cols(), (t + 1) * w.cols());
        Q8Activations qa = w.takesQ8Activations() ? new Q8Activations().quantize(xr, 0, 1, w.cols()) : null;
        rows(w, r, r + 1, xr, qa, 1, out, 1, -r);
        return out[0];
    }

    /** Sequential: rows [r0, r1) x all n tokens; output column of row r is {@code outCol0 + r}. */
    static void rows(FloatMatrix w, int r0, int r1, float[] x, Q8Activations qa, int n, float[] out, int outStride, int outCol0) {
        int cols = w.cols();
        if (w.takesQ8Activations()) {
            w.rowsTimesTokensQ8(r0, r1, qa, n, out, outStride, outCol0);
        } else if (Kernels.VECTOR && w instanceof F32Matrix f) {
            MemorySegment s = f.segment();
            long rb = 4L * cols;
            int r = r0;
            for (; r + 4 <= r1; r += 4) {
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    f32x4x4(s, rb, r, x, t, cols, out, outStride, outCol0 + r);
                }
                for (; t < n; t++) {
                    f32x4x1(s, rb, r, x, t, cols, out, outStride, outCol0 + r);
                }
            }
            for (; r < r1; r++) {
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    f32x1x4(s, rb, r, x, t, cols, out, outStride, outCol0 + r);
                }
                for (; t < n; t++) {
                    f32x1x1(s, rb, r, x, t, cols, out, outStride, outCol0 + r);
                }
            }
        } else if (Kernels.VECTOR && w instanceof BF16Matrix bf) {
            MemorySegment s = bf.segment();
            long rb = 2L * cols;
            int r = r0;
            for (; r + 4 <= r1; r += 4) {
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    bf16x4x4(s, rb, r, x, t, cols, out, outStride, outCol0 + r);
                }
                for (; t < n; t++) {
                    bf16x4x1(s, rb, r, x, t, cols, out, outStride, outCol0 + r);
                }
            }
            for (; r < r1; r++) {
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    bf16x1x4(s, rb, r, x, t, cols, out, outStride, outCol0 + r);
                }
                for (; t < n; t++) {
                    bf16x1x1(s, rb, r, x, t, cols, out, outStride, outCol0 + r);
                }
            }
        } else if (Kernels.VECTOR && w instanceof Q8_0Matrix q) {
            MemorySegment s = q.data;
            for (int r = r0; r < r1; r++) {
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    q8x4(s, q.rowBytes, q.blocksPerRow, r, x, t, cols, out, outStride, outCol0 + r);
                }
                for (; t < n; t++) {
                    q8x1(s, q.rowBytes, q.blocksPerRow, r, x, t, cols, out, outStride, outCol0 + r);
                }
            }
        } else {
            for (int r = r0; r < r1; r++) {
                for (int t = 0; t < n; t++) {
                    out[t * outStride + outCol0 + r] = w.dot(r, x, t * cols);
                }
            }
        }
    }

    private static float f32Tail(MemorySegment w, long off, float[] x, int xOff, int from, int cols, float sum) {
        for (int k = from; k < cols; k++) { // scalar tail
            sum += w.get(F32, off + 4L * k) * x[xOff + k];
        }
        return sum;
    }

    private static float bf16Tail(MemorySegment w, long off, float[] x, int xOff, int from, int cols, float sum) {
        for (int k = from; k < cols; k++) { // scalar tail
            sum += Float.intBitsToFloat((w.get(I16, off + 2L * k) & 0xFFFF) << 16) * x[xOff + k];
        }
        return sum;
    }

    /** Rows r..r+4 x tokens t..t+4. */
    static void f32x4x4(MemorySegment w, long rowBytes, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int upper = fs.loopBound(cols);
        final long o0 = (long) (r + 0) * rowBytes;
        final long o1 = (long) (r + 1) * rowBytes;
        final long o2 = (long) (r + 2) * rowBytes;
        final long o3 = (long) (r + 3) * rowBytes;
        final int x0 = (t + 0) * cols;
        final int x1 = (t + 1) * cols;
        final int x2 = (t + 2) * cols;
        final int x3 = (t + 3) * cols;
        FloatVector a00 = FloatVector.zero(fs);
        FloatVector a01 = FloatVector.zero(fs);
        FloatVector a02 = FloatVector.zero(fs);
        FloatVector a03 = FloatVector.zero(fs);
        FloatVector a10 = FloatVector.zero(fs);
        FloatVector a11 = FloatVector.zero(fs);
        FloatVector a12 = FloatVector.zero(fs);
        FloatVector a13 = FloatVector.zero(fs);
        FloatVector a20 = FloatVector.zero(fs);
        FloatVector a21 = FloatVector.zero(fs);
        FloatVector a22 = FloatVector.zero(fs);
        FloatVector a23 = FloatVector.zero(fs);
        FloatVector a30 = FloatVector.zero(fs);
        FloatVector a31 = FloatVector.zero(fs);
        FloatVector a32 = FloatVector.zero(fs);
        FloatVector a33 = FloatVector.zero(fs);
        for (int k = 0; k < upper; k += fs.length()) {
            FloatVector w0 = FloatVector.fromMemorySegment(fs, w, o0 + 4L * k, Simd.LE);
            FloatVector w1 = FloatVector.fromMemorySegment(fs, w, o1 + 4L * k, Simd.LE);
            FloatVector w2 = FloatVector.fromMemorySegment(fs, w, o2 + 4L * k, Simd.LE);
            FloatVector w3 = FloatVector.fromMemorySegment(fs, w, o3 + 4L * k, Simd.LE);
            FloatVector v0 = FloatVector.fromArray(fs, x, x0 + k);
            a00 = w0.fma(v0, a00);
            a10 = w1.fma(v0, a10);
            a20 = w2.fma(v0, a20);
            a30 = w3.fma(v0, a30);
            FloatVector v1 = FloatVector.fromArray(fs, x, x1 + k);
            a01 = w0.fma(v1, a01);
            a11 = w1.fma(v1, a11);
            a21 = w2.fma(v1, a21);
            a31 = w3.fma(v1, a31);
            FloatVector v2 = FloatVector.fromArray(fs, x, x2 + k);
            a02 = w0.fma(v2, a02);
            a12 = w1.fma(v2, a12);
            a22 = w2.fma(v2, a22);
            a32 = w3.fma(v2, a32);
            FloatVector v3 = FloatVector.fromArray(fs, x, x3 + k);
            a03 = w0.fma(v3, a03);
            a13 = w1.fma(v3, a13);
            a23 = w2.fma(v3, a23);
            a33 = w3.fma(v3, a33);
        }
        out[(t + 0) * outStride + outCol + 0] = f32Tail(w, o0, x, x0, upper, cols, VectorLanes.sum(a00));
        out[(t + 1) * outStride + outCol + 0] = f32Tail(w, o0, x, x1, upper, cols, VectorLanes.sum(a01));
        out[(t + 2) * outStride + outCol + 0] = f32Tail(w, o0, x, x2, upper, cols, VectorLanes.sum(a02));
        out[(t + 3) * outStride + outCol + 0] = f32Tail(w, o0, x, x3, upper, cols, VectorLanes.sum(a03));
        out[(t + 0) * outStride + outCol + 1] = f32Tail(w, o1, x, x0, upper, cols, VectorLanes.sum(a10));
        out[(t + 1) * outStride + outCol + 1] = f32Tail(w, o1, x, x1, upper, cols, VectorLanes.sum(a11));
        out[(t + 2) * outStride + outCol + 1] = f32Tail(w, o1, x, x2, upper, cols, VectorLanes.sum(a12));
        out[(t + 3) * outStride + outCol + 1] = f32Tail(w, o1, x, x3, upper, cols, VectorLanes.sum(a13));
        out[(t + 0) * outStride + outCol + 2] = f32Tail(w, o2, x, x0, upper, cols, VectorLanes.sum(a20));
        out[(t + 1) * outStride + outCol + 2] = f32Tail(w, o2, x, x1, upper, cols, VectorLanes.sum(a21));
        out[(t + 2) * outStride + outCol + 2] = f32Tail(w, o2, x, x2, upper, cols, VectorLanes.sum(a22));
        out[(t + 3) * outStride + outCol + 2] = f32Tail(w, o2, x, x3, upper, cols, VectorLanes.sum(a23));
        out[(t + 0) * outStride + outCol + 3] = f32Tail(w, o3, x, x0, upper, cols, VectorLanes.sum(a30));
        out[(t + 1) * outStride + outCol + 3] = f32Tail(w, o3, x, x1, upper, cols, VectorLanes.sum(a31));
        out[(t + 2) * outStride + outCol + 3] = f32Tail(w, o3, x, x2, upper, cols, VectorLanes.sum(a32));
        out[(t + 3) * outStride + outCol + 3] = f32Tail(w, o3, x, x3, upper, cols, VectorLanes.sum(a33));
    }

    /** Rows r..r+4 x tokens t..t+1. */
    static void f32x4x1(MemorySegment w, long rowBytes, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int upper = fs.loopBound(cols);
        final long o0 = (long) (r + 0) * rowBytes;
        final long o1 = (long) (r + 1) * rowBytes;
        final long o2 = (long) (r + 2) * rowBytes;
        final long o3 = (long) (r + 3) * rowBytes;
        final int x0 = (t + 0) * cols;
        FloatVector a00 = FloatVector.zero(fs);
        FloatVector a10 = FloatVector.zero(fs);
        FloatVector a20 = FloatVector.zero(fs);
        FloatVector a30 = FloatVector.zero(fs);
        for (int k = 0; k < upper; k += fs.length()) {
            FloatVector w0 = FloatVector.fromMemorySegment(fs, w, o0 + 4L * k, Simd.LE);
            FloatVector w1 = FloatVector.fromMemorySegment(fs, w, o1 + 4L * k, Simd.LE);
            FloatVector w2 = FloatVector.fromMemorySegment(fs, w, o2 + 4L * k, Simd.LE);
            FloatVector w3 = FloatVector.fromMemorySegment(fs, w, o3 + 4L * k, Simd.LE);
            FloatVector v0 = FloatVector.fromArray(fs, x, x0 + k);
            a00 = w0.fma(v0, a00);
            a10 = w1.fma(v0, a10);
            a20 = w2.fma(v0, a20);
            a30 = w3.fma(v0, a30);
        }
        out[(t + 0) * outStride + outCol + 0] = f32Tail(w, o0, x, x0, upper, cols, VectorLanes.sum(a00));
        out[(t + 0) * outStride + outCol + 1] = f32Tail(w, o1, x, x0, upper, cols, VectorLanes.sum(a10));
        out[(t + 0) * outStride + outCol + 2] = f32Tail(w, o2, x, x0, upper, cols, VectorLanes.sum(a20));
        out[(t + 0) * outStride + outCol + 3] = f32Tail(w, o3, x, x0, upper, cols, VectorLanes.sum(a30));
    }

    /** Rows r..r+1 x tokens t..t+4. */
    static void f32x1x4(MemorySegment w, long rowBytes, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int upper = fs.loopBound(cols);
        final long o0 = (long) (r + 0) * rowBytes;
        final int x0 = (t + 0) * cols;
        final int x1 = (t + 1) * cols;
        final int x2 = (t + 2) * cols;
        final int x3 = (t + 3) * cols;
        FloatVector a00 = FloatVector.zero(fs);
        FloatVector a01 = FloatVector.zero(fs);
        FloatVector a02 = FloatVector.zero(fs);
        FloatVector a03 = FloatVector.zero(fs);
        for (int k = 0; k < upper; k += fs.length()) {
            FloatVector w0 = FloatVector.fromMemorySegment(fs, w, o0 + 4L * k, Simd.LE);
            FloatVector v0 = FloatVector.fromArray(fs, x, x0 + k);
            a00 = w0.fma(v0, a00);
            FloatVector v1 = FloatVector.fromArray(fs, x, x1 + k);
            a01 = w0.fma(v1, a01);
            FloatVector v2 = FloatVector.fromArray(fs, x, x2 + k);
            a02 = w0.fma(v2, a02);
            FloatVector v3 = FloatVector.fromArray(fs, x, x3 + k);
            a03 = w0.fma(v3, a03);
        }
        out[(t + 0) * outStride + outCol + 0] = f32Tail(w, o0, x, x0, upper, cols, VectorLanes.sum(a00));
        out[(t + 1) * outStride + outCol + 0] = f32Tail(w, o0, x, x1, upper, cols, VectorLanes.sum(a01));
        out[(t + 2) * outStride + outCol + 0] = f32Tail(w, o0, x, x2, upper, cols, VectorLanes.sum(a02));
        out[(t + 3) * outStride + outCol + 0] = f32Tail(w, o0, x, x3, upper, cols, VectorLanes.sum(a03));
    }

    /** Rows r..r+1 x tokens t..t+1. */
    static void f32x1x1(MemorySegment w, long rowBytes, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int upper = fs.loopBound(cols);
        final long o0 = (long) (r + 0) * rowBytes;
        final int x0 = (t + 0) * cols;
        FloatVector a00 = FloatVector.zero(fs);
        for (int k = 0; k < upper; k += fs.length()) {
            FloatVector w0 = FloatVector.fromMemorySegment(fs, w, o0 + 4L * k, Simd.LE);
            FloatVector v0 = FloatVector.fromArray(fs, x, x0 + k);
            a00 = w0.fma(v0, a00);
        }
        out[(t + 0) * outStride + outCol + 0] = f32Tail(w, o0, x, x0, upper, cols, VectorLanes.sum(a00));
    }

    /** Rows r..r+4 x tokens t..t+4. */
    static void bf16x4x4(MemorySegment w, long rowBytes, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int upper = fs.loopBound(cols);
        final long o0 = (long) (r + 0) * rowBytes;
        final long o1 = (long) (r + 1) * rowBytes;
        final long o2 = (long) (r + 2) * rowBytes;
        final long o3 = (long) (r + 3) * rowBytes;
        final int x0 = (t + 0) * cols;
        final int x1 = (t + 1) * cols;
        final int x2 = (t + 2) * cols;
        final int x3 = (t + 3) * cols;
        FloatVector a00 = FloatVector.zero(fs);
        FloatVector a01 = FloatVector.zero(fs);
        FloatVector a02 = FloatVector.zero(fs);
        FloatVector a03 = FloatVector.zero(fs);
        FloatVector a10 = FloatVector.zero(fs);
        FloatVector a11 = FloatVector.zero(fs);
        FloatVector a12 = FloatVector.zero(fs);
        FloatVector a13 = FloatVector.zero(fs);
        FloatVector a20 = FloatVector.zero(fs);
        FloatVector a21 = FloatVector.zero(fs);
        FloatVector a22 = FloatVector.zero(fs);
        FloatVector a23 = FloatVector.zero(fs);
        FloatVector a30 = FloatVector.zero(fs);
        FloatVector a31 = FloatVector.zero(fs);
        FloatVector a32 = FloatVector.zero(fs);
        FloatVector a33 = FloatVector.zero(fs);
        for (int k = 0; k < upper; k += fs.length()) {
            FloatVector w0 = ShortVector.fromMemorySegment(Simd.S, w, o0 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector w1 = ShortVector.fromMemorySegment(Simd.S, w, o1 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector w2 = ShortVector.fromMemorySegment(Simd.S, w, o2 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector w3 = ShortVector.fromMemorySegment(Simd.S, w, o3 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v0 = FloatVector.fromArray(fs, x, x0 + k);
            a00 = w0.fma(v0, a00);
            a10 = w1.fma(v0, a10);
            a20 = w2.fma(v0, a20);
            a30 = w3.fma(v0, a30);
            FloatVector v1 = FloatVector.fromArray(fs, x, x1 + k);
            a01 = w0.fma(v1, a01);
            a11 = w1.fma(v1, a11);
            a21 = w2.fma(v1, a21);
            a31 = w3.fma(v1, a31);
            FloatVector v2 = FloatVector.fromArray(fs, x, x2 + k);
            a02 = w0.fma(v2, a02);
            a12 = w1.fma(v2, a12);
            a22 = w2.fma(v2, a22);
            a32 = w3.fma(v2, a32);
            FloatVector v3 = FloatVector.fromArray(fs, x, x3 + k);
            a03 = w0.fma(v3, a03);
            a13 = w1.fma(v3, a13);
            a23 = w2.fma(v3, a23);
            a33 = w3.fma(v3, a33);
        }
        out[(t + 0) * outStride + outCol + 0] = bf16Tail(w, o0, x, x0, upper, cols, VectorLanes.sum(a00));
        out[(t + 1) * outStride + outCol + 0] = bf16Tail(w, o0, x, x1, upper, cols, VectorLanes.sum(a01));
        out[(t + 2) * outStride + outCol + 0] = bf16Tail(w, o0, x, x2, upper, cols, VectorLanes.sum(a02));
        out[(t + 3) * outStride + outCol + 0] = bf16Tail(w, o0, x, x3, upper, cols, VectorLanes.sum(a03));
        out[(t + 0) * outStride + outCol + 1] = bf16Tail(w, o1, x, x0, upper, cols, VectorLanes.sum(a10));
        out[(t + 1) * outStride + outCol + 1] = bf16Tail(w, o1, x, x1, upper, cols, VectorLanes.sum(a11));
        out[(t + 2) * outStride + outCol + 1] = bf16Tail(w, o1, x, x2, upper, cols, VectorLanes.sum(a12));
        out[(t + 3) * outStride + outCol + 1] = bf16Tail(w, o1, x, x3, upper, cols, VectorLanes.sum(a13));
        out[(t + 0) * outStride + outCol + 2] = bf16Tail(w, o2, x, x0, upper, cols, VectorLanes.sum(a20));
        out[(t + 1) * outStride + outCol + 2] = bf16Tail(w, o2, x, x1, upper, cols, VectorLanes.sum(a21));
        out[(t + 2) * outStride + outCol + 2] = bf16Tail(w, o2, x, x2, upper, cols, VectorLanes.sum(a22));
        out[(t + 3) * outStride + outCol + 2] = bf16Tail(w, o2, x, x3, upper, cols, VectorLanes.sum(a23));
        out[(t + 0) * outStride + outCol + 3] = bf16Tail(w, o3, x, x0, upper, cols, VectorLanes.sum(a30));
        out[(t + 1) * outStride + outCol + 3] = bf16Tail(w, o3, x, x1, upper, cols, VectorLanes.sum(a31));
        out[(t + 2) * outStride + outCol + 3] = bf16Tail(w, o3, x, x2, upper, cols, VectorLanes.sum(a32));
        out[(t + 3) * outStride + outCol + 3] = bf16Tail(w, o3, x, x3, upper, cols, VectorLanes.sum(a33));
    }

    /** Rows r..r+4 x tokens t..t+1. */
    static void bf16x4x1(MemorySegment w, long rowBytes, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int upper = fs.loopBound(cols);
        final long o0 = (long) (r + 0) * rowBytes;
        final long o1 = (long) (r + 1) * rowBytes;
        final long o2 = (long) (r + 2) * rowBytes;
        final long o3 = (long) (r + 3) * rowBytes;
        final int x0 = (t + 0) * cols;
        FloatVector a00 = FloatVector.zero(fs);
        FloatVector a10 = FloatVector.zero(fs);
        FloatVector a20 = FloatVector.zero(fs);
        FloatVector a30 = FloatVector.zero(fs);
        for (int k = 0; k < upper; k += fs.length()) {
            FloatVector w0 = ShortVector.fromMemorySegment(Simd.S, w, o0 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector w1 = ShortVector.fromMemorySegment(Simd.S, w, o1 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector w2 = ShortVector.fromMemorySegment(Simd.S, w, o2 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector w3 = ShortVector.fromMemorySegment(Simd.S, w, o3 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v0 = FloatVector.fromArray(fs, x, x0 + k);
            a00 = w0.fma(v0, a00);
            a10 = w1.fma(v0, a10);
            a20 = w2.fma(v0, a20);
            a30 = w3.fma(v0, a30);
        }
        out[(t + 0) * outStride + outCol + 0] = bf16Tail(w, o0, x, x0, upper, cols, VectorLanes.sum(a00));
        out[(t + 0) * outStride + outCol + 1] = bf16Tail(w, o1, x, x0, upper, cols, VectorLanes.sum(a10));
        out[(t + 0) * outStride + outCol + 2] = bf16Tail(w, o2, x, x0, upper, cols, VectorLanes.sum(a20));
        out[(t + 0) * outStride + outCol + 3] = bf16Tail(w, o3, x, x0, upper, cols, VectorLanes.sum(a30));
    }

    /** Rows r..r+1 x tokens t..t+4. */
    static void bf16x1x4(MemorySegment w, long rowBytes, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int upper = fs.loopBound(cols);
        final long o0 = (long) (r + 0) * rowBytes;
        final int x0 = (t + 0) * cols;
        final int x1 = (t + 1) * cols;
        final int x2 = (t + 2) * cols;
        final int x3 = (t + 3) * cols;
        FloatVector a00 = FloatVector.zero(fs);
        FloatVector a01 = FloatVector.zero(fs);
        FloatVector a02 = FloatVector.zero(fs);
        FloatVector a03 = FloatVector.zero(fs);
        for (int k = 0; k < upper; k += fs.length()) {
            FloatVector w0 = ShortVector.fromMemorySegment(Simd.S, w, o0 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v0 = FloatVector.fromArray(fs, x, x0 + k);
            a00 = w0.fma(v0, a00);
            FloatVector v1 = FloatVector.fromArray(fs, x, x1 + k);
            a01 = w0.fma(v1, a01);
            FloatVector v2 = FloatVector.fromArray(fs, x, x2 + k);
            a02 = w0.fma(v2, a02);
            FloatVector v3 = FloatVector.fromArray(fs, x, x3 + k);
            a03 = w0.fma(v3, a03);
        }
        out[(t + 0) * outStride + outCol + 0] = bf16Tail(w, o0, x, x0, upper, cols, VectorLanes.sum(a00));
        out[(t + 1) * outStride + outCol + 0] = bf16Tail(w, o0, x, x1, upper, cols, VectorLanes.sum(a01));
        out[(t + 2) * outStride + outCol + 0] = bf16Tail(w, o0, x, x2, upper, cols, VectorLanes.sum(a02));
        out[(t + 3) * outStride + outCol + 0] = bf16Tail(w, o0, x, x3, upper, cols, VectorLanes.sum(a03));
    }

    /** Rows r..r+1 x tokens t..t+1. */
    static void bf16x1x1(MemorySegment w, long rowBytes, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int upper = fs.loopBound(cols);
        final long o0 = (long) (r + 0) * rowBytes;
        final int x0 = (t + 0) * cols;
        FloatVector a00 = FloatVector.zero(fs);
        for (int k = 0; k < upper; k += fs.length()) {
            FloatVector w0 = ShortVector.fromMemorySegment(Simd.S, w, o0 + 2L * k, Simd.LE).convertShape(VectorOperators.S2I, Simd.I, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v0 = FloatVector.fromArray(fs, x, x0 + k);
            a00 = w0.fma(v0, a00);
        }
        out[(t + 0) * outStride + outCol + 0] = bf16Tail(w, o0, x, x0, upper, cols, VectorLanes.sum(a00));
    }

    /** One Q8_0 row x tokens t..t+4: the same per-block order as Q8_0Matrix's dot. */
    static void q8x4(MemorySegment w, long rowBytes, int blocks, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int lanes = fs.length();
        final int parts = 16 / lanes;
        final long base = (long) r * rowBytes;
        final int x0 = (t + 0) * cols;
        FloatVector a0 = FloatVector.zero(fs);
        final int x1 = (t + 1) * cols;
        FloatVector a1 = FloatVector.zero(fs);
        final int x2 = (t + 2) * cols;
        FloatVector a2 = FloatVector.zero(fs);
        final int x3 = (t + 3) * cols;
        FloatVector a3 = FloatVector.zero(fs);
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q8_0Matrix.BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(fs, BlockMatrix.f16(w, o));
            int xb = b * Q8_0Matrix.BLOCK;
            FloatVector c0 = FloatVector.zero(fs);
            FloatVector c1 = FloatVector.zero(fs);
            FloatVector c2 = FloatVector.zero(fs);
            FloatVector c3 = FloatVector.zero(fs);
            for (int h = 0; h < Q8_0Matrix.BLOCK; h += 16) {
                ByteVector q = ByteVector.fromMemorySegment(Simd.B128, w, o + 2 + h, Simd.LE);
                for (int p = 0; p < parts; p++) {
                    FloatVector wv = (FloatVector) q.convertShape(VectorOperators.B2F, fs, p);
                    int xo = xb + h + p * lanes;
                    c0 = wv.fma(FloatVector.fromArray(fs, x, x0 + xo), c0);
                    c1 = wv.fma(FloatVector.fromArray(fs, x, x1 + xo), c1);
                    c2 = wv.fma(FloatVector.fromArray(fs, x, x2 + xo), c2);
                    c3 = wv.fma(FloatVector.fromArray(fs, x, x3 + xo), c3);
                }
            }
            a0 = c0.fma(d, a0);
            a1 = c1.fma(d, a1);
            a2 = c2.fma(d, a2);
            a3 = c3.fma(d, a3);
        }
        out[(t + 0) * outStride + outCol] = VectorLanes.sum(a0);
        out[(t + 1) * outStride + outCol] = VectorLanes.sum(a1);
        out[(t + 2) * outStride + outCol] = VectorLanes.sum(a2);
        out[(t + 3) * outStride + outCol] = VectorLanes.sum(a3);
    }

    /** One Q8_0 row x tokens t..t+1: the same per-block order as Q8_0Matrix's dot. */
    static void q8x1(MemorySegment w, long rowBytes, int blocks, int r, float[] x, int t, int cols, float[] out, int outStride, int outCol) {
        final VectorSpecies<Float> fs = Simd.F;
        final int lanes = fs.length();
        final int parts = 16 / lanes;
        final long base = (long) r * rowBytes;
        final int x0 = (t + 0) * cols;
        FloatVector a0 = FloatVector.zero(fs);
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Q8_0Matrix.BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(fs, BlockMatrix.f16(w, o));
            int xb = b * Q8_0Matrix.BLOCK;
            FloatVector c0 = FloatVector.zero(fs);
            for (int h = 0; h < Q8_0Matrix.BLOCK; h += 16) {
                ByteVector q = ByteVector.fromMemorySegment(Simd.B128, w, o + 2 + h, Simd.LE);
                for (int p = 0; p < parts; p++) {
                    FloatVector wv = (FloatVector) q.convertShape(VectorOperators.B2F, fs, p);
                    int xo = xb + h + p * lanes;
                    c0 = wv.fma(FloatVector.fromArray(fs, x, x0 + xo), c0);
                }
            }
            a0 = c0.fma(d, a0);
        }
        out[(t + 0) * outStride + outCol] = VectorLanes.sum(a0);
    }
}
