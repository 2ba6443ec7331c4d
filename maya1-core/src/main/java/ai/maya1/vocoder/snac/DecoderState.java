package ai.maya1.vocoder.snac;

import ai.maya1.concurrent.ComputeExecutor;

/**
 * Incremental state of one decode (one batch item): every layer that looks at neighbouring time steps keeps
 * exactly the rows it still needs (its left context plus input whose right context has not arrived) and emits
 * every output that no future input can change. Point-wise layers (Snake, 1x1 conv, NoiseBlock, tanh) are fused
 * into the windowed layer before or after them, so each output element is computed exactly once: a decode in one
 * chunk and a decode in many chunks do the same arithmetic, and their results are bit-identical.
 *
 * <p>Windowed layers and their right context (in their own time steps): {@code decoder.model.0} (3 latent steps);
 * each block's transposed conv ({@code ceil(r/2)} outputs); each residual unit ({@code 3d}); the last conv (3).
 */
final class DecoderState {
    final SnacWeights w;
    private final SnacConfig cfg;
    final NoiseSource noise;
    final int item;

    final Window input;          // decoder.model.0 input: latent rows, halo 3
    final Transposed[] tconv;    // per block: Snake'd input rows of the transposed conv
    final Residual[][] units;    // per block, 3 residual units
    final Window output;         // Snake'd input rows of the final conv, halo 3
    long framesIn;
    boolean ended;
    private float[][] scratch = new float[6][];
    private Probe probe;

    /** Receives intermediate activations (time-major rows) under the reference module names; tests only. */
    interface Probe {
        void accept(String name, float[] data, int off, int rows, int channels);
    }

    void probe(Probe p) {
        this.probe = p;
    }

    private void report(String name, float[] data, int off, int rows, int channels) {
        if (probe != null) {
            probe.accept(name, data, off, rows, channels);
        }
    }

    /** A symmetric window: output t reads input rows t-halo..t+halo; buffer row 0 is absolute input outPos-halo. */
    static final class Window {
        final int halo;
        final RowBuffer buf;
        long inPos;
        long outPos;

        Window(int width, int halo) {
            this.halo = halo;
            this.buf = new RowBuffer(width, 4 * halo + 8);
            buf.appendZeros(halo); // zero padding before the first input
        }

        Window(Window o) {
            this.halo = o.halo;
            this.buf = o.buf.copy();
            this.inPos = o.inPos;
            this.outPos = o.outPos;
        }

        /** Outputs now final; at the end of the stream appends the right zero padding first. */
        int ready(boolean end) {
            if (end) {
                buf.appendZeros(halo);
                return (int) (inPos - outPos);
            }
            return (int) Math.max(0, inPos - halo - outPos);
        }

        void consume(int n) {
            buf.dropFront(n);
            outPos += n;
        }
    }

    /** Residual unit: x rows (for the skip) and Snake(x) rows (for the depthwise conv) with identical geometry. */
    static final class Residual {
        final Window x;
        final RowBuffer a;

        Residual(int width, int halo) {
            x = new Window(width, halo);
            a = new RowBuffer(width, 4 * halo + 8);
            a.appendZeros(halo);
        }

        Residual(Residual o) {
            x = new Window(o.x);
            a = o.a.copy();
        }
    }

    /** Transposed conv input: buffer row 0 is absolute input {@code start}; input -1 and input L are zeros. */
    static final class Transposed {
        final RowBuffer buf;
        long start = -1;
        long inPos;
        long outPos;

        Transposed(int width) {
            buf = new RowBuffer(width, 16);
            buf.appendZeros(1);
        }

        Transposed(Transposed o) {
            buf = o.buf.copy();
            start = o.start;
            inPos = o.inPos;
            outPos = o.outPos;
        }
    }

