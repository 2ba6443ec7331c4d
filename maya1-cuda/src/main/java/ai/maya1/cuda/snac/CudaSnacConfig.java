package ai.maya1.cuda.snac;

import ai.maya1.vocoder.snac.SnacConfig;
import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * The SNAC decoder hyper-parameters this backend runs: the snac_24khz structure (three quantizer levels with
 * strides 4/2/1, codebook width 8, depthwise convolutions, no local attention) at any channel widths and block
 * rates, derived from the one validated {@link SnacConfig} (which refuses local attention, non-depthwise decoders
 * and other quantizer layouts with the offending key); this plan adds the kernels' own limit (codebook_dim 8).
 */
public record CudaSnacConfig(int samplingRate, int latentDim, int decoderDim, int[] decoderRates, int codebookSize, boolean noise) {
    public CudaSnacConfig {
        decoderRates = decoderRates.clone();
    }

    @Override
    public int[] decoderRates() {
        return decoderRates.clone();
    }

    public int hop() {
        int h = 1;
        for (int r : decoderRates) {
            h *= r;
        }
        return h;
    }

    /** Channel count entering block k (k = decoderRates.length: the final Snake/conv). */
    public int channels(int k) {
        return decoderDim >> k;
    }

    /** Reads {@code config.json} with the one SNAC config reader ({@link SnacConfig}), then plans for this backend. */
    public static CudaSnacConfig load(Path configJson) {
        return from(SnacConfig.load(configJson), configJson);
    }

    /** As {@link #load(Path)}, from a parsed tree; {@code source} only names the file in errors. */
    public static CudaSnacConfig parse(JsonNode n, Path source) {
        return from(SnacConfig.parse(n == null ? "null" : n.toString(), source), source);
    }

    /** The CUDA plan of a validated SNAC config: refuses what the kernels cannot run, naming the key. */
    public static CudaSnacConfig from(SnacConfig c, Path source) {
        if (c.codebookDim() != 8) {
            throw new ModelFormatException(source, "codebook_dim", -1, "the CUDA decoder needs codebook_dim 8, got " + c.codebookDim());
        }
        int[] rates = c.decoderRates().stream().mapToInt(Integer::intValue).toArray();
        return new CudaSnacConfig(c.samplingRate(), c.latentDim(), c.decoderDim(), rates, c.codebookSize(), c.noise());
    }
}
