package ai.maya1.vocoder.snac;

import ai.maya1.concurrent.ComputeExecutor;

/**
 * One incremental step of several {@link DecoderState}s (streams of the same weights) at once: every dense layer
 * (the 1x1 convs, each transposed-conv phase, the NoiseBlock linears) runs as one gemm over the rows of all
 * streams stacked, so its weights are read once per step for the whole batch instead of once per stream. The
 * windowed point-wise work (depthwise convs, Snake, the final conv) stays per stream, on each stream's own state.
 *
 * <p>Each output element of {@link SnacKernels#gemm} is computed by the same fused multiply-add sequence whatever
 * its row position, the row tiling or the thread split, so a stream's samples are bit-identical to those of
 * {@link DecoderState#process} run alone, for any mix of stream ages and chunk sizes.
 *
 * <p>Not thread-safe: one instance per driving thread (it owns the gather/scatter buffers).
 */
final class BatchedDecoderStep {
    private float[] gx = new float[0];
    private float[] gy = new float[0];
    /** Rows gathered in the last step (all dense layers, all streams): for stats. */
    long lastGemmRows;

    private float[] gx(int size) {
        if (gx.length < size) {
            gx = new float[Math.max(size, gx.length + gx.length / 2)];
        }
        return gx;
    }

    private float[] gy(int size) {
        if (gy.length < size) {
            gy = new float[Math.max(size, gy.length + gy.length / 2)];
        }
        return gy;
    }

