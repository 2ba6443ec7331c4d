package ai.maya1.vocoder.snac;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorSource;
import ai.maya1.weights.TensorSources;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pure-Java {@link Vocoder}: {@link SnacDecoder} behind the vocoder API. */
public final class JavaVocoder implements Vocoder {
    private static final Logger LOG = LoggerFactory.getLogger(JavaVocoder.class);

    private final SnacDecoder decoder;
    private final ComputeExecutor ownedExecutor;
    private volatile boolean closed;

    public JavaVocoder(SnacDecoder decoder) {
        this(decoder, null);
    }

    private JavaVocoder(SnacDecoder decoder, ComputeExecutor ownedExecutor) {
        this.decoder = decoder;
        this.ownedExecutor = ownedExecutor;
    }

    /**
     * Opens a SNAC folder ({@code config.json} and the weights). With a null executor the vocoder creates and
     * owns one with the default thread count.
     */
    public static JavaVocoder open(Path folder, ComputeExecutor executor) {
        Path configJson = folder.resolve("config.json");
        if (!Files.isRegularFile(configJson)) {
            throw new ModelFormatException(folder, "not a SNAC folder: config.json is missing");
        }
        SnacConfig config = SnacConfig.load(configJson);
        SnacWeights weights;
        long t0 = System.nanoTime();
        try (TensorSource source = openTensorSource(folder)) {
            weights = SnacWeights.load(source, config);
        }
        LOG.debug("SNAC weights loaded from {} in {} ms ({} parameters)", folder, (System.nanoTime() - t0) / 1_000_000,
                weights.parameterCount());
        ComputeExecutor owned = executor == null ? ComputeExecutor.withDefaultThreads("maya1-snac") : null;
        return new JavaVocoder(new SnacDecoder(weights, executor == null ? owned : executor), owned);
    }

    /** The folder's weights: model.safetensors (or its index) or pytorch_model.bin, detected from content. */
    static TensorSource openTensorSource(Path folder) {
        return TensorSources.open(folder);
    }

    public SnacDecoder decoder() {
        return decoder;
    }

    @Override
    public int sampleRate() {
        return decoder.config().samplingRate();
    }

    @Override
    public int samplesPerFrame() {
        return decoder.samplesPerFrame();
    }

    @Override
    public float[][] decode(SnacCodes codes, NoiseMode noise) {
        checkOpen();
        return decoder.decode(codes, noise);
    }

    /** Offline decode with the optional warm-up trim (see {@link SnacDecoder#decode(SnacCodes, NoiseMode, boolean)}). */
    public float[][] decode(SnacCodes codes, NoiseMode noise, boolean trimWarmup) {
        checkOpen();
        return decoder.decode(codes, noise, trimWarmup);
    }

    @Override
    public SnacStream openStream(NoiseMode noise) {
        checkOpen();
        return decoder.openStream(noise);
    }

    public SnacStream openStream(NoiseMode noise, SnacStreamOptions options) {
        checkOpen();
        return decoder.openStream(noise, options);
    }

    @Override
    public int lookaheadSamples() {
        return decoder.lookaheadSamples();
    }

    @Override
    public String backendName() {
        return "java";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("vocoder is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownedExecutor != null) {
            ownedExecutor.close();
        }
    }
}