    DecoderState(SnacWeights w, NoiseSource noise, int item) {
        this.w = w;
        this.cfg = w.config;
        this.noise = noise;
        this.item = item;
        input = new Window(cfg.latentDim(), 3);
        tconv = new Transposed[w.blocks.length];
        units = new Residual[w.blocks.length][];
        for (int k = 0; k < w.blocks.length; k++) {
            SnacWeights.Block b = w.blocks[k];
            tconv[k] = new Transposed(b.cin());
            units[k] = new Residual[b.units().length];
            for (int u = 0; u < units[k].length; u++) {
                units[k][u] = new Residual(b.cout(), 3 * b.units()[u].dilation());
            }
        }
        output = new Window(w.finalSnake.alpha().length, 3);
    }

    private DecoderState(DecoderState o) {
        w = o.w;
        cfg = o.cfg;
        noise = o.noise;
        item = o.item;
        input = new Window(o.input);
        tconv = new Transposed[o.tconv.length];
        units = new Residual[o.units.length][];
        for (int k = 0; k < tconv.length; k++) {
            tconv[k] = new Transposed(o.tconv[k]);
            units[k] = new Residual[o.units[k].length];
            for (int u = 0; u < units[k].length; u++) {
                units[k][u] = new Residual(o.units[k][u]);
            }
        }
        output = new Window(o.output);
        framesIn = o.framesIn;
        ended = o.ended;
    }

    /** Deep copy (for the low-latency mode's provisional flush); scratch is not shared. */
    DecoderState copy() {
        return new DecoderState(this);
    }

    long framesIn() {
        return framesIn;
    }

    /** Output samples emitted so far. */
    long samplesOut() {
        return output.outPos;
    }

    boolean ended() {
        return ended;
    }

    /** Bytes held by this state's buffers and scratch (constant once a steady chunk size is reached). */
    long bytes() {
        long n = input.buf.bytes() + output.buf.bytes();
        for (int k = 0; k < tconv.length; k++) {
            n += tconv[k].buf.bytes();
            for (Residual r : units[k]) {
                n += r.x.buf.bytes() + r.a.bytes();
            }
        }
        for (float[] s : scratch) {
            n += s == null ? 0 : 4L * s.length;
        }
        return n;
    }

    float[] scratch(int slot, int size) {
        float[] s = scratch[slot];
        if (s == null || s.length < size) {
            s = new float[Math.max(size, 16)];
            scratch[slot] = s;
        }
        return s;
    }

