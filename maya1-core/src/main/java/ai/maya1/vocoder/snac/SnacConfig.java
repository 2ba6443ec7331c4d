package ai.maya1.vocoder.snac;

import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hyper-parameters of a SNAC codec, read from its {@code config.json} (the constructor arguments of
 * {@code snac.SNAC}). Only what the decoder needs is interpreted; the encoder fields are kept so that every
 * tensor of a full checkpoint can be checked by name and shape ({@link #expectedTensors()}).
 *
 * @param samplingRate   output sample rate (24000 for snac_24khz)
 * @param encoderDim     encoder base width
 * @param encoderRates   encoder down-sampling rates
 * @param latentDim      latent width ({@code encoder_dim * 2^len(encoder_rates)} when absent from the file)
 * @param decoderDim     channels entering the first decoder block
 * @param decoderRates   up-sampling factor of each decoder block
 * @param codebookSize   entries per codebook
 * @param codebookDim    width of one codebook vector
 * @param vqStrides      temporal stride of each quantizer level
 * @param noise          whether each decoder block has a NoiseBlock
 * @param depthwise      whether the kernel-7 convolutions are depthwise
 */
public record SnacConfig(int samplingRate, int encoderDim, List<Integer> encoderRates, int latentDim, int decoderDim,
                         List<Integer> decoderRates, int codebookSize, int codebookDim, List<Integer> vqStrides,
                         boolean noise, boolean depthwise) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                .maxNumberLength(32).maxStringLength(1 << 16).build());
    }

    public SnacConfig {
        encoderRates = List.copyOf(encoderRates);
        decoderRates = List.copyOf(decoderRates);
        vqStrides = List.copyOf(vqStrides);
    }

    /** The published hubertsiuzdak/snac_24khz hyper-parameters. */
    public static SnacConfig snac24khz() {
        return new SnacConfig(24000, 48, List.of(2, 4, 8, 8), 768, 1024, List.of(8, 8, 4, 2), 4096, 8, List.of(4, 2, 1),
                true, true);
    }

    /** Reads and validates a {@code config.json}. */
    public static SnacConfig load(Path configJson) {
        try {
            long size = Files.size(configJson);
            if (size > MAX_CONFIG_BYTES) {
                throw new ModelFormatException(configJson, "config.json is too large (" + size + " bytes)");
            }
            return parse(Files.readString(configJson), configJson);
        } catch (IOException e) {
            throw new ModelFormatException(configJson, null, -1, "cannot read SNAC config: " + e.getMessage(), e);
        }
    }

    /** Parses and validates config JSON; {@code source} only names the file in errors (may be null). */
    public static SnacConfig parse(String json, Path source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new ModelFormatException(source, null, -1, "SNAC config is not valid JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(source, "SNAC config must be a JSON object");
        }
        JsonNode attn = root.get("attn_window_size");
        if (attn != null && !attn.isNull()) {
            throw new ModelFormatException(source, "attn_window_size", -1,
                    "local attention (attn_window_size=" + attn + ") is not supported: only the 24 kHz SNAC layout without attention");
        }
        int encoderDim = intField(root, "encoder_dim", source, null);
        List<Integer> encoderRates = intList(root, "encoder_rates", source);
        // shifted in long: a hostile encoder_dim must reach the range check, not wrap around
        long latentDefault = (long) encoderDim << encoderRates.size();
        int latentDim = root.hasNonNull("latent_dim") ? intField(root, "latent_dim", source, null)
                : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, latentDefault));
        SnacConfig c = new SnacConfig(intField(root, "sampling_rate", source, null), encoderDim, encoderRates, latentDim,
                intField(root, "decoder_dim", source, null), intList(root, "decoder_rates", source),
                intField(root, "codebook_size", source, 4096), intField(root, "codebook_dim", source, 8),
                intList(root, "vq_strides", source), boolField(root, "noise", source, true), boolField(root, "depthwise", source, true));
        c.validate(source);
        return c;
    }

    private static int intField(JsonNode root, String name, Path source, Integer dflt) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            if (dflt != null) {
                return dflt;
            }
            throw new ModelFormatException(source, name, -1, "required SNAC config key " + name + " is missing");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ModelFormatException(source, name, -1, name + " must be a JSON integer, got " + n);
        }
        return n.intValue();
    }

    private static boolean boolField(JsonNode root, String name, Path source, boolean dflt) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new ModelFormatException(source, name, -1, name + " must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static List<Integer> intList(JsonNode root, String name, Path source) {
        JsonNode n = root.get(name);
        if (n == null || !n.isArray() || n.isEmpty() || n.size() > 16) {
            throw new ModelFormatException(source, name, -1, name + " must be a non-empty array of at most 16 integers, got "
                    + (n == null ? "nothing" : abbreviate(n.toString())));
        }
        Integer[] out = new Integer[n.size()];
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw new ModelFormatException(source, name, -1, name + "[" + i + "] must be a JSON integer, got " + abbreviate(e.toString()));
            }
            out[i] = e.intValue();
        }
        return List.of(out);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private void validate(Path source) {
        check(source, samplingRate > 0 && samplingRate <= 384_000, "sampling_rate", "must be in 1..384000, got " + samplingRate);
        check(source, encoderDim > 0 && encoderDim <= 4096, "encoder_dim", "must be in 1..4096, got " + encoderDim);
        check(source, latentDim > 0 && latentDim <= 16384, "latent_dim",
                "must be in 1..16384 (when absent it is encoder_dim * 2^len(encoder_rates)), got " + latentDim);
        check(source, decoderDim > 0 && decoderDim <= 16384, "decoder_dim", "must be in 1..16384, got " + decoderDim);
        for (int r : encoderRates) {
            check(source, r > 0 && r <= 64, "encoder_rates", "values must be in 1..64, got " + encoderRates);
        }
        long hop = 1;
        for (int r : decoderRates) {
            check(source, r > 0 && r <= 64, "decoder_rates", "values must be in 1..64, got " + decoderRates);
            hop *= r; // checked at every step: 16 rates of 64 would wrap a long to 0
            check(source, hop <= 1 << 16, "decoder_rates", "total up-sampling (the product of the rates) exceeds 65536");
        }
        check(source, decoderDim % (1 << decoderRates.size()) == 0, "decoder_dim",
                "must be divisible by 2^len(decoder_rates) (each block halves the width)");
        check(source, codebookSize == 4096, "codebook_size", "must be 4096 (Maya1 / SNAC code range), got " + codebookSize);
        check(source, codebookDim > 0 && codebookDim <= 1024, "codebook_dim", "must be in 1..1024, got " + codebookDim);
        check(source, vqStrides.equals(List.of(4, 2, 1)), "vq_strides",
                "must be [4, 2, 1] (three levels, 7 codes per frame as Maya1 emits them), got " + vqStrides);
        check(source, depthwise, "depthwise", "= false is not supported (every published SNAC model is depthwise)");
    }

    private static void check(Path source, boolean ok, String field, String message) {
        if (!ok) {
            throw new ModelFormatException(source, field, -1, field + " " + message);
        }
    }

    /** Output samples per latent step: the product of the decoder rates (512 for 24 kHz). */
    public int hopLength() {
        int h = 1;
        for (int r : decoderRates) {
            h *= r;
        }
        return h;
    }

    /** Latent steps per frame: the largest quantizer stride (4). */
    public int latentStepsPerFrame() {
        return vqStrides.get(0);
    }

    /** Output samples per frame (one level-0 code): 2048 for 24 kHz. */
    public int samplesPerFrame() {
        return hopLength() * latentStepsPerFrame();
    }

    /** Number of decoder blocks (up-sampling stages). */
    public int blocks() {
        return decoderRates.size();
    }

    /** Input channels of decoder block {@code i}. */
    public int blockInChannels(int i) {
        return decoderDim >> i;
    }

    /** Output channels of decoder block {@code i}. */
    public int blockOutChannels(int i) {
        return decoderDim >> (i + 1);
    }

    /** Index of the first residual unit inside a decoder block ({@code block.3} with noise, {@code block.2} without). */
    int firstResidualIndex() {
        return noise ? 3 : 2;
    }

    /**
     * Look-ahead of the exact streaming decoder in output samples: how far the last final sample trails the
     * end of the received frames. It is the sum of every layer's right half-width expressed at the output rate:
     * {@code 3} latent steps for {@code decoder.model.0}, then per block {@code ceil(r/2)} for the transposed
     * convolution plus {@code 3*(1+3+9)} for the residual units, and {@code 3} for the final convolution.
     * 4757 samples (2.32 frames, 198 ms) for snac_24khz.
     */
    public int lookaheadSamples() {
        long rateAfter = hopLength(); // samples per step at the current rate
        long l = 3L * rateAfter;
        for (int r : decoderRates) {
            rateAfter /= r;
            l += ((r + 1) / 2 + 3L * (1 + 3 + 9)) * rateAfter;
        }
        return (int) (l + 3);
    }

    /**
     * Every tensor a full SNAC checkpoint of this config holds (encoder, quantizer, decoder), with its shape, in
     * the {@code parametrizations.weight.original0/1} naming. Weight-normalised layers appear as their
     * {@code .bias} (where present), {@code .parametrizations.weight.original0} (g) and {@code ...original1} (v).
     */
    public Map<String, long[]> expectedTensors() {
        Map<String, long[]> m = new LinkedHashMap<>();
        int d = encoderDim;
        wnConv(m, "encoder.block.0", d, 1, 7, true);
        for (int i = 0; i < encoderRates.size(); i++) {
            String b = "encoder.block." + (i + 1);
            for (int u = 0; u < 3; u++) {
                residualUnit(m, b + ".block." + u, d);
            }
            snake(m, b + ".block.3", d);
            int stride = encoderRates.get(i);
            wnConv(m, b + ".block.4", 2 * d, d, 2 * stride, true);
            d *= 2;
        }
        wnConv(m, "encoder.block." + (encoderRates.size() + 1), latentDim, depthwise ? 1 : d, 7, true);
        for (int q = 0; q < vqStrides.size(); q++) {
            String p = "quantizer.quantizers." + q;
            wnConv(m, p + ".in_proj", codebookDim, latentDim, 1, true);
            wnConv(m, p + ".out_proj", latentDim, codebookDim, 1, true);
            m.put(p + ".codebook.weight", new long[] {codebookSize, codebookDim});
        }
        decoderTensors(m);
        return m;
    }

    /** The tensors decoding needs: codebooks, out_proj and the decoder (142 for 24 kHz), same naming. */
    public Map<String, long[]> decoderPathTensors() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int q = 0; q < vqStrides.size(); q++) {
            String p = "quantizer.quantizers." + q;
            wnConv(m, p + ".out_proj", latentDim, codebookDim, 1, true);
            m.put(p + ".codebook.weight", new long[] {codebookSize, codebookDim});
        }
        decoderTensors(m);
        return m;
    }

    private void decoderTensors(Map<String, long[]> m) {
        wnConv(m, "decoder.model.0", latentDim, 1, 7, true);
        wnConv(m, "decoder.model.1", decoderDim, latentDim, 1, true);
        for (int i = 0; i < blocks(); i++) {
            String b = "decoder.model." + (i + 2);
            int ci = blockInChannels(i);
            int co = blockOutChannels(i);
            int r = decoderRates.get(i);
            snake(m, b + ".block.0", ci);
            // ConvTranspose1d stores v as [Cin, Cout, K] and normalises along Cin
            m.put(b + ".block.1.bias", new long[] {co});
            m.put(b + ".block.1.parametrizations.weight.original0", new long[] {ci, 1, 1});
            m.put(b + ".block.1.parametrizations.weight.original1", new long[] {ci, co, 2L * r});
            if (noise) {
                wnConv(m, b + ".block.2.linear", co, co, 1, false);
            }
            for (int u = 0; u < 3; u++) {
                residualUnit(m, b + ".block." + (firstResidualIndex() + u), co);
            }
        }
        int last = blockOutChannels(blocks() - 1);
        snake(m, "decoder.model." + (blocks() + 2), last);
        wnConv(m, "decoder.model." + (blocks() + 3), 1, last, 7, true);
    }

    private void residualUnit(Map<String, long[]> m, String p, int c) {
        snake(m, p + ".block.0", c);
        wnConv(m, p + ".block.1", c, depthwise ? 1 : c, 7, true);
        snake(m, p + ".block.2", c);
        wnConv(m, p + ".block.3", c, c, 1, true);
    }

    private static void snake(Map<String, long[]> m, String p, int c) {
        m.put(p + ".alpha", new long[] {1, c, 1});
    }

    private static void wnConv(Map<String, long[]> m, String p, int out, int inPerGroup, int k, boolean bias) {
        if (bias) {
            m.put(p + ".bias", new long[] {out});
        }
        m.put(p + ".parametrizations.weight.original0", new long[] {out, 1, 1});
        m.put(p + ".parametrizations.weight.original1", new long[] {out, inPerGroup, k});
    }
}
