package ai.maya1.onnx.export;

import ai.maya1.vocoder.snac.SnacConfig;
import java.nio.file.Path;

/**
 * The decoder graph's view of a SNAC config: the hyper-parameters the exported graph depends on, read from the one
 * validated {@link SnacConfig} (which also owns the derived sizes: hop, samples per frame, look-ahead).
 */
public record SnacGraphConfig(SnacConfig model) {

    /** Reads {@code config.json} with the one SNAC config reader ({@link SnacConfig}). */
    public static SnacGraphConfig load(Path configJson) {
        return new SnacGraphConfig(SnacConfig.load(configJson));
    }

    public static SnacGraphConfig from(SnacConfig c) {
        return new SnacGraphConfig(c);
    }

    public int samplingRate() {
        return model.samplingRate();
    }

    public int latentDim() {
        return model.latentDim();
    }

    public int decoderDim() {
        return model.decoderDim();
    }

    public int[] decoderRates() {
        return model.decoderRates().stream().mapToInt(Integer::intValue).toArray();
    }

    public int[] vqStrides() {
        return model.vqStrides().stream().mapToInt(Integer::intValue).toArray();
    }

    public int codebookSize() {
        return model.codebookSize();
    }

    public int codebookDim() {
        return model.codebookDim();
    }

    public boolean noise() {
        return model.noise();
    }

    public boolean depthwise() {
        return model.depthwise();
    }

    /** Output samples per latent step (product of decoder rates). */
    public int hopLength() {
        return model.hopLength();
    }

    /** Latent steps per coarse frame (the largest VQ stride). */
    public int latentPerFrame() {
        return model.latentStepsPerFrame();
    }

    public int samplesPerFrame() {
        return model.samplesPerFrame();
    }

    /** One-sided receptive field in output samples: the look-ahead an exact streaming decoder needs (4757 for snac_24khz). */
    public int lookaheadSamples() {
        return model.lookaheadSamples();
    }
}