    /**
     * Feeds {@code frames} frames of codes (level q of this frame range at {@code codes[q][off*n_q ..]}) and, if
     * {@code end}, ends the stream. Appends every sample that became final to {@code out}; returns how many.
     */
    int process(ComputeExecutor ex, int[][] codes, int[] codeOffsets, int frames, boolean end, float[] out, int outOff) {
        if (ended) {
            throw new IllegalStateException("stream already ended");
        }
        int latent = cfg.latentDim();
        int steps = frames * cfg.latentStepsPerFrame();
        float[] lat = latent(ex, codes, codeOffsets, frames);
        framesIn += frames;
        ended = end;

        // decoder.model.0 (depthwise k7) + decoder.model.1 (1x1 to decoderDim)
        report("latent", lat, 0, steps, latent);
        input.buf.append(lat, 0, steps);
        input.inPos += steps;
        int n = input.ready(end);
        float[] dw = scratch(2, n * latent);
        SnacKernels.depthwise(ex, input.buf.data, 0, latent, w.inDw, 7, w.inDwBias, 1, n, dw);
        float[] cur = scratch(0, n * cfg.decoderDim());
        SnacKernels.gemm(ex, dw, 0, latent, w.inPw, new int[] {0}, w.inPwBias, n, cur, 0, cfg.decoderDim(), cfg.decoderDim());
        report("decoder.model.0", dw, 0, n, latent);
        report("decoder.model.1", cur, 0, n, cfg.decoderDim());
        input.consume(n);
        int curSlot = 0;

        for (int k = 0; k < w.blocks.length; k++) {
            SnacWeights.Block b = w.blocks[k];
            Transposed t = tconv[k];
            // Snake, stored as the transposed conv's input
            int off = t.buf.reserve(n);
            SnacKernels.snake(ex, cur, 0, n, b.cin(), b.snake().alpha(), b.snake().inv(), t.buf.data, off);
            String name = "decoder.model." + (k + 2);
            report(name + ".block.0", t.buf.data, off, n, b.cin());
            t.inPos += n;
            int s = b.rate();
            int p = b.padding();
            long newOut;
            if (end) {
                t.buf.appendZeros(1);
                newOut = s * t.inPos;
            } else {
                newOut = Math.max(t.outPos, s * t.inPos - p);
            }
            int m = (int) (newOut - t.outPos);
            int outSlot = 1 - curSlot;
            float[] y = scratch(outSlot, m * b.cout());
            transposedConv(ex, b, t, t.outPos, m, y);
            long firstPos = t.outPos;
            t.outPos = newOut;
            if (!end) {
                long keepFrom = Math.floorDiv(newOut + p, s) - 1;
                t.buf.dropFront((int) (keepFrom - t.start));
                t.start = keepFrom;
            }
            report(name + ".block.1", y, 0, m, b.cout());
            if ((!noise.isZero() || probe != null) && b.noiseLinear() != null && m > 0) {
                float[] h = scratch(3, m * b.cout());
                SnacKernels.gemm(ex, y, 0, b.cout(), b.noiseLinear(), new int[] {0}, null, m, h, 0, b.cout(), b.cout());
                report(name + ".block.2.linear", h, 0, m, b.cout());
                if (!noise.isZero()) {
                    float[] nz = scratch(4, m);
                    noise.fill(k, item, firstPos, nz, m);
                    SnacKernels.addNoise(y, h, nz, m, b.cout());
                }
            }
            if (b.noiseLinear() != null) {
                report(name + ".block.2", y, 0, m, b.cout());
            }
            cur = y;
            curSlot = outSlot;
            n = m;
            for (int u = 0; u < b.units().length; u++) {
                SnacWeights.Residual ru = b.units()[u];
                Residual st = units[k][u];
                int co = b.cout();
                st.x.buf.append(cur, 0, n);
                int aOff = st.a.reserve(n);
                SnacKernels.snake(ex, cur, 0, n, co, ru.snake1().alpha(), ru.snake1().inv(), st.a.data, aOff);
                st.x.inPos += n;
                if (end) {
                    st.a.appendZeros(st.x.halo);
                }
                String un = name + ".block." + (cfg.firstResidualIndex() + u);
                report(un + ".block.0", st.a.data, aOff, n, co);
                int c = st.x.ready(end);
                float[] d = scratch(2, c * co);
                SnacKernels.depthwise(ex, st.a.data, 0, co, ru.dw(), 7, ru.dwBias(), ru.dilation(), c, d);
                report(un + ".block.1", d, 0, c, co);
                SnacKernels.snake(ex, d, 0, c, co, ru.snake2().alpha(), ru.snake2().inv(), d, 0);
                report(un + ".block.2", d, 0, c, co);
                outSlot = 1 - curSlot;
                float[] o = scratch(outSlot, c * co);
                SnacKernels.gemm(ex, d, 0, co, ru.pw(), new int[] {0}, ru.pwBias(), c, o, 0, co, co);
                report(un + ".block.3", o, 0, c, co);
                report(un + ".block", o, 0, c, co);
                SnacKernels.addInPlace(o, 0, st.x.buf.data, st.x.halo * co, c * co);
                report(un, o, 0, c, co);
                st.x.consume(c);
                st.a.dropFront(c);
                cur = o;
                curSlot = outSlot;
                n = c;
            }
            report(name, cur, 0, n, b.cout());
        }

        // final Snake + conv k7 to mono + tanh
        int last = output.buf.width;
        int off = output.buf.reserve(n);
        SnacKernels.snake(ex, cur, 0, n, last, w.finalSnake.alpha(), w.finalSnake.inv(), output.buf.data, off);
        report("decoder.model." + (w.blocks.length + 2), output.buf.data, off, n, last);
        output.inPos += n;
        int c = output.ready(end);
        if (probe != null) {
            float[] pre = new float[c];
            for (int i = 0; i < c; i++) {
                pre[i] = SnacKernels.dotWindowScalar(output.buf.data, i * last, w.outConv, 7 * last) + w.outBias;
            }
            report("decoder.model." + (w.blocks.length + 3), pre, 0, c, 1);
        }
        SnacKernels.convToMonoTanh(ex, output.buf.data, last, w.outConv, 7, w.outBias, c, out, outOff);
        report("decoder.model." + (w.blocks.length + 4), out, outOff, c, 1);
        output.consume(c);
        return c;
    }