    /**
     * Like {@code st[i].process(ex, codes[i], {0,0,0}, frames[i], end[i], out[i], 0)} for every i, with the dense
     * layers batched; returns the number of samples written to each {@code out[i]} (sized by
     * {@link DecoderState#maxSamples}). All states must share one {@link SnacWeights}.
     */
    int[] process(ComputeExecutor ex, DecoderState[] st, int[][][] codes, int[] frames, boolean[] end, float[][] out) {
        int b = st.length;
        if (b == 0) {
            return new int[0];
        }
        SnacWeights w = st[0].w;
        for (DecoderState s : st) {
            if (s.w != w) {
                throw new IllegalArgumentException("streams of a batch must share one decoder's weights");
            }
            if (s.ended) {
                throw new IllegalStateException("stream already ended");
            }
        }
        lastGemmRows = 0;
        SnacConfig cfg = w.config;
        int latent = cfg.latentDim();
        int[] n = new int[b];
        int[] slot = new int[b];
        float[][] cur = new float[b][];
        float[][] tmp = new float[b][];
        int[] zero = {0, 0, 0};

        // quantizer + decoder.model.0 (depthwise k7), per stream; decoder.model.1 (1x1) batched
        for (int i = 0; i < b; i++) {
            DecoderState s = st[i];
            int steps = frames[i] * cfg.latentStepsPerFrame();
            float[] lat = s.latent(ex, codes[i], zero, frames[i]);
            s.framesIn += frames[i];
            s.ended = end[i];
            s.input.buf.append(lat, 0, steps);
            s.input.inPos += steps;
            n[i] = s.input.ready(end[i]);
            tmp[i] = s.scratch(2, n[i] * latent);
            SnacKernels.depthwise(ex, s.input.buf.data, 0, latent, w.inDw, 7, w.inDwBias, 1, n[i], tmp[i]);
            cur[i] = s.scratch(0, n[i] * cfg.decoderDim());
        }
        stackedGemm(ex, b, tmp, n, latent, w.inPw, w.inPwBias, cur, cfg.decoderDim());
        for (int i = 0; i < b; i++) {
            st[i].input.consume(n[i]);
        }

        for (int k = 0; k < w.blocks.length; k++) {
            SnacWeights.Block blk = w.blocks[k];
            int rate = blk.rate();
            int pad = blk.padding();
            int ci = blk.cin();
            int co = blk.cout();
            long[] first = new long[b];
            int[] m = new int[b];
            for (int i = 0; i < b; i++) {
                DecoderState.Transposed t = st[i].tconv[k];
                int off = t.buf.reserve(n[i]);
                SnacKernels.snake(ex, cur[i], 0, n[i], ci, blk.snake().alpha(), blk.snake().inv(), t.buf.data, off);
                t.inPos += n[i];
                long newOut;
                if (end[i]) {
                    t.buf.appendZeros(1);
                    newOut = rate * t.inPos;
                } else {
                    newOut = Math.max(t.outPos, rate * t.inPos - pad);
                }
                first[i] = t.outPos;
                m[i] = (int) (newOut - t.outPos);
                slot[i] = 1 - slot[i];
                tmp[i] = st[i].scratch(slot[i], m[i] * co);
            }
            transposedConv(ex, st, k, blk, first, m, tmp);
            for (int i = 0; i < b; i++) {
                DecoderState.Transposed t = st[i].tconv[k];
                long newOut = first[i] + m[i];
                t.outPos = newOut;
                if (!end[i]) {
                    long keepFrom = Math.floorDiv(newOut + pad, rate) - 1;
                    t.buf.dropFront((int) (keepFrom - t.start));
                    t.start = keepFrom;
                }
                cur[i] = tmp[i];
                n[i] = m[i];
            }
            if (blk.noiseLinear() != null) {
                // NoiseBlock: h = linear(y) for the streams with noise, batched; y += noise * h per stream
                float[][] h = new float[b][];
                int[] rows = new int[b];
                for (int i = 0; i < b; i++) {
                    if (!st[i].noise.isZero() && n[i] > 0) {
                        rows[i] = n[i];
                        h[i] = st[i].scratch(3, n[i] * co);
                    }
                }
                stackedGemm(ex, b, cur, rows, co, blk.noiseLinear(), null, h, co);
                for (int i = 0; i < b; i++) {
                    if (rows[i] > 0) {
                        float[] nz = st[i].scratch(4, n[i]);
                        st[i].noise.fill(k, st[i].item, first[i], nz, n[i]);
                        SnacKernels.addNoise(cur[i], h[i], nz, n[i], co);
                    }
                }
            }
            for (int u = 0; u < blk.units().length; u++) {
                SnacWeights.Residual ru = blk.units()[u];
                int[] c = new int[b];
                float[][] d = new float[b][];
                for (int i = 0; i < b; i++) {
                    DecoderState.Residual r = st[i].units[k][u];
                    r.x.buf.append(cur[i], 0, n[i]);
                    int aOff = r.a.reserve(n[i]);
                    SnacKernels.snake(ex, cur[i], 0, n[i], co, ru.snake1().alpha(), ru.snake1().inv(), r.a.data, aOff);
                    r.x.inPos += n[i];
                    if (end[i]) {
                        r.a.appendZeros(r.x.halo);
                    }
                    c[i] = r.x.ready(end[i]);
                    d[i] = st[i].scratch(2, c[i] * co);
                    SnacKernels.depthwise(ex, r.a.data, 0, co, ru.dw(), 7, ru.dwBias(), ru.dilation(), c[i], d[i]);
                    SnacKernels.snake(ex, d[i], 0, c[i], co, ru.snake2().alpha(), ru.snake2().inv(), d[i], 0);
                    slot[i] = 1 - slot[i];
                    tmp[i] = st[i].scratch(slot[i], c[i] * co);
                }
                stackedGemm(ex, b, d, c, co, ru.pw(), ru.pwBias(), tmp, co);
                for (int i = 0; i < b; i++) {
                    DecoderState.Residual r = st[i].units[k][u];
                    SnacKernels.addInPlace(tmp[i], 0, r.x.buf.data, r.x.halo * co, c[i] * co);
                    r.x.consume(c[i]);
                    r.a.dropFront(c[i]);
                    cur[i] = tmp[i];
                    n[i] = c[i];
                }
            }
        }

        // final Snake + conv k7 to mono + tanh, per stream
        int[] got = new int[b];
        for (int i = 0; i < b; i++) {
            DecoderState.Window o = st[i].output;
            int last = o.buf.width;
            int off = o.buf.reserve(n[i]);
            SnacKernels.snake(ex, cur[i], 0, n[i], last, w.finalSnake.alpha(), w.finalSnake.inv(), o.buf.data, off);
            o.inPos += n[i];
            int c = o.ready(end[i]);
            SnacKernels.convToMonoTanh(ex, o.buf.data, last, w.outConv, 7, w.outBias, c, out[i], 0);
            o.consume(c);
            got[i] = c;
        }
        return got;
    }

