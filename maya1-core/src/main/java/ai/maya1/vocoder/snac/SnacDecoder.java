package ai.maya1.vocoder.snac;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.weights.TensorSource;
import java.util.Objects;

/**
 * Pure-Java SNAC decoder (codes to waveform), offline and incremental. Thread-safe: the weights are read-only;
 * every decode or stream has its own state. Kernels run on the given {@link ComputeExecutor}.
 *
 * <p>An offline decode runs the same incremental pipeline as a stream, fed {@link #OFFLINE_CHUNK_FRAMES} frames
 * at a time (bounded memory, cache-sized activations), so offline and streamed audio are bit-identical.
 */
public final class SnacDecoder {
    /** Frames per pipeline step in offline decodes and in large stream pushes: small enough that the widest activations (64 x 4096 samples) stay in L2. */
    public static final int OFFLINE_CHUNK_FRAMES = 2;

    private final SnacWeights weights;
    private final SnacConfig config;
    private final ComputeExecutor executor;

    public SnacDecoder(SnacWeights weights, ComputeExecutor executor) {
        this.weights = Objects.requireNonNull(weights, "weights");
        this.config = weights.config;
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Loads and folds the weights of {@code source} (which may be closed afterwards). */
    public static SnacDecoder load(TensorSource source, SnacConfig config, ComputeExecutor executor) {
        return new SnacDecoder(SnacWeights.load(source, config), executor);
    }

    public SnacConfig config() {
        return config;
    }

    public SnacWeights weights() {
        return weights;
    }

    ComputeExecutor executor() {
        return executor;
    }

    /** Output samples per frame (2048 for 24 kHz). */
    public int samplesPerFrame() {
        return config.samplesPerFrame();
    }

    /** The samples the Maya1 reference drops at the start of an utterance ("warm-up"): one frame, 2048 at 24 kHz. */
    public int warmupSamples() {
        return config.samplesPerFrame();
    }

    /** Look-ahead of exact streaming in samples ({@link SnacConfig#lookaheadSamples()}). */
    public int lookaheadSamples() {
        return config.lookaheadSamples();
    }

    /** Decodes a batch; {@code [batch][frames * samplesPerFrame]}, nothing trimmed. */
    public float[][] decode(SnacCodes codes, NoiseMode noise) {
        return decode(codes, noise, false);
    }

    /**
     * Decodes a batch. With {@code trimWarmup} the first {@link #warmupSamples()} samples of every item are
     * dropped, exactly as a stream opened with {@link SnacStreamOptions#trimWarmup()} drops them.
     */
    public float[][] decode(SnacCodes codes, NoiseMode noise, boolean trimWarmup) {
        NoiseSource ns = NoiseSource.of(noise);
        int frames = codes.frames();
        int spf = config.samplesPerFrame();
        int total = Math.multiplyExact(frames, spf);
        float[][] out = new float[codes.batch()][];
        int[][] levels = new int[3][];
        for (int b = 0; b < codes.batch(); b++) {
            levels[0] = codes.level0()[b];
            levels[1] = codes.level1()[b];
            levels[2] = codes.level2()[b];
            DecoderState st = new DecoderState(weights, ns, b);
            float[] audio = new float[total + st.maxSamples(OFFLINE_CHUNK_FRAMES)];
            int pos = 0;
            int f = 0;
            do {
                int n = Math.min(OFFLINE_CHUNK_FRAMES, frames - f);
                boolean end = f + n == frames;
                pos += st.process(executor, levels, new int[] {f, 2 * f, 4 * f}, n, end, audio, pos);
                f += n;
            } while (f < frames);
            if (pos != total) {
                throw new IllegalStateException("decoded " + pos + " samples, expected " + total);
            }
            int from = trimWarmup ? Math.min(total, warmupSamples()) : 0;
            out[b] = java.util.Arrays.copyOfRange(audio, from, total);
        }
        return out;
    }

    /** Opens an exact incremental stream (batch item 0 for the noise key). */
    public SnacStream openStream(NoiseMode noise) {
        return openStream(noise, SnacStreamOptions.exact());
    }

    public SnacStream openStream(NoiseMode noise, SnacStreamOptions options) {
        return openStream(noise, options, 0);
    }

    /**
     * Opens a stream whose noise is keyed as batch item {@code noiseItem}, so that streaming item b of a batch
     * reproduces {@code decode(batch)[b]} with seeded noise.
     */
    public SnacStream openStream(NoiseMode noise, SnacStreamOptions options, int noiseItem) {
        return new SnacStream(this, NoiseSource.of(noise), options, noiseItem);
    }

    DecoderState newState(NoiseSource noise, int item) {
        return new DecoderState(weights, noise, item);
    }
}
