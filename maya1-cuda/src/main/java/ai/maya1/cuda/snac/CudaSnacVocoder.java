package ai.maya1.cuda.snac;

import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.CudaModule;
import ai.maya1.cuda.KernelResources;
import ai.maya1.cuda.ModelFiles;
import ai.maya1.vocoder.InvalidCodeException;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.vocoder.VocoderStream;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SNAC 24 kHz decoder on an NVIDIA GPU (float32 kernels of {@code snac.cu}). Offline decoding and the exact
 * streaming decoder share one pipeline ({@link SnacPipeline}); the streaming state (each layer's left context)
 * stays on the device. Safe to share between threads: every decode or stream owns its buffers and CUDA stream.
 */
public final class CudaSnacVocoder implements Vocoder {
    /** Frames per pipeline step for offline decoding (bounds device memory for long inputs). */
    static final int OFFLINE_CHUNK_FRAMES = 64;
    /** Frames per step for streams (larger pushes are split). */
    static final int STREAM_CHUNK_FRAMES = 16;

    private final CudaDevice device;
    private final boolean ownsDevice;
    private final CudaModule module;
    private final SnacGpuWeights weights;
    private final CudaSnacConfig config;
    private final SnacStagePlan plan;
    private volatile boolean closed;

    private CudaSnacVocoder(CudaDevice device, boolean ownsDevice, TensorSource src, CudaSnacConfig config) {
        this.device = device;
        this.ownsDevice = ownsDevice;
        this.config = config;
        this.plan = SnacStagePlan.forRates(config.decoderRates());
        CudaModule m = device.loadModule(KernelResources.SNAC);
        try {
            this.weights = new SnacGpuWeights(device, src, config);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        this.module = m;
    }

    /** Loads a SNAC folder (config.json + weights) onto {@code device} (not closed with the vocoder). */
    public static CudaSnacVocoder load(CudaDevice device, Path folder) {
        return load(device, false, folder);
    }

    /** Like {@link #load(CudaDevice, Path)}, but closing the vocoder also closes {@code device} (providers). */
    public static CudaSnacVocoder loadOwningDevice(CudaDevice device, Path folder) {
        return load(device, true, folder);
    }

    static CudaSnacVocoder load(CudaDevice device, boolean ownsDevice, Path folder) {
        Path cfg = folder.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            throw new ModelFormatException(folder, null, -1, "no config.json in the SNAC folder");
        }
        CudaSnacConfig c = CudaSnacConfig.load(cfg);
        try (TensorSource src = ModelFiles.open(folder)) {
            return new CudaSnacVocoder(device, ownsDevice, src, c);
        }
    }

    /** Loads from an open tensor source (weights are copied to the device; the source may be closed after). */
    public static CudaSnacVocoder load(CudaDevice device, TensorSource src, CudaSnacConfig config) {
        return new CudaSnacVocoder(device, false, src, config);
    }

    @Override
    public int sampleRate() {
        return config.samplingRate();
    }

    @Override
    public int samplesPerFrame() {
        return 4 * config.hop();
    }

    @Override
    public int lookaheadSamples() {
        return plan.lookaheadSamples();
    }

    @Override
    public String backendName() {
        return "cuda";
    }

    /** Where the kernels came from ("snac.sm_90.cubin" or "snac.ptx"). */
    public String kernelImage() {
        return module.loadedFrom();
    }

    @Override
    public float[][] decode(SnacCodes codes, NoiseMode noise) {
        ensureOpen();
        return decode(codes, toNoise(noise));
    }

    /**
     * Decodes with the NoiseBlocks fed explicit noise, {@code noise[block][item][position]} for decoder.model.2..5
     * (the golden data's noise case); same as {@code decode(codes, NoiseMode.given(noise))}.
     */
    public float[][] decodeWithNoise(SnacCodes codes, float[][][] noise) {
        return decode(codes, NoiseMode.given(noise));
    }

    private float[][] decode(SnacCodes codes, SnacPipeline.Noise noise) {
        ensureOpen();
        int batch = codes.batch();
        int t = codes.frames();
        float[][] out = new float[batch][t * samplesPerFrame()];
        int[] filled = new int[batch];
        try (SnacPipeline p = new SnacPipeline(device, module, weights, batch, Math.max(1, Math.min(t, OFFLINE_CHUNK_FRAMES)), noise)) {
            for (int f0 = 0; f0 < t; f0 += OFFLINE_CHUNK_FRAMES) {
                int f = Math.min(OFFLINE_CHUNK_FRAMES, t - f0);
                append(out, filled, p.push(slice(codes.level0(), f0, f, 1), slice(codes.level1(), f0, f, 2), slice(codes.level2(), f0, f, 4)));
            }
            append(out, filled, p.flush());
        }
        for (int b = 0; b < batch; b++) {
            if (filled[b] != out[b].length) {
                throw new IllegalStateException("internal: decoded " + filled[b] + " samples, expected " + out[b].length);
            }
        }
        return out;
    }

    private static void append(float[][] out, int[] filled, float[][] part) {
        for (int b = 0; b < out.length; b++) {
            System.arraycopy(part[b], 0, out[b], filled[b], part[b].length);
            filled[b] += part[b].length;
        }
    }

    private static int[][] slice(int[][] level, int f0, int f, int per) {
        int[][] s = new int[level.length][];
        for (int b = 0; b < level.length; b++) {
            s[b] = java.util.Arrays.copyOfRange(level[b], f0 * per, (f0 + f) * per);
        }
        return s;
    }

    /** The pipeline's noise; {@link NoiseMode.Given} tensors are uploaded (the pipeline frees them). */
    private SnacPipeline.Noise toNoise(NoiseMode noise) {
        return switch (noise) {
            case NoiseMode.Zero z -> SnacPipeline.Noise.none();
            case NoiseMode.Seeded s -> new SnacPipeline.Noise(1, s.seed(), null, null, null);
            case NoiseMode.Given g -> uploadGiven(g.perBlock());
        };
    }

    private SnacPipeline.Noise uploadGiven(float[][][] perBlock) {
        int blocks = config.decoderRates().length;
        if (perBlock == null || perBlock.length != blocks) {
            throw new IllegalArgumentException("given noise needs " + blocks + " blocks, got " + (perBlock == null ? "null" : perBlock.length));
        }
        device.makeCurrent();
        ai.maya1.cuda.DeviceBuffer[] bufs = new ai.maya1.cuda.DeviceBuffer[blocks];
        long[] stride = new long[blocks];
        int[] items = new int[blocks];
        try {
            for (int k = 0; k < blocks; k++) {
                items[k] = perBlock[k].length;
                if (items[k] == 0) {
                    throw new IllegalArgumentException("given noise of block " + k + " has no batch items");
                }
                int len = perBlock[k][0].length;
                for (float[] row : perBlock[k]) {
                    if (row.length != len) {
                        throw new IllegalArgumentException("given noise of block " + k + " has batch items of different lengths");
                    }
                }
                stride[k] = len;
                float[] flat = new float[Math.max(1, items[k] * len)];
                for (int b = 0; b < items[k]; b++) {
                    System.arraycopy(perBlock[k][b], 0, flat, b * len, len);
                }
                bufs[k] = device.allocate(4L * flat.length, "given noise " + k);
                bufs[k].upload(flat);
            }
            device.synchronize();
            return new SnacPipeline.Noise(2, 0, bufs, stride, items);
        } catch (RuntimeException e) {
            for (ai.maya1.cuda.DeviceBuffer b : bufs) {
                if (b != null) {
                    b.close();
                }
            }
            throw e;
        }
    }

    @Override
    public VocoderStream openStream(NoiseMode noise) {
        ensureOpen();
        return new Stream(new SnacPipeline(device, module, weights, 1, STREAM_CHUNK_FRAMES, toNoise(noise)));
    }

    private static final class Stream implements VocoderStream {
        private final SnacPipeline pipeline;
        private long emitted;
        private boolean flushed;
        private boolean closed;

        Stream(SnacPipeline pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public float[] push(SnacFrame... frames) {
            if (closed) {
                throw new IllegalStateException("stream is closed");
            }
            if (flushed) {
                throw new IllegalStateException("stream already flushed");
            }
            List<float[]> parts = new ArrayList<>();
            for (int i = 0; i < frames.length; i += STREAM_CHUNK_FRAMES) {
                int f = Math.min(STREAM_CHUNK_FRAMES, frames.length - i);
                int[] l0 = new int[f], l1 = new int[2 * f], l2 = new int[4 * f];
                for (int j = 0; j < f; j++) {
                    SnacFrame fr = frames[i + j];
                    if (fr == null) {
                        throw new InvalidCodeException("frame " + (i + j) + " is null", i + j);
                    }
                    l0[j] = fr.l0();
                    l1[2 * j] = fr.l1a();
                    l1[2 * j + 1] = fr.l1b();
                    l2[4 * j] = fr.l2a();
                    l2[4 * j + 1] = fr.l2b();
                    l2[4 * j + 2] = fr.l2c();
                    l2[4 * j + 3] = fr.l2d();
                }
                parts.add(pipeline.push(new int[][] {l0}, new int[][] {l1}, new int[][] {l2})[0]);
            }
            return concat(parts);
        }

        @Override
        public float[] flush() {
            if (closed) {
                throw new IllegalStateException("stream is closed");
            }
            if (flushed) {
                throw new IllegalStateException("stream already flushed");
            }
            flushed = true;
            float[] r = pipeline.flush()[0];
            emitted += r.length;
            return r;
        }

        private float[] concat(List<float[]> parts) {
            int n = 0;
            for (float[] p : parts) {
                n += p.length;
            }
            float[] out = new float[n];
            int o = 0;
            for (float[] p : parts) {
                System.arraycopy(p, 0, out, o, p.length);
                o += p.length;
            }
            emitted += n;
            return out;
        }

        @Override
        public long samplesEmitted() {
            return emitted;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                pipeline.close();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("CUDA vocoder is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        weights.close();
        module.close();
        if (ownsDevice) {
            device.close();
        }
    }
}
