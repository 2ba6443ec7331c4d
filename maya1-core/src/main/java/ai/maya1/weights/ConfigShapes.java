package ai.maya1.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tensor names and shapes a Hugging Face {@code config.json} implies, checked against a {@link TensorSource}
 * so that a checkpoint that does not belong to its config is refused at open, naming the first mismatch.
 * (Parsing the config for computation belongs to the model layers: {@code LlamaConfig}, {@code SnacConfig}.)
 */
public final class ConfigShapes {
    private ConfigShapes() {
    }

    /**
     * Expected tensors of {@code LlamaForCausalLM} in Hugging Face state_dict order: {@code head_dim} present or
     * {@code hidden_size / num_attention_heads}; {@code num_key_value_heads} defaults to the head count;
     * {@code tie_word_embeddings} defaults to false as in transformers, so an untied config expects
     * {@code lm_head.weight}.
     */
    public static Map<String, long[]> llama(JsonNode config, Path source) {
        LlamaShape s = LlamaShape.read(config, source);
        long hidden = s.hiddenSize();
        long heads = s.numHeads();
        long kv = s.numKvHeads();
        long headDim = s.headDim();
        long ffn = s.intermediateSize();
        long layers = s.numLayers();
        long vocab = s.vocabSize();
        boolean tied = s.tieWordEmbeddings();
        boolean attnBias = s.attentionBias();
        boolean mlpBias = s.mlpBias();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(LlamaTensorNames.EMBED, new long[] {vocab, hidden});
        for (int l = 0; l < layers; l++) { // layers <= 1024 (LlamaShape)
            String p = LlamaTensorNames.layerPrefix(l);
            m.put(p + LlamaTensorNames.Q_PROJ, new long[] {heads * headDim, hidden});
            if (attnBias) {
                m.put(p + "self_attn.q_proj.bias", new long[] {heads * headDim});
            }
            m.put(p + LlamaTensorNames.K_PROJ, new long[] {kv * headDim, hidden});
            if (attnBias) {
                m.put(p + "self_attn.k_proj.bias", new long[] {kv * headDim});
            }
            m.put(p + LlamaTensorNames.V_PROJ, new long[] {kv * headDim, hidden});
            if (attnBias) {
                m.put(p + "self_attn.v_proj.bias", new long[] {kv * headDim});
            }
            m.put(p + LlamaTensorNames.O_PROJ, new long[] {hidden, heads * headDim});
            if (attnBias) {
                m.put(p + "self_attn.o_proj.bias", new long[] {hidden});
            }
            m.put(p + LlamaTensorNames.GATE_PROJ, new long[] {ffn, hidden});
            if (mlpBias) {
                m.put(p + "mlp.gate_proj.bias", new long[] {ffn});
            }
            m.put(p + LlamaTensorNames.UP_PROJ, new long[] {ffn, hidden});
            if (mlpBias) {
                m.put(p + "mlp.up_proj.bias", new long[] {ffn});
            }
            m.put(p + LlamaTensorNames.DOWN_PROJ, new long[] {hidden, ffn});
            if (mlpBias) {
                m.put(p + "mlp.down_proj.bias", new long[] {hidden});
            }
            m.put(p + LlamaTensorNames.ATTN_NORM, new long[] {hidden});
            m.put(p + LlamaTensorNames.MLP_NORM, new long[] {hidden});
        }
        m.put(LlamaTensorNames.NORM, new long[] {hidden});
        if (!tied) {
            m.put(LlamaTensorNames.LM_HEAD, new long[] {vocab, hidden});
        }
        return m;
    }

    /**
     * Every expected tensor must be present with its shape, and nothing else may be (a tied checkpoint may still
     * carry {@code lm_head.weight} of the embedding's shape; rotary {@code inv_freq} buffers are ignored).
     */
    public static void check(TensorSource src, Map<String, long[]> expected, Path config) {
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Optional<long[]> shape = shapeOf(src, e.getKey());
            if (shape.isEmpty()) {
                throw new ModelFormatException(src.path(), e.getKey(), -1, "tensor required by " + config.getFileName() + " is missing");
            }
            if (!Arrays.equals(shape.get(), e.getValue())) {
                throw new ModelFormatException(src.path(), e.getKey(), -1, "shape " + Arrays.toString(shape.get()) + " does not match "
                        + Arrays.toString(e.getValue()) + " implied by " + config.getFileName());
            }
        }
        for (String n : src.names()) {
            if (!expected.containsKey(n) && !n.endsWith("rotary_emb.inv_freq")
                    && !(n.equals(LlamaTensorNames.LM_HEAD) && expected.containsKey(LlamaTensorNames.EMBED)
                    && Arrays.equals(shapeOf(src, n).orElseThrow(), expected.get(LlamaTensorNames.EMBED)))) {
                throw new ModelFormatException(src.path(), n, -1, "unexpected tensor for the model described by " + config.getFileName());
            }
        }
    }

    private static Optional<long[]> shapeOf(TensorSource src, String name) {
        if (src instanceof ai.maya1.weights.gguf.GgufFile g) {
            var info = g.tensorInfos().get(name);
            return info == null ? Optional.empty() : Optional.of(info.shape());
        }
        return src.find(name).map(TensorData::shape);
    }

    /** {@code config.json} in a model folder or beside a weights file. */
    public static Optional<Path> configBeside(Path weightsOrFolder) {
        Path dir = Files.isDirectory(weightsOrFolder) ? weightsOrFolder : weightsOrFolder.toAbsolutePath().getParent();
        Path c = dir == null ? null : dir.resolve("config.json");
        return c != null && Files.isRegularFile(c) ? Optional.of(c) : Optional.empty();
    }
}
