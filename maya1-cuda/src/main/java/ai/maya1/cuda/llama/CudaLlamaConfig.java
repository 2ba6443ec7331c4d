package ai.maya1.cuda.llama;

import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Hugging Face {@code LlamaConfig} fields the CUDA model needs, including the llama3 rope scaling under
 * {@code rope_scaling} ({@code rope_type} or {@code type}) or {@code rope_parameters}, and the built-in test
 * model hook {@code maya1_test_model}.
 */
public record CudaLlamaConfig(int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads, int headDim, int vocabSize,
                              float rmsNormEps, double ropeTheta, Llama3Scaling scaling, boolean tiedEmbeddings,
                              double testFramesPerPromptToken, int testMinFrames, boolean testModel) {

    /** llama3 frequency scaling; null in {@link CudaLlamaConfig#scaling()} when the config has none. */
    public record Llama3Scaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    }

    public static CudaLlamaConfig load(Path configJson) {
        try {
            return parse(new ObjectMapper().readTree(Files.readString(configJson)), configJson);
        } catch (IOException e) {
            throw new ModelFormatException(configJson, null, -1, "cannot read config: " + e.getMessage());
        }
    }

    public static CudaLlamaConfig parse(JsonNode n, Path src) {
        if (n == null || !n.isObject()) {
            throw new ModelFormatException(src, null, -1, "config is not a JSON object");
        }
        // the full validation of the Java path (JSON types, ranges, divisibility, overflow, RoPE type), naming the key
        ai.maya1.acoustic.llama.LlamaConfig.parse(n, src);
        int hidden = req(n, "hidden_size", src);
        int heads = req(n, "num_attention_heads", src);
        int kv = n.has("num_key_value_heads") ? req(n, "num_key_value_heads", src) : heads;
        int headDim = n.hasNonNull("head_dim") ? req(n, "head_dim", src) : hidden / heads;
        if (heads % kv != 0) {
            throw new ModelFormatException(src, "num_key_value_heads", -1, heads + " heads are not a multiple of " + kv + " KV heads");
        }
        if (headDim % 2 != 0 || headDim > 256) {
            throw new ModelFormatException(src, "head_dim", -1, "head_dim " + headDim + " must be even and <= 256 (CUDA attention kernel)");
        }
        JsonNode rp = n.get("rope_parameters");
        JsonNode rs = n.hasNonNull("rope_scaling") ? n.get("rope_scaling") : rp;
        double theta = n.has("rope_theta") ? n.get("rope_theta").asDouble() : rp != null && rp.has("rope_theta") ? rp.get("rope_theta").asDouble() : 10000.0;
        Llama3Scaling scaling = null;
        if (rs != null && rs.isObject()) {
            String type = rs.has("rope_type") ? rs.get("rope_type").asText() : rs.has("type") ? rs.get("type").asText() : "default";
            if (type.equals("llama3")) {
                scaling = new Llama3Scaling(rs.get("factor").asDouble(), rs.get("low_freq_factor").asDouble(),
                        rs.get("high_freq_factor").asDouble(), rs.get("original_max_position_embeddings").asInt());
            } else if (!type.equals("default")) {
                throw new ModelFormatException(src, "rope_scaling", -1, "rope type '" + type + "' is not supported (default, llama3)");
            }
        }
        JsonNode tm = n.get("maya1_test_model");
        boolean test = tm != null && tm.isObject();
        return new CudaLlamaConfig(hidden, req(n, "intermediate_size", src), req(n, "num_hidden_layers", src), heads, kv, headDim,
                req(n, "vocab_size", src), n.has("rms_norm_eps") ? (float) n.get("rms_norm_eps").asDouble() : 1e-5f, theta, scaling,
                !n.has("tie_word_embeddings") || n.get("tie_word_embeddings").asBoolean(),
                test ? tm.path("frames_per_prompt_token").asDouble(0) : 0, test ? tm.path("min_frames").asInt(0) : 0, test);
    }

    private static int req(JsonNode n, String key, Path src) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new ModelFormatException(src, key, -1, "missing or invalid positive integer");
        }
        return v.asInt();
    }

    /**
     * Inverse RoPE frequencies as Hugging Face computes them in float32 ({@code 1 / theta^(2j/d)}), then the
     * llama3 scaling ({@code _compute_llama3_parameters}).
     */
    public float[] inverseFrequencies() {
        int half = headDim / 2;
        float[] f = new float[half];
        for (int j = 0; j < half; j++) {
            float exponent = (float) (2 * j) / (float) headDim;
            float p = (float) Math.pow((float) ropeTheta, exponent);
            f[j] = 1.0f / p;
        }
        if (scaling == null) {
            return f;
        }
        float factor = (float) scaling.factor();
        float lo = (float) scaling.lowFreqFactor();
        float hi = (float) scaling.highFreqFactor();
        float old = scaling.originalMaxPositions();
        float lowWavelen = old / lo;
        float highWavelen = old / hi;
        for (int j = 0; j < half; j++) {
            float wavelen = (float) (2 * Math.PI) / f[j];
            float v = wavelen > lowWavelen ? f[j] / factor : f[j];
            if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                float smooth = (old / wavelen - lo) / (hi - lo);
                v = (1 - smooth) * v / factor + smooth * v;
            }
            f[j] = v;
        }
        return f;
    }
}
