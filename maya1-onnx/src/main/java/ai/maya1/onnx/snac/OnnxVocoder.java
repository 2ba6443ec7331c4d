package ai.maya1.onnx.snac;

import ai.maya1.Maya1Exception;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.onnx.runtime.OrtSessions;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.vocoder.VocoderStream;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * SNAC decoding on ONNX Runtime. Offline decodes run the offline graph; streams run the stateful streaming graph
 * when one was loaded (exact, each frame decoded once), otherwise an exact sliding window over the offline graph
 * (recomputes about {@code 2 * lookahead} samples of context per push).
 *
 * <p>Noise: graphs with noise inputs get zeros for {@link NoiseMode.Zero} and counter-based Gaussian noise keyed
 * by (seed, block, batch item, absolute position) for {@link NoiseMode.Seeded}. The community export has no
 * noise inputs: whatever its graph does is used for both modes.
 */
public final class OnnxVocoder implements Vocoder {
    private final OrtSessions.Opened offline;
    private final SnacGraph graph;
    private final OrtSessions.Opened streaming; // may be null
    private final SnacGraph streamingGraph;
    private final OrtEnvironment env = OrtSessions.env();
    private volatile boolean closed;

    private OnnxVocoder(OrtSessions.Opened offline, SnacGraph graph, OrtSessions.Opened streaming, SnacGraph streamingGraph) {
        this.offline = offline;
        this.graph = graph;
        this.streaming = streaming;
        this.streamingGraph = streamingGraph;
    }

    /**
     * Opens an offline graph and, optionally, a streaming graph exported from the same weights.
     *
     * @param offlineModel   {@code snac_decoder.onnx} or the community {@code decoder_model.onnx}
     * @param streamingModel {@code snac_decoder_streaming.onnx}, or null
     */
    public static OnnxVocoder open(Path offlineModel, Path streamingModel, OnnxRuntimeConfig cfg, int defaultThreads) {
        OrtSessions.Opened off = OrtSessions.open(offlineModel, cfg, defaultThreads);
        OrtSessions.Opened str = null;
        try {
            SnacGraph g = SnacGraph.inspect(offlineModel, off.session());
            if (g.kind() == SnacGraph.Kind.NATIVE_STREAMING) {
                throw new Maya1Exception(offlineModel + " is a streaming graph; pass it as the streaming model");
            }
            SnacGraph sg = null;
            if (streamingModel != null) {
                str = OrtSessions.open(streamingModel, cfg, defaultThreads);
                sg = SnacGraph.inspect(streamingModel, str.session());
                if (sg.kind() != SnacGraph.Kind.NATIVE_STREAMING) {
                    throw new Maya1Exception(streamingModel + " is not a streaming SNAC graph (no state inputs)");
                }
            }
            return new OnnxVocoder(off, g, str, sg);
        } catch (RuntimeException e) {
            off.close();
            if (str != null) {
                str.close();
            }
            throw e;
        }
    }

    /** Which execution provider the sessions run on (after any fallback). */
    public String providerNote() {
        return offline.note();
    }

    /** True when streams use the stateful streaming graph. */
    public boolean hasStreamingGraph() {
        return streaming != null;
    }

    String graphKind() {
        return graph.kind().name();
    }

    @Override
    public int sampleRate() {
        return 24000;
    }

    @Override
    public int samplesPerFrame() {
        return graph.samplesPerFrame();
    }

    @Override
    public int lookaheadSamples() {
        return graph.lookahead();
    }

    @Override
    public String backendName() {
        return "onnx";
    }

