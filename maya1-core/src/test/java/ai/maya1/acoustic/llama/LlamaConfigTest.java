package ai.maya1.acoustic.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.testing.Golden;
import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import org.junit.jupiter.api.Test;

/** Config spellings, derived fields, and the tensor name/shape check against the real Maya1 / Llama-3.2-3B layout. */
class LlamaConfigTest {
    static final Path SRC = Path.of("config.json");
    static final String BASE = """
            {"hidden_size": 64, "intermediate_size": 192, "num_hidden_layers": 2, "num_attention_heads": 4,
             "num_key_value_heads": 2, "vocab_size": 300, "rms_norm_eps": 1e-5, %s}""";

    @Test
    void goldenConfig() {
        LlamaConfig c = LlamaConfig.load(Golden.golden("llama/config.json"));
        assertEquals(64, c.hiddenSize());
        assertEquals(16, c.headDim());
        assertEquals(2, c.numKvHeads());
        assertTrue(c.tieWordEmbeddings());
        assertEquals("llama3", c.ropeScaling().type());
        assertEquals(32.0, c.ropeScaling().factor());
        assertEquals(8192, c.ropeScaling().originalMaxPositions());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(117_824, c.parameterCount());
        assertNull(c.testModel());
    }

    @Test
    void theThreeRopeSpellingsAgree() {
        String scaling = "\"factor\": 32.0, \"high_freq_factor\": 4.0, \"low_freq_factor\": 1.0, \"original_max_position_embeddings\": 8192";
        LlamaConfig a = LlamaConfig.parse(BASE.formatted("\"rope_theta\": 500000.0, \"rope_scaling\": {\"rope_type\": \"llama3\", " + scaling + "}"), SRC);
        LlamaConfig b = LlamaConfig.parse(BASE.formatted("\"rope_theta\": 500000.0, \"rope_scaling\": {\"type\": \"llama3\", " + scaling + "}"), SRC);
        LlamaConfig c = LlamaConfig.parse(BASE.formatted("\"rope_parameters\": {\"rope_theta\": 500000.0, \"rope_type\": \"llama3\", " + scaling + "}"), SRC);
        assertEquals(a, b);
        assertEquals(a, c);
        LlamaConfig plain = LlamaConfig.parse(BASE.formatted("\"rope_theta\": 10000.0"), SRC);
        assertEquals("default", plain.ropeScaling().type());
    }

    @Test
    void derivedAndDefaultFields() {
        LlamaConfig c = LlamaConfig.parse(BASE.formatted("\"rope_theta\": 10000.0"), SRC);
        assertEquals(16, c.headDim(), "head_dim = hidden_size / num_attention_heads");
        assertFalse(c.tieWordEmbeddings(), "LlamaConfig defaults tie_word_embeddings to false");
        LlamaConfig mha = LlamaConfig.parse("""
                {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 10, "head_dim": 12}""", SRC);
        assertEquals(4, mha.numKvHeads(), "no num_key_value_heads: multi-head attention");
        assertEquals(12, mha.headDim(), "explicit head_dim wins");
    }

    @Test
    void testModelHook() {
        LlamaConfig c = LlamaConfig.parse(BASE.formatted("\"maya1_test_model\": {\"frames_per_prompt_token\": 0.5, \"min_frames\": 3}"), SRC);
        assertEquals(3, c.testModel().targetFrames(2));
        assertEquals(10, c.testModel().targetFrames(20));
        assertThrows(ModelFormatException.class, () -> LlamaConfig.parse(BASE.formatted("\"maya1_test_model\": 1"), SRC));
    }

    @Test
    void badConfigsNameTheField() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaConfig.parse("{\"hidden_size\": 64}", SRC));
        assertTrue(e.getMessage().contains("num_attention_heads"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> LlamaConfig.parse(BASE.formatted("\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 2}"), SRC));
        assertTrue(e.getMessage().contains("yarn"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> LlamaConfig.parse(BASE.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3").formatted("\"a\": 1"), SRC));
        assertTrue(e.getMessage().contains("does not divide"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> LlamaConfig.parse(BASE.formatted("\"hidden_act\": \"gelu\""), SRC));
        assertTrue(e.getMessage().contains("hidden_act"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> LlamaConfig.parse("[1, 2]", SRC));
        assertThrows(ModelFormatException.class, () -> LlamaConfig.parse("{not json", SRC));
    }

    /** A TensorSource of names and shapes only (the check never reads data). */
    record ShapesOnly(Map<String, TensorData> map) implements TensorSource {
        @Override
        public SequencedSet<String> names() {
            return new LinkedHashSet<>(map.keySet());
        }

        @Override
        public Optional<TensorData> find(String name) {
            return Optional.ofNullable(map.get(name));
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public Path path() {
            return Path.of("real_config_shapes.json");
        }

        @Override
        public String formatName() {
            return "shapes";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void realMaya1ShapesMatchTheConfig() throws IOException {
        JsonNode real = new ObjectMapper().readTree(Golden.golden("llama/real_config_shapes.json").toFile());
        LlamaConfig c = LlamaConfig.parse(real.get("config").toString(), SRC);
        assertEquals(128, c.headDim());
        assertEquals(real.get("total_parameters").asLong(), c.parameterCount());
        Map<String, long[]> expected = LlamaTensors.expected(c);
        List<String> names = new ArrayList<>();
        Map<String, TensorData> map = new LinkedHashMap<>();
        for (JsonNode t : real.get("tensors")) {
            names.add(t.get("name").asText());
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            assertTrue(java.util.Arrays.equals(expected.get(t.get("name").asText()), shape), t.get("name").asText());
            map.put(t.get("name").asText(), new TensorData(t.get("name").asText(), DType.BF16, shape, MemorySegment.NULL));
        }
        assertEquals(254, names.size());
        assertEquals(new ArrayList<>(expected.keySet()), names, "names and Hugging Face order");
        LlamaTensors.check(c, new ShapesOnly(map));

        // first mismatch is named
        Map<String, TensorData> wrong = new LinkedHashMap<>(map);
        wrong.put("model.layers.5.self_attn.k_proj.weight", new TensorData("model.layers.5.self_attn.k_proj.weight", DType.BF16,
                new long[] {3072, 3072}, MemorySegment.NULL));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaTensors.check(c, new ShapesOnly(wrong)));
        assertTrue(e.getMessage().contains("model.layers.5.self_attn.k_proj.weight") && e.getMessage().contains("[1024, 3072]"), e.getMessage());
        Map<String, TensorData> missing = new LinkedHashMap<>(map);
        missing.remove("model.layers.27.mlp.down_proj.weight");
        e = assertThrows(ModelFormatException.class, () -> LlamaTensors.check(c, new ShapesOnly(missing)));
        assertTrue(e.getMessage().contains("missing tensor") && e.getMessage().contains("model.layers.27.mlp.down_proj.weight"), e.getMessage());
        // untied checkpoints need lm_head.weight
        LlamaConfig untied = new LlamaConfig(c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(),
                c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.maxPositionEmbeddings(), false, null);
        e = assertThrows(ModelFormatException.class, () -> LlamaTensors.check(untied, new ShapesOnly(map)));
        assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
    }
}