    /**
     * {@code y[i] = bias + x[i] * w} for every stream i with {@code rows[i] > 0} (rows {@code [0, rows[i])}, dense
     * time-major): the rows of all streams are gathered into one matrix so each weight panel is read once.
     */
    private void stackedGemm(ComputeExecutor ex, int b, float[][] x, int[] rows, int cin, float[][] wt, float[] bias,
                             float[][] y, int cout) {
        int total = 0;
        int only = -1;
        int streams = 0;
        for (int i = 0; i < b; i++) {
            if (rows[i] > 0) {
                total += rows[i];
                only = i;
                streams++;
            }
        }
        lastGemmRows += total;
        if (streams == 0) {
            return;
        }
        if (streams == 1) {
            SnacKernels.gemm(ex, x[only], 0, cin, wt, new int[] {0}, bias, rows[only], y[only], 0, cout, cout);
            return;
        }
        float[] gx = gx(total * cin);
        float[] gy = gy(total * cout);
        int r = 0;
        for (int i = 0; i < b; i++) {
            if (rows[i] > 0) {
                System.arraycopy(x[i], 0, gx, r * cin, rows[i] * cin);
                r += rows[i];
            }
        }
        SnacKernels.gemm(ex, gx, 0, cin, wt, new int[] {0}, bias, total, gy, 0, cout, cout);
        r = 0;
        for (int i = 0; i < b; i++) {
            if (rows[i] > 0) {
                System.arraycopy(gy, r * cout, y[i], 0, rows[i] * cout);
                r += rows[i];
            }
        }
    }

    /**
     * Block {@code k}'s transposed conv, outputs {@code [first[i], first[i]+m[i])} of every stream into {@code y[i]}.
     * Output t of a stream uses phase tap {@code (t+p) mod s}; for each tap the output rows of all streams that use
     * it form one 2-tap gemm. Each stream contributes its {@code rows+1} input rows {@code q0-1 .. q0+rows-1}, stacked;
     * gemm row j reads stacked rows j and j+1, so the one row per stream that would straddle two streams is computed
     * and discarded (it costs one row per stream and phase; no weights are duplicated).
     */
    private void transposedConv(ComputeExecutor ex, DecoderState[] st, int k, SnacWeights.Block blk, long[] first, int[] m,
                                float[][] y) {
        int b = st.length;
        int s = blk.rate();
        int p = blk.padding();
        int ci = blk.cin();
        int co = blk.cout();
        int[] ph = new int[b];
        int[] rows = new int[b];
        for (int tap = 0; tap < s; tap++) {
            int stacked = 0;
            int streams = 0;
            for (int i = 0; i < b; i++) {
                ph[i] = (int) Math.floorMod(tap - first[i] - p, (long) s);
                rows[i] = ph[i] < m[i] ? (m[i] - ph[i] + s - 1) / s : 0;
                if (rows[i] > 0) {
                    stacked += rows[i] + 1;
                    streams++;
                }
            }
            lastGemmRows += stacked - streams;
            if (streams == 0) {
                continue;
            }
            float[] gx = gx(stacked * ci);
            float[] gy = gy(stacked * co);
            int r = 0;
            for (int i = 0; i < b; i++) {
                if (rows[i] > 0) {
                    DecoderState.Transposed t = st[i].tconv[k];
                    long q0 = Math.floorDiv(first[i] + ph[i] + p, s);
                    int xOff = (int) (q0 - 1 - t.start) * ci;
                    System.arraycopy(t.buf.data, xOff, gx, r * ci, (rows[i] + 1) * ci);
                    r += rows[i] + 1;
                }
            }
            SnacKernels.gemm(ex, gx, 0, ci, blk.phaseTaps()[tap], DecoderState.TAP_SHIFTS, blk.tconvBias(), stacked - 1, gy, 0, co,
                    co);
            r = 0;
            for (int i = 0; i < b; i++) {
                if (rows[i] > 0) {
                    for (int j = 0; j < rows[i]; j++) {
                        System.arraycopy(gy, (r + j) * co, y[i], (ph[i] + j * s) * co, co);
                    }
                    r += rows[i] + 1;
                }
            }
        }
    }
}