    @Override
    public float[][] decode(SnacCodes codes, NoiseMode noise) {
        ensureOpen();
        checkNoiseSupported(graph, noise);
        int b = codes.batch();
        int t = codes.frames();
        float[][] out = new float[b][];
        float[] flat = run(offline.session(), graph, codes.level0(), codes.level1(), codes.level2(), 0, t, b, noise, 0);
        int n = flat.length / b;
        for (int i = 0; i < b; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * n, (i + 1) * n);
        }
        return out;
    }

    /**
     * Runs the offline graph on levels [B][T*2^i] for frames {@code [0, t)} of the given arrays starting at frame
     * {@code from}; noise positions start at latent step {@code noiseLatentStart}.
     */
    float[] run(OrtSession s, SnacGraph g, int[][] l0, int[][] l1, int[][] l2, int from, int t, int b, NoiseMode noise,
                long noiseLatentStart) {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            int[][][] levels = {l0, l1, l2};
            for (int i = 0; i < 3; i++) {
                int mult = 1 << i;
                in.put(g.codeInputs().get(i), codesTensor(levels[i], from * mult, t * mult, b));
            }
            long latent = (long) t * g.latentPerFrame();
            for (int k = 0; k < g.noiseInputs().size(); k++) {
                long len = g.noiseLength(k, latent);
                long start = g.noiseLength(k, noiseLatentStart);
                in.put(g.noiseInputs().get(k), noiseTensor(noise, k, b, start, (int) len));
            }
            try (OrtSession.Result r = s.run(in)) {
                OnnxTensor audio = (OnnxTensor) r.get(g.audioOutput()).orElseThrow();
                FloatBuffer fb = audio.getFloatBuffer();
                float[] res = new float[fb.remaining()];
                fb.get(res);
                return res;
            }
        } catch (OrtException e) {
            throw new Maya1Exception("ONNX Runtime SNAC decode failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    OnnxTensor codesTensor(int[][] level, int from, int len, int b) throws OrtException {
        LongBuffer lb = ByteBuffer.allocateDirect(8 * len * b).order(ByteOrder.nativeOrder()).asLongBuffer();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < len; j++) {
                lb.put(level[i][from + j]);
            }
        }
        lb.rewind();
        return OnnxTensor.createTensor(env, lb, new long[] {b, len});
    }

    OnnxTensor codesTensorFrames(int[] level, int len) throws OrtException {
        LongBuffer lb = ByteBuffer.allocateDirect(8 * len).order(ByteOrder.nativeOrder()).asLongBuffer();
        for (int j = 0; j < len; j++) {
            lb.put(level[j]);
        }
        lb.rewind();
        return OnnxTensor.createTensor(env, lb, new long[] {1, len});
    }

    OnnxTensor noiseTensor(NoiseMode noise, int block, int b, long start, int len) throws OrtException {
        return noiseTensor(noise, block, b, start, len, Long.MAX_VALUE);
    }

    /**
     * The noise of block {@code block} for positions {@code [start, start+len)} of that block's output. Positions
     * below 0 or at/after {@code limit} (the signal's length, known when a stream flushes) lie in the masked
     * padding of the streaming graph and get 0.
     */
    OnnxTensor noiseTensor(NoiseMode noise, int block, int b, long start, int len, long limit) throws OrtException {
        FloatBuffer fb = ByteBuffer.allocateDirect(4 * len * b).order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] row = new float[len];
        switch (noise) {
            case NoiseMode.Zero z -> {
                return OnnxTensor.createTensor(env, fb, new long[] {b, 1, len});
            }
            case NoiseMode.Seeded(long seed) -> {
                for (int i = 0; i < b; i++) {
                    CounterNoise.fill(seed, block, i, start, row, 0, len);
                    fb.put(row);
                }
            }
            case NoiseMode.Given(float[][][] perBlock) -> {
                for (int i = 0; i < b; i++) {
                    java.util.Arrays.fill(row, 0f);
                    for (int j = 0; j < len; j++) {
                        long pos = start + j;
                        if (pos < 0 || pos >= limit) {
                            continue;
                        }
                        if (block >= perBlock.length || i >= perBlock[block].length || pos >= perBlock[block][i].length) {
                            throw new IllegalArgumentException("given noise has no value for block " + block + ", batch item " + i
                                    + ", position " + pos);
                        }
                        row[j] = perBlock[block][i][(int) pos];
                    }
                    fb.put(row);
                }
            }
        }
        fb.rewind();
        return OnnxTensor.createTensor(env, fb, new long[] {b, 1, len});
    }

    /** Caller-supplied noise needs a graph that takes noise (the community export and --no-noise graphs do not). */
    static void checkNoiseSupported(SnacGraph g, NoiseMode noise) {
        if (noise instanceof NoiseMode.Given && g.noiseInputs().isEmpty()) {
            throw new IllegalArgumentException("this SNAC graph (" + g.kind() + ") has no noise inputs: NoiseMode.Given cannot be applied");
        }
    }

    OrtEnvironment env() {
        return env;
    }

    @Override
    public VocoderStream openStream(NoiseMode noise) {
        ensureOpen();
        checkNoiseSupported(streaming != null ? streamingGraph : graph, noise);
        if (streaming != null) {
            return new StatefulStream(this, streaming.session(), streamingGraph, noise);
        }
        return new WindowedStream(this, offline.session(), graph, noise);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("vocoder is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            offline.close();
            if (streaming != null) {
                streaming.close();
            }
        }
    }

    static OnnxValue must(OrtSession.Result r, String name) {
        return r.get(name).orElseThrow(() -> new Maya1Exception("ONNX graph did not return " + name));
    }
}
