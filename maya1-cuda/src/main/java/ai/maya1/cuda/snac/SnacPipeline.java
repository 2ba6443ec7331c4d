package ai.maya1.cuda.snac;

import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.CudaModule;
import ai.maya1.cuda.CudaStream;
import ai.maya1.cuda.DeviceBuffer;
import ai.maya1.cuda.Kernel;
import ai.maya1.cuda.KernelArgs;
import java.util.ArrayList;
import java.util.List;

/**
 * One exact incremental SNAC decode of a batch on the GPU. Every context-needing layer has an input ring on the
 * device holding just the left context it still needs; each push computes, layer by layer, exactly the outputs
 * that no later frame can change ({@link SnacStagePlan}) and returns the new final samples. Offline decoding is
 * one push (or a few) and a flush, so both paths run the same kernels. Not thread-safe; closing twice is safe.
 */
final class SnacPipeline implements AutoCloseable {
    /**
     * How NoiseBlocks draw: 0 none, 1 counter-based generator, 2 given tensors ({@code explicit[k]} holds
     * {@code explicitItems[k]} rows of {@code explicitStride[k]} positions). Given buffers are closed with the
     * pipeline.
     */
    record Noise(int mode, long seed, DeviceBuffer[] explicit, long[] explicitStride, int[] explicitItems) {
        static Noise none() {
            return new Noise(0, 0, null, null, null);
        }
    }

    private static final int LATENT_PER_FRAME = 4;
    private final CudaDevice device;
    private final SnacGpuWeights w;
    private final CudaSnacConfig cfg;
    private final SnacStagePlan plan;
    private final int batch;
    private final int maxFrames;
    private final Noise noise;
    private final CudaStream stream;
    private final Kernel kLatent, kDw, kPw, kTconv, kFinal;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    // rings[i]: input ring of stage i (channels ringCh[i], capacity ringCap[i]); temps for two-kernel stages
    private final DeviceBuffer[] rings;
    private final int[] ringCh;
    private final int[] ringCap;
    private final DeviceBuffer[] temps;
    private final int[] tempCap;
    private final long[] nIn;
    private final long[] nOut;
    private final DeviceBuffer codesBuf;
    private final DeviceBuffer outBuf;
    private final int outCap;
    private long frames;
    private boolean flushed;
    private boolean closed;

