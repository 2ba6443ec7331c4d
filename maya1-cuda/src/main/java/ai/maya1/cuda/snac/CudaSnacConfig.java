package ai.maya1.cuda.snac;

import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SNAC decoder hyper-parameters this backend runs: the snac_24khz structure (three quantizer levels with
 * strides 4/2/1, codebook width 8, depthwise convolutions, no local attention) at any channel widths and block
 * rates. Anything else is refused with the offending key.
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

    public static CudaSnacConfig load(Path configJson) {
        try {
            return parse(new ObjectMapper().readTree(Files.readString(configJson)), configJson);
        } catch (IOException e) {
            throw new ModelFormatException(configJson, null, -1, "cannot read SNAC config: " + e.getMessage());
        }
    }

    public static CudaSnacConfig parse(JsonNode n, Path source) {
        if (n == null || !n.isObject()) {
            throw new ModelFormatException(source, null, -1, "SNAC config is not a JSON object");
        }
        // the full validation of the Java path (JSON types, ranges, rate products), naming the key
        ai.maya1.vocoder.snac.SnacConfig.parse(n.toString(), source);
        int encoderDim = req(n, "encoder_dim", source);
        int[] encoderRates = ints(n, "encoder_rates", source);
        int latent = n.hasNonNull("latent_dim") ? n.get("latent_dim").asInt() : encoderDim * (1 << encoderRates.length);
        int decoderDim = req(n, "decoder_dim", source);
        int[] rates = ints(n, "decoder_rates", source);
        int codebookSize = req(n, "codebook_size", source);
        int codebookDim = req(n, "codebook_dim", source);
        int[] strides = ints(n, "vq_strides", source);
        if (n.hasNonNull("attn_window_size")) {
            throw new ModelFormatException(source, "attn_window_size", -1, "local attention is not supported by the CUDA decoder");
        }
        if (n.has("depthwise") && !n.get("depthwise").asBoolean()) {
            throw new ModelFormatException(source, "depthwise", -1, "only depthwise SNAC decoders are supported");
        }
        if (codebookDim != 8 || !java.util.Arrays.equals(strides, new int[] {4, 2, 1})) {
            throw new ModelFormatException(source, "vq_strides", -1, "the CUDA decoder needs codebook_dim 8 and vq_strides [4, 2, 1]");
        }
        if (codebookSize != 4096) {
            throw new ModelFormatException(source, "codebook_size", -1, "expected 4096, got " + codebookSize);
        }
        if (rates.length == 0 || decoderDim % (1 << rates.length) != 0 || latent <= 0) {
            throw new ModelFormatException(source, "decoder_dim", -1, "decoder_dim " + decoderDim + " does not halve over " + rates.length + " blocks");
        }
        for (int r : rates) {
            if (r < 1 || r > 64) {
                throw new ModelFormatException(source, "decoder_rates", -1, "rate " + r + " outside 1..64");
            }
        }
        boolean noise = !n.has("noise") || n.get("noise").asBoolean();
        int sr = n.has("sampling_rate") ? n.get("sampling_rate").asInt() : 24000;
        return new CudaSnacConfig(sr, latent, decoderDim, rates, codebookSize, noise);
    }

    private static int req(JsonNode n, String key, Path source) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new ModelFormatException(source, key, -1, "missing or invalid integer");
        }
        return v.asInt();
    }

    private static int[] ints(JsonNode n, String key, Path source) {
        JsonNode v = n.get(key);
        if (v == null || !v.isArray() || v.size() > 16) {
            throw new ModelFormatException(source, key, -1, "missing or invalid integer list");
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asInt();
        }
        return out;
    }
}
