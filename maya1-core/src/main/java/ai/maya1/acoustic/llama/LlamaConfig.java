package ai.maya1.acoustic.llama;

import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Hugging Face {@code LlamaConfig} fields that define the forward pass.
 *
 * <p>Accepts the three spellings of the RoPE settings: {@code rope_scaling} with {@code rope_type}, the older
 * {@code rope_scaling} with {@code type}, and the newer {@code rope_parameters} block (which also carries
 * {@code rope_theta}). {@code head_dim} defaults to {@code hidden_size / num_attention_heads};
 * {@code tie_word_embeddings} defaults to false as in {@code LlamaConfig}.
 *
 * @param hiddenSize            D
 * @param intermediateSize      MLP width
 * @param numLayers             decoder layers
 * @param numHeads              query heads H
 * @param numKvHeads            key/value heads (GQA); H must be a multiple
 * @param headDim               d (even)
 * @param vocabSize             output vocabulary
 * @param rmsNormEps            RMSNorm epsilon (inside the square root)
 * @param ropeTheta             RoPE base
 * @param ropeScaling           frequency scaling, {@link RopeScaling#NONE} for plain RoPE
 * @param maxPositionEmbeddings trained context (only an upper bound here; the KV cache is sized separately)
 * @param tieWordEmbeddings     true when the output head is the embedding matrix
 * @param testModel             the built-in test-model hook, or null
 */
public record LlamaConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads, int headDim,
                          int vocabSize, float rmsNormEps, double ropeTheta, RopeScaling ropeScaling, int maxPositionEmbeddings,
                          boolean tieWordEmbeddings, TestModelHook testModel) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public LlamaConfig {
        if (hiddenSize <= 0 || intermediateSize <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0 || headDim <= 0
                || vocabSize <= 0) {
            throw new IllegalArgumentException("config sizes must be positive");
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " must be even for rotate-half RoPE");
        }
        if (ropeScaling == null) {
            ropeScaling = RopeScaling.NONE;
        }
    }

    /**
     * RoPE frequency scaling.
     *
     * @param type                  "default" (none), "llama3" or "linear"
     * @param factor                scaling factor
     * @param lowFreqFactor         llama3 low_freq_factor
     * @param highFreqFactor        llama3 high_freq_factor
     * @param originalMaxPositions  llama3 original_max_position_embeddings
     */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        public static final RopeScaling NONE = new RopeScaling("default", 1, 1, 1, 0);
    }

    /**
     * The built-in test model's hook ({@code "maya1_test_model"} in config.json): once the generated frames reach
     * {@code max(minFrames, round(framesPerPromptToken * promptTokens))}, CODE_END is forced at the next frame
     * boundary, so random weights still give finite, text-length-dependent utterances.
     */
    public record TestModelHook(double framesPerPromptToken, int minFrames) {
        public int targetFrames(int promptTokens) {
            return Math.max(minFrames, (int) Math.round(framesPerPromptToken * promptTokens));
        }
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    public int qDim() {
        return numHeads * headDim;
    }

    /** Parameters of a checkpoint with this config (head counted once when tied). */
    public long parameterCount() {
        long d = hiddenSize;
        long perLayer = d * qDim() + 2 * d * kvDim() + (long) qDim() * d + 3 * d * intermediateSize + 2 * d;
        long embed = (long) vocabSize * d;
        return embed + numLayers * perLayer + d + (tieWordEmbeddings ? 0 : embed);
    }

    public static LlamaConfig load(Path configJson) {
        String text;
        try {
            text = Files.readString(configJson);
        } catch (IOException e) {
            throw new ModelFormatException(configJson, null, -1, "cannot read config: " + e.getMessage(), e);
        }
        return parse(text, configJson);
    }

    public static LlamaConfig parse(String json, Path source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new ModelFormatException(source, null, -1, "config is not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(source, "config is not a JSON object");
        }
        String modelType = root.path("model_type").asText("llama");
        if (!modelType.equals("llama")) {
            throw new ModelFormatException(source, "model_type", -1, "unsupported model_type '" + modelType + "' (expected llama)");
        }
        String act = root.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new ModelFormatException(source, "hidden_act", -1, "unsupported hidden_act '" + act + "' (expected silu)");
        }
        for (String b : new String[] {"attention_bias", "mlp_bias"}) {
            if (root.path(b).asBoolean(false)) {
                throw new ModelFormatException(source, b, -1, b + "=true is not supported (Llama 3 has no biases)");
            }
        }
        int hidden = requiredInt(root, "hidden_size", source);
        int heads = requiredInt(root, "num_attention_heads", source);
        int kvHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
                ? requiredInt(root, "num_key_value_heads", source) : heads;
        int headDim;
        if (root.hasNonNull("head_dim")) {
            headDim = requiredInt(root, "head_dim", source);
        } else {
            if (hidden % heads != 0) {
                throw new ModelFormatException(source, "head_dim", -1, "no head_dim and hidden_size " + hidden
                        + " is not divisible by num_attention_heads " + heads);
            }
            headDim = hidden / heads;
        }
        JsonNode ropeParams = root.get("rope_parameters");
        double theta = root.hasNonNull("rope_theta") ? root.get("rope_theta").asDouble()
                : ropeParams != null && ropeParams.hasNonNull("rope_theta") ? ropeParams.get("rope_theta").asDouble() : 10000.0;
        JsonNode scalingNode = root.hasNonNull("rope_scaling") ? root.get("rope_scaling") : ropeParams;
        RopeScaling scaling = parseScaling(scalingNode, source);
        TestModelHook hook = null;
        JsonNode tm = root.get("maya1_test_model");
        if (tm != null && !tm.isNull()) {
            if (!tm.isObject() || !tm.path("frames_per_prompt_token").isNumber() || !tm.path("min_frames").canConvertToInt()) {
                throw new ModelFormatException(source, "maya1_test_model", -1,
                        "maya1_test_model must be {\"frames_per_prompt_token\": <number>, \"min_frames\": <int>}");
            }
            double fpt = tm.get("frames_per_prompt_token").asDouble();
            int minFrames = tm.get("min_frames").asInt();
            if (!(fpt >= 0) || Double.isInfinite(fpt) || minFrames < 0) {
                throw new ModelFormatException(source, "maya1_test_model", -1, "frames_per_prompt_token and min_frames must be >= 0");
            }
            hook = new TestModelHook(fpt, minFrames);
        }
        try {
            return new LlamaConfig(hidden, requiredInt(root, "intermediate_size", source), requiredInt(root, "num_hidden_layers", source),
                    heads, kvHeads, headDim, requiredInt(root, "vocab_size", source),
                    (float) root.path("rms_norm_eps").asDouble(1e-6), theta, scaling,
                    root.path("max_position_embeddings").asInt(2048), root.path("tie_word_embeddings").asBoolean(false), hook);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source, null, -1, "invalid config: " + e.getMessage());
        }
    }

    private static RopeScaling parseScaling(JsonNode n, Path source) {
        if (n == null || n.isNull()) {
            return RopeScaling.NONE;
        }
        if (!n.isObject()) {
            throw new ModelFormatException(source, "rope_scaling", -1, "rope_scaling must be an object");
        }
        String type = n.hasNonNull("rope_type") ? n.get("rope_type").asText() : n.path("type").asText("default");
        return switch (type) {
            case "default" -> RopeScaling.NONE;
            case "linear" -> new RopeScaling("linear", positive(n, "factor", source), 1, 1, 0);
            case "llama3" -> {
                double factor = positive(n, "factor", source);
                double lo = positive(n, "low_freq_factor", source);
                double hi = positive(n, "high_freq_factor", source);
                if (!(hi > lo)) {
                    throw new ModelFormatException(source, "rope_scaling.high_freq_factor", -1,
                            "high_freq_factor " + hi + " must exceed low_freq_factor " + lo);
                }
                yield new RopeScaling("llama3", factor, lo, hi, (int) positive(n, "original_max_position_embeddings", source));
            }
            default -> throw new ModelFormatException(source, "rope_scaling", -1, "unsupported RoPE scaling type '" + type
                    + "' (supported: default, linear, llama3)");
        };
    }

    private static double positive(JsonNode n, String key, Path source) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0)) {
            throw new ModelFormatException(source, "rope_scaling." + key, -1, "missing or non-positive " + key);
        }
        return v.asDouble();
    }

    private static int requiredInt(JsonNode root, String key, Path source) {
        JsonNode v = root.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            throw new ModelFormatException(source, key, -1, "missing or invalid " + key + " (a positive integer is required)");
        }
        return v.asInt();
    }
}
