package ai.maya1.onnx.export;

import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The SNAC hyper-parameters the decoder graph depends on, read from the model's {@code config.json}
 * ({@code latent_dim} derived as {@code encoder_dim * 2^len(encoder_rates)} when absent).
 */
public record SnacGraphConfig(int samplingRate, int latentDim, int decoderDim, int[] decoderRates, int[] vqStrides,
                              int codebookSize, int codebookDim, boolean noise, boolean depthwise) {

    public static SnacGraphConfig load(Path configJson) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(configJson, "cannot read SNAC config: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new ModelFormatException(configJson, "SNAC config is not a JSON object");
        }
        if (n.hasNonNull("attn_window_size")) {
            throw new ModelFormatException(configJson, "attn_window_size", -1,
                    "local attention (32/44 kHz SNAC) is not supported; only snac_24khz-style decoders");
        }
        int[] rates = ints(configJson, n, "decoder_rates");
        int[] strides = ints(configJson, n, "vq_strides");
        int latent;
        if (n.hasNonNull("latent_dim")) {
            latent = n.get("latent_dim").asInt();
        } else {
            int enc = req(configJson, n, "encoder_dim");
            latent = enc << ints(configJson, n, "encoder_rates").length;
        }
        var cfg = new SnacGraphConfig(n.path("sampling_rate").asInt(24000), latent, req(configJson, n, "decoder_dim"), rates, strides,
                n.path("codebook_size").asInt(4096), n.path("codebook_dim").asInt(8), n.path("noise").asBoolean(true),
                n.path("depthwise").asBoolean(true));
        if (!cfg.depthwise) {
            throw new ModelFormatException(configJson, "depthwise", -1, "only depthwise SNAC decoders are supported");
        }
        int h = 1;
        for (int r : rates) {
            if (r <= 0 || r > 64) {
                throw new ModelFormatException(configJson, "decoder_rates", -1, "rate " + r + " out of range");
            }
            h *= r;
        }
        if (cfg.decoderDim >> rates.length <= 0 || latent <= 0 || latent > 65536 || cfg.decoderDim > 65536) {
            throw new ModelFormatException(configJson, "decoder_dim", -1, "implausible widths");
        }
        return cfg;
    }

    private static int req(Path p, JsonNode n, String key) {
        if (!n.path(key).canConvertToInt()) {
            throw new ModelFormatException(p, key, -1, "missing or non-integer key");
        }
        return n.get(key).asInt();
    }

    private static int[] ints(Path p, JsonNode n, String key) {
        JsonNode a = n.get(key);
        if (a == null || !a.isArray() || a.isEmpty() || a.size() > 16) {
            throw new ModelFormatException(p, key, -1, "missing or invalid integer list");
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    /** Output samples per latent step (product of decoder rates). */
    public int hopLength() {
        int h = 1;
        for (int r : decoderRates) {
            h *= r;
        }
        return h;
    }

    /** Latent steps per coarse frame (the largest VQ stride). */
    public int latentPerFrame() {
        int m = 1;
        for (int s : vqStrides) {
            m = Math.max(m, s);
        }
        return m;
    }

    public int samplesPerFrame() {
        return hopLength() * latentPerFrame();
    }

    /**
     * One-sided receptive field in output samples: how many samples of look-ahead an exact streaming decoder
     * needs (4757 for snac_24khz).
     */
    public int lookaheadSamples() {
        long lag = 3; // decoder.model.0, kernel 7
        for (int r : decoderRates) {
            lag = lag * r + (r + 1) / 2 + 3 * (1 + 3 + 9);
        }
        return (int) (lag + 3);
    }
}