    /** Upper bound of the samples one {@link #process} call with {@code frames} frames can emit. */
    int maxSamples(int frames) {
        return (frames + 3) * cfg.samplesPerFrame() + cfg.lookaheadSamples();
    }

    /**
     * Outputs {@code [first, first+m)} of block {@code b}'s transposed conv. Output t reads inputs
     * q = floor((t+p)/s) (tap k = (t+p) mod s) and q-1 (tap k+s); outputs of one phase form a gemm whose rows
     * are s outputs apart.
     */
    private void transposedConv(ComputeExecutor ex, SnacWeights.Block b, Transposed t, long first, int m, float[] y) {
        int s = b.rate();
        int p = b.padding();
        int ci = b.cin();
        int co = b.cout();
        for (int ph = 0; ph < s && ph < m; ph++) {
            long t0 = first + ph;
            int rows = (m - ph + s - 1) / s;
            long q0 = Math.floorDiv(t0 + p, s);
            int k = (int) Math.floorMod(t0 + p, s);
            // rows of the gemm: outputs t0, t0+s, ...; x rows q0-1, q0 (shift 0 = tap k+s, shift 1 = tap k)
            int xOff = (int) (q0 - 1 - t.start) * ci;
            SnacKernels.gemm(ex, t.buf.data, xOff, ci, b.phaseTaps()[k], TAP_SHIFTS, b.tconvBias(), rows, y, ph * co, s * co, co);
        }
    }

    static final int[] TAP_SHIFTS = {1, 0}; // phaseTaps[k][0] = tap k reads x[q]; [1] = tap k+s reads x[q-1]

    /** Codebook lookup, out_proj, repeat-interleave and sum: {@code frames * stride0} latent rows. */
    float[] latent(ComputeExecutor ex, int[][] codes, int[] codeOffsets, int frames) {
        int latentDim = cfg.latentDim();
        int dim = cfg.codebookDim();
        int stride0 = cfg.latentStepsPerFrame();
        int steps = frames * stride0;
        float[] lat = scratch(5, steps * latentDim);
        java.util.Arrays.fill(lat, 0, steps * latentDim, 0f);
        for (int q = 0; q < codes.length; q++) {
            int sq = cfg.vqStrides().get(q);
            int nq = steps / sq;
            float[] e = new float[nq * dim];
            for (int i = 0; i < nq; i++) {
                int code = codes[q][codeOffsets[q] + i];
                System.arraycopy(w.codebooks[q], code * dim, e, i * dim, dim);
            }
            float[] proj = new float[nq * latentDim];
            SnacKernels.gemm(ex, e, 0, dim, new float[][] {w.outProjT[q]}, new int[] {0}, w.outProjBias[q], nq, proj, 0, latentDim, latentDim);
            report("quantizer.level" + q + ".codebook_lookup", e, 0, nq, dim);
            report("quantizer.level" + q + ".out_proj", proj, 0, nq, latentDim);
            if (probe != null) {
                float[] rep = new float[steps * latentDim];
                for (int t = 0; t < steps; t++) {
                    System.arraycopy(proj, (t / sq) * latentDim, rep, t * latentDim, latentDim);
                }
                report("quantizer.level" + q + ".repeated", rep, 0, steps, latentDim);
            }
            for (int t = 0; t < steps; t++) {
                int src = (t / sq) * latentDim;
                int dst = t * latentDim;
                for (int o = 0; o < latentDim; o++) {
                    lat[dst + o] += proj[src + o];
                }
            }
        }
        return lat;
    }
}
