package ai.maya1.acoustic.llama;

import ai.maya1.weights.ConfigFields;
import ai.maya1.weights.LlamaShape;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.ModelJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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

    /** Largest config.json read (real ones are ~1 KB). */
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    /**
     * Reads and fully validates {@code configJson} (strict JSON: duplicate keys and trailing content are errors);
     * every problem is a {@link ModelFormatException} naming the file and the key.
     */
    public static LlamaConfig load(Path configJson) {
        return parse(ModelJson.read(configJson, MAX_CONFIG_BYTES), configJson);
    }

    /** Parses and validates config JSON text; {@code source} only names the file in errors (may be null). */
    public static LlamaConfig parse(String json, Path source) {
        JsonNode root;
        try {
            root = ModelJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new ModelFormatException(source, null, -1, "config is not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        return parse(root, source);
    }

    /**
     * Validates a parsed config: the sizes through {@link LlamaShape#read} (types, bounds, divisibility, overflow),
     * then what the forward pass interprets (activation, biases, RMSNorm epsilon, RoPE base and scaling, the
     * test-model hook), each with its JSON type checked.
     */
    public static LlamaConfig parse(JsonNode root, Path source) {
        LlamaShape shape = LlamaShape.read(root, source);
        ConfigFields f = ConfigFields.of(root, source);
        String act = f.optionalString("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw f.error("hidden_act", "unsupported hidden_act '" + abbreviate(act) + "' (expected silu)");
        }
        if (shape.attentionBias()) {
            throw f.error("attention_bias", "attention_bias=true is not supported (Llama 3 has no biases)");
        }
        if (shape.mlpBias()) {
            throw f.error("mlp_bias", "mlp_bias=true is not supported (Llama 3 has no biases)");
        }
        double eps = f.optionalPositive("rms_norm_eps", 1e-6, 1.0);
        if (!((float) eps > 0)) {
            throw f.error("rms_norm_eps", "rms_norm_eps " + eps + " is below the smallest float");
        }
        ConfigFields ropeParams = f.object("rope_parameters");
        double theta = f.has("rope_theta") ? f.optionalPositive("rope_theta", 10000.0, MAX_ROPE_THETA)
                : ropeParams != null ? ropeParams.optionalPositive("rope_theta", 10000.0, MAX_ROPE_THETA) : 10000.0;
        ConfigFields scalingFields = f.has("rope_scaling") ? f.object("rope_scaling") : ropeParams;
        RopeScaling scaling = parseScaling(scalingFields);
        TestModelHook hook = null;
        ConfigFields tm = f.object("maya1_test_model");
        if (tm != null) {
            double fpt = tm.requiredNumber("frames_per_prompt_token", 0, 1e6);
            int minFrames = tm.requiredInt("min_frames", 0, Integer.MAX_VALUE);
            hook = new TestModelHook(fpt, minFrames);
        }
        try {
            return new LlamaConfig(shape.hiddenSize(), shape.intermediateSize(), shape.numLayers(), shape.numHeads(), shape.numKvHeads(),
                    shape.headDim(), shape.vocabSize(), (float) eps, theta, scaling, shape.maxPositionEmbeddings(), shape.tieWordEmbeddings(), hook);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source, null, -1, "invalid config: " + e.getMessage());
        }
    }

    /** RoPE bases above this are not meaningful (Llama 3 uses 5e5, long-context models up to ~1e8). */
    private static final double MAX_ROPE_THETA = 1e12;

    private static RopeScaling parseScaling(ConfigFields n) {
        if (n == null) {
            return RopeScaling.NONE;
        }
        String typeKey = n.has("rope_type") ? "rope_type" : "type";
        String type = n.optionalString(typeKey, "default");
        return switch (type) {
            case "default" -> RopeScaling.NONE;
            case "linear" -> new RopeScaling("linear", n.requiredPositive("factor", 1e6), 1, 1, 0);
            case "llama3" -> {
                double factor = n.requiredPositive("factor", 1e6);
                double lo = n.requiredPositive("low_freq_factor", 1e6);
                double hi = n.requiredPositive("high_freq_factor", 1e6);
                if (!(hi > lo)) {
                    throw n.error("high_freq_factor", "high_freq_factor " + hi + " must exceed low_freq_factor " + lo);
                }
                yield new RopeScaling("llama3", factor, lo, hi, n.requiredInt("original_max_position_embeddings", 1, LlamaShape.MAX_POSITIONS));
            }
            default -> throw n.error(typeKey, "unsupported RoPE scaling type '" + abbreviate(type) + "' (supported: default, linear, llama3)");
        };
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 40 ? one.substring(0, 37) + "..." : one;
    }
}
