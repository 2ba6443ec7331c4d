package ai.maya1.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.testing.Golden;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigShapesTest {
    @Test
    void theRealMaya1ConfigImpliesExactlyTheRealTensorList() {
        Path f = Golden.golden("llama/real_config_shapes.json");
        JsonNode real = ModelJson.read(f);
        Map<String, long[]> expected = ConfigShapes.llama(real.get("config"), f);
        List<String> names = new ArrayList<>();
        for (JsonNode t : real.get("tensors")) {
            names.add(t.get("name").asText());
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            assertArrayEquals(shape, expected.get(t.get("name").asText()), t.get("name").asText());
        }
        assertEquals(names, List.copyOf(expected.keySet()));
        assertEquals(254, expected.size());
    }

    @Test
    void goldenModelMatchesItsConfigAndAMismatchIsNamed() {
        Path cfg = Golden.golden("llama/config.json");
        JsonNode c = ModelJson.read(cfg);
        try (SafetensorsFile m = SafetensorsFile.open(Golden.golden("llama/model.safetensors"))) {
            ConfigShapes.check(m, ConfigShapes.llama(c, cfg), cfg);
            ObjectNode wrong = c.deepCopy();
            wrong.put("num_key_value_heads", 4);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigShapes.check(m, ConfigShapes.llama(wrong, cfg), cfg));
            assertEquals("model.layers.0.self_attn.k_proj.weight", e.item());
            ObjectNode untied = c.deepCopy();
            untied.remove("tie_word_embeddings");  // transformers' default is false: lm_head.weight is then required
            e = assertThrows(ModelFormatException.class, () -> ConfigShapes.check(m, ConfigShapes.llama(untied, cfg), cfg));
            assertEquals("lm_head.weight", e.item());
            ObjectNode derived = c.deepCopy();
            derived.remove("head_dim");
            ConfigShapes.check(m, ConfigShapes.llama(derived, cfg), cfg);
            ObjectNode fewer = c.deepCopy();
            fewer.put("num_hidden_layers", 1);
            e = assertThrows(ModelFormatException.class, () -> ConfigShapes.check(m, ConfigShapes.llama(fewer, cfg), cfg));
            assertTrue(e.getMessage().contains("unexpected tensor"), e.getMessage());
        }
    }
}