    SnacPipeline(CudaDevice device, CudaModule module, SnacGpuWeights weights, int batch, int maxFrames, Noise noise) {
        this.device = device;
        this.w = weights;
        this.cfg = weights.config;
        this.plan = SnacStagePlan.forRates(cfg.decoderRates());
        this.batch = batch;
        this.maxFrames = maxFrames;
        this.noise = noise;
        device.makeCurrent();
        this.stream = device.createStream();
        kLatent = module.kernel("snac_latent");
        kDw = module.kernel("snac_dwconv7");
        kPw = module.kernel("snac_pointwise");
        kTconv = module.kernel("snac_tconv");
        kFinal = module.kernel("snac_final");
        int n = plan.stages().size();
        rings = new DeviceBuffer[n];
        ringCh = new int[n];
        ringCap = new int[n];
        temps = new DeviceBuffer[n];
        tempCap = new int[n];
        nIn = new long[n];
        nOut = new long[n];
        int[] maxNew = plan.maxNewInputs(maxFrames, LATENT_PER_FRAME);
        try {
            int s = 0;
            ringCh[s] = cfg.latentDim();
            temps[s] = alloc(cfg.latentDim(), tempCap[s] = maxNew[s + 1], "snac temp model.0");
            s++;
            for (int k = 0; k < cfg.decoderRates().length; k++) {
                SnacGpuWeights.Block b = w.blocks[k];
                ringCh[s] = b.ci();
                if (b.noiseW() != null && noise.mode() != 0) {
                    temps[s] = alloc(b.co(), tempCap[s] = maxNew[s + 1], "snac temp noise " + k);
                }
                s++;
                for (int j = 0; j < 3; j++) {
                    ringCh[s] = b.co();
                    temps[s] = alloc(b.co(), tempCap[s] = maxNew[s + 1], "snac temp residual " + k + "." + j);
                    s++;
                }
            }
            ringCh[s] = cfg.channels(cfg.decoderRates().length);
            for (int i = 0; i < n; i++) {
                ringCap[i] = plan.stages().get(i).ringCapacity(maxNew[i]);
                rings[i] = alloc(ringCh[i], ringCap[i], "snac ring " + plan.stages().get(i).name());
            }
            codesBuf = own(device.allocate(4L * batch * 7 * maxFrames, "snac codes"));
            outCap = maxNew[n];
            outBuf = own(device.allocate(4L * batch * outCap, "snac output"));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private DeviceBuffer alloc(int channels, int cap, String what) {
        return own(device.allocate(4L * batch * channels * cap, what));
    }

    private DeviceBuffer own(DeviceBuffer b) {
        owned.add(b);
        return b;
    }

    int lookaheadSamples() {
        return plan.lookaheadSamples();
    }

    /**
     * Appends frames (codes[b] = 7 codes per frame in level layout per frame: l0, l1a, l1b, l2a..l2d) and returns
     * the new final samples per batch item. At most {@code maxFrames} frames per call.
     */
    float[][] push(int[][] level0, int[][] level1, int[][] level2) {
        if (flushed) {
            throw new IllegalStateException("stream already flushed");
        }
        int f = level0[0].length;
        if (f == 0) {
            return new float[batch][0];
        }
        if (f > maxFrames) {
            throw new IllegalArgumentException("push of " + f + " frames exceeds " + maxFrames);
        }
        device.makeCurrent();
        int[] packed = new int[batch * 7 * f];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(level0[b], 0, packed, b * f, f);
            System.arraycopy(level1[b], 0, packed, batch * f + b * 2 * f, 2 * f);
            System.arraycopy(level2[b], 0, packed, batch * 3 * f + b * 4 * f, 4 * f);
        }
        codesBuf.uploadAsync(packed, 0, stream);
        long latentStart = frames * LATENT_PER_FRAME;
        int lat = cfg.latentDim();
        int count = LATENT_PER_FRAME * f;
        kLatent.launch(stream, ceil(count, 128), lat, batch, 128, 0, KernelArgs.of().ptr(codesBuf).i32(batch).i32(f)
                .ptr(w.codebook[0]).ptr(w.codebook[1]).ptr(w.codebook[2])
                .ptr(w.outProjW[0]).ptr(w.outProjW[1]).ptr(w.outProjW[2])
                .ptr(w.outProjB[0]).ptr(w.outProjB[1]).ptr(w.outProjB[2])
                .ptr(rings[0]).i32(lat).i32(ringCap[0]).i64(latentStart));
        frames += f;
        nIn[0] += count;
        return advance();
    }

    /** Ends the stream: emits every remaining sample (zero padding on the right, as the reference). */
    float[][] flush() {
        if (flushed) {
            throw new IllegalStateException("stream already flushed");
        }
        flushed = true;
        device.makeCurrent();
        return advance();
    }

    long framesPushed() {
        return frames;
    }

    private float[][] advance() {
        List<SnacStagePlan.Stage> stages = plan.stages();
        float[][] out = new float[batch][0];
        int s = 0;
        // model.0 (depthwise, no Snake) + model.1 (1x1 to decoder_dim)
        s = step(s, (a, cnt) -> {
            kDw.launch(stream, ceil(cnt, 128), ringCh[0], batch, 128, 0, KernelArgs.of().ptr(rings[0]).i32(ringCap[0]).i64(nIn[0])
                    .nullPtr().ptr(w.inDwW).ptr(w.inDwB).ptr(temps[0]).i32(tempCap[0]).i64(a).i32(cnt).i32(ringCh[0]).i32(1));
            pointwise(w.inPwW, w.inPwB, temps[0], tempCap[0], null, null, 0, 0, -1, rings[1], ringCap[1], a, cnt, ringCh[0], ringCh[1]);
        });
        for (int k = 0; k < w.blocks.length; k++) {
            SnacGpuWeights.Block b = w.blocks[k];
            final int si = s;
            final int blockIndex = k;
            s = step(s, (a, cnt) -> {
                SnacStagePlan.Stage st = stages.get(si);
                boolean noisy = temps[si] != null;
                DeviceBuffer dst = noisy ? temps[si] : rings[si + 1];
                int dstCap = noisy ? tempCap[si] : ringCap[si + 1];
                long jLo = Math.floorDiv(a + st.padding(), st.stride());
                long jHi = Math.floorDiv(a + cnt - 1 + st.padding(), st.stride());
                kTconv.launch(stream, ceil((int) (jHi - jLo + 1), 64), ceil(b.co(), 64), batch * st.stride(), 256, 0,
                        KernelArgs.of().ptr(b.tconvW()).ptr(b.tconvB()).ptr(rings[si]).i32(ringCap[si]).i64(nIn[si]).ptr(b.alpha())
                                .ptr(dst).i32(dstCap).i64(a).i32(cnt).i32(b.ci()).i32(b.co()).i32(st.stride()).i32(st.padding()).i32(batch));
                if (noisy) {
                    if (noise.mode() == 2 && (a + cnt > noise.explicitStride()[blockIndex] || noise.explicitItems()[blockIndex] < batch)) {
                        throw new IllegalArgumentException("given noise has no value for block " + blockIndex + ", batch items 0.."
                                + (batch - 1) + ", positions " + a + ".." + (a + cnt - 1));
                    }
                    pointwise(b.noiseW(), null, temps[si], tempCap[si], null, temps[si], tempCap[si], noise.mode(), blockIndex,
                            rings[si + 1], ringCap[si + 1], a, cnt, b.co(), b.co());
                }
            });
            for (int j = 0; j < 3; j++) {
                SnacGpuWeights.Residual r = b.residuals()[j];
                final int ri = s;
                s = step(s, (a, cnt) -> {
                    int c = ringCh[ri];
                    kDw.launch(stream, ceil(cnt, 128), c, batch, 128, 0, KernelArgs.of().ptr(rings[ri]).i32(ringCap[ri]).i64(nIn[ri])
                            .ptr(r.alpha0()).ptr(r.dwW()).ptr(r.dwB()).ptr(temps[ri]).i32(tempCap[ri]).i64(a).i32(cnt).i32(c).i32(r.dilation()));
                    pointwise(r.pwW(), r.pwB(), temps[ri], tempCap[ri], r.alpha2(), rings[ri], ringCap[ri], 0, -1, rings[ri + 1],
                            ringCap[ri + 1], a, cnt, c, c);
                });
            }
        }
        final int fi = s;
        long before = nOut[fi];
        long fin = stages.get(fi).finalOutputs(nIn[fi], flushed);
        if (fin > before) {
            int cnt = Math.toIntExact(fin - before);
            if (cnt > outCap) {
                throw new IllegalStateException("internal: " + cnt + " samples exceed the output buffer " + outCap);
            }
            kFinal.launch(stream, ceil(cnt, 128), batch, 1, 128, 0, KernelArgs.of().ptr(rings[fi]).i32(ringCap[fi]).i64(nIn[fi])
                    .ptr(w.finalAlpha).ptr(w.finalW).ptr(w.finalB).ptr(outBuf).i64(before).i32(cnt).i32(ringCh[fi]));
            nOut[fi] = fin;
            stream.synchronize();
            float[] all = new float[batch * cnt];
            outBuf.download(all, 0, all.length);
            for (int b = 0; b < batch; b++) {
                out[b] = java.util.Arrays.copyOfRange(all, b * cnt, (b + 1) * cnt);
            }
        } else {
            stream.synchronize();
        }
        return out;
    }

    @FunctionalInterface
    private interface StageBody {
        void run(long start, int count);
    }

    /** Runs stage {@code s} over its newly final outputs (which become stage s+1's inputs); returns s + 1. */
    private int step(int s, StageBody body) {
        SnacStagePlan.Stage st = plan.stages().get(s);
        long fin = st.finalOutputs(nIn[s], flushed);
        if (fin > nOut[s]) {
            int cnt = Math.toIntExact(fin - nOut[s]);
            body.run(nOut[s], cnt);
            nOut[s] = fin;
            nIn[s + 1] = fin;
        }
        return s + 1;
    }

    private void pointwise(DeviceBuffer wt, DeviceBuffer bias, DeviceBuffer in, int capIn, DeviceBuffer alpha, DeviceBuffer resid, int capResid,
                           int noiseMode, int noiseBlock, DeviceBuffer out, int capOut, long start, int count, int ci, int co) {
        KernelArgs a = KernelArgs.of().ptr(wt).ptrOrNull(bias).ptr(in).i32(capIn).ptrOrNull(alpha).ptrOrNull(resid).i32(Math.max(1, capResid))
                .i32(noiseMode).i64(noise.seed()).i32(Math.max(0, noiseBlock)).i32(0);
        if (noiseMode == 2) {
            a.ptr(noise.explicit()[noiseBlock]).i64(noise.explicitStride()[noiseBlock]);
        } else {
            a.nullPtr().i64(0);
        }
        a.ptr(out).i32(capOut).i64(start).i32(count).i32(ci).i32(co);
        kPw.launch(stream, ceil(count, 64), ceil(co, 64), batch, 256, 0, a);
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceBuffer b : owned) {
            b.close();
        }
        if (noise.explicit() != null) {
            for (DeviceBuffer b : noise.explicit()) {
                if (b != null) {
                    b.close();
                }
            }
        }
        if (stream != null) {
            stream.close();
        }
    }
}
