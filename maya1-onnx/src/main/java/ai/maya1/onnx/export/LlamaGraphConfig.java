package ai.maya1.onnx.export;

import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The Llama hyper-parameters the decoder graph needs, from a Hugging Face {@code config.json}. Accepts
 * {@code rope_scaling} with {@code rope_type} or {@code type}, and a {@code rope_parameters} block.
 */
public record LlamaGraphConfig(int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads, int headDim, int vocabSize,
                               float rmsNormEps, double ropeTheta, boolean llama3Scaling, double ropeFactor, double lowFreqFactor,
                               double highFreqFactor, double originalContext, boolean tiedEmbeddings, int maxPositions) {

    public static LlamaGraphConfig load(Path configJson) {
        try {
            return parse(new ObjectMapper().readTree(configJson.toFile()), configJson);
        } catch (IOException e) {
            throw new ModelFormatException(configJson, "cannot read Llama config: " + e.getMessage());
        }
    }

    public static LlamaGraphConfig parse(JsonNode n, Path source) {
        if (n == null || !n.isObject()) {
            throw new ModelFormatException(source, "config is not a JSON object");
        }
        int hidden = req(source, n, "hidden_size");
        int heads = req(source, n, "num_attention_heads");
        int kv = n.path("num_key_value_heads").asInt(heads);
        int headDim = n.hasNonNull("head_dim") ? n.get("head_dim").asInt() : hidden / Math.max(1, heads);
        JsonNode rope = n.hasNonNull("rope_scaling") ? n.get("rope_scaling") : n.path("rope_parameters");
        double theta = n.hasNonNull("rope_theta") ? n.get("rope_theta").asDouble() : rope.path("rope_theta").asDouble(10000.0);
        String type = rope.path("rope_type").asText(rope.path("type").asText("default"));
        boolean llama3 = "llama3".equals(type);
        if (!llama3 && !"default".equals(type)) {
            throw new ModelFormatException(source, "rope_scaling", -1, "unsupported rope type '" + type + "' (default, llama3)");
        }
        var c = new LlamaGraphConfig(hidden, req(source, n, "intermediate_size"), req(source, n, "num_hidden_layers"), heads, kv, headDim,
                req(source, n, "vocab_size"), (float) n.path("rms_norm_eps").asDouble(1e-5), theta, llama3, rope.path("factor").asDouble(8),
                rope.path("low_freq_factor").asDouble(1), rope.path("high_freq_factor").asDouble(4),
                rope.path("original_max_position_embeddings").asDouble(8192), n.path("tie_word_embeddings").asBoolean(false),
                n.path("max_position_embeddings").asInt(131072));
        if (heads <= 0 || kv <= 0 || heads % kv != 0 || headDim <= 0 || headDim % 2 != 0 || hidden <= 0 || c.layers <= 0
                || c.layers > 1024 || c.vocabSize <= 0) {
            throw new ModelFormatException(source, "implausible Llama dimensions: heads " + heads + ", kv heads " + kv + ", head_dim " + headDim);
        }
        return c;
    }

    private static int req(Path p, JsonNode n, String key) {
        if (!n.path(key).canConvertToInt()) {
            throw new ModelFormatException(p, key, -1, "missing or non-integer key");
        }
        return n.get(key).asInt();
    }

    /** RoPE inverse frequencies (length headDim/2), llama3-scaled if configured, rounded to float32 as HF does. */
    public float[] inverseFrequencies() {
        int half = headDim / 2;
        float[] f = new float[half];
        for (int j = 0; j < half; j++) {
            float exponent = (float) (2 * j) / headDim;
            float inv = (float) (1.0 / Math.pow(ropeTheta, exponent));
            if (llama3Scaling) {
                double lowWavelen = originalContext / lowFreqFactor;
                double highWavelen = originalContext / highFreqFactor;
                double wavelen = 2 * Math.PI / inv;
                if (wavelen < highWavelen) {
                    // unchanged
                } else if (wavelen > lowWavelen) {
                    inv = (float) (inv / ropeFactor);
                } else {
                    double s = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    inv = (float) ((1 - s) * inv / ropeFactor + s * inv);
                }
            }
            f[j] = inv;
        }
        return f;
    }
}
