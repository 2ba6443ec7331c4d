package ai.maya1.acoustic.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.testing.Golden;
import ai.maya1.weights.ConfigShapes;
import ai.maya1.weights.LlamaShape;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.ModelJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile Llama config.json files: every one is refused when it is read, by {@link LlamaConfig#load} (model
 * loading) and, for the size keys, by {@link ConfigShapes#llama} (inspect's tensor check), with a typed error
 * naming the file and the key. Each case is the golden config with one edit.
 */
class HostileLlamaConfigTest {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    static ObjectNode golden() {
        return (ObjectNode) ModelJson.read(Golden.golden("llama/config.json"));
    }

    static Arguments edit(String description, String key, boolean sizeKey, Consumer<ObjectNode> edit) {
        return Arguments.of(description, key, sizeKey, edit);
    }

    static Stream<Arguments> hostileConfigs() {
        return Stream.of(
                edit("zero attention heads", "num_attention_heads", true, c -> c.put("num_attention_heads", 0)),
                edit("hidden_size not divisible by the heads", "hidden_size", true, c -> c.put("hidden_size", 66)),
                edit("key/value heads that do not divide the heads", "num_key_value_heads", true, c -> c.put("num_key_value_heads", 3)),
                edit("more key/value heads than heads", "num_key_value_heads", true, c -> c.put("num_key_value_heads", 8)),
                edit("a negative vocabulary size", "vocab_size", true, c -> c.put("vocab_size", -300)),
                edit("a zero intermediate size", "intermediate_size", true, c -> c.put("intermediate_size", 0)),
                edit("a negative layer count", "num_hidden_layers", true, c -> c.put("num_hidden_layers", -2)),
                edit("an odd head_dim", "head_dim", true, c -> c.put("head_dim", 15)),
                edit("an unknown rope_scaling.rope_type", "rope_scaling.rope_type", false,
                        c -> ((ObjectNode) c.get("rope_scaling")).put("rope_type", "yarn")),
                edit("an unknown legacy rope_scaling.type", "rope_scaling.type", false, c -> {
                    ObjectNode s = (ObjectNode) c.get("rope_scaling");
                    s.remove("rope_type");
                    s.put("type", "dynamic");
                }),
                edit("rope_scaling given as a string", "rope_scaling", false, c -> c.put("rope_scaling", "llama3")),
                edit("a rope_scaling factor given as a string", "rope_scaling.factor", false,
                        c -> ((ObjectNode) c.get("rope_scaling")).put("factor", "32.0")),
                edit("a fractional original_max_position_embeddings", "rope_scaling.original_max_position_embeddings", false,
                        c -> ((ObjectNode) c.get("rope_scaling")).put("original_max_position_embeddings", 8192.5)),
                edit("hidden_size given as a string", "hidden_size", true, c -> c.put("hidden_size", "64")),
                edit("num_attention_heads given as a string", "num_attention_heads", true, c -> c.put("num_attention_heads", "4")),
                edit("rms_norm_eps given as a string", "rms_norm_eps", false, c -> c.put("rms_norm_eps", "1e-05")),
                edit("rope_theta given as a string", "rope_theta", false, c -> c.put("rope_theta", "500000.0")),
                edit("max_position_embeddings given as a string", "max_position_embeddings", true, c -> c.put("max_position_embeddings", "131072")),
                edit("tie_word_embeddings given as a string", "tie_word_embeddings", true, c -> c.put("tie_word_embeddings", "true")),
                edit("a size given as a float", "num_hidden_layers", true, c -> c.put("num_hidden_layers", 2.0)),
                edit("a size given as a boolean", "intermediate_size", true, c -> c.put("intermediate_size", true)),
                edit("a size beyond int", "hidden_size", true, c -> c.put("hidden_size", new BigInteger("99999999999999999999"))),
                edit("a vocabulary of 2^31 - 1", "vocab_size", true, c -> c.put("vocab_size", Integer.MAX_VALUE)),
                edit("heads x head_dim x hidden_size overflowing a matrix", "hidden_size", true, c -> {
                    c.put("hidden_size", 65536);
                    c.put("num_attention_heads", 4096);
                    c.put("num_key_value_heads", 4096);
                    c.put("head_dim", 4096);
                }),
                edit("vocab_size x hidden_size overflowing the embedding", "vocab_size", true, c -> {
                    c.put("hidden_size", 65536);
                    c.put("num_attention_heads", 512);
                    c.put("num_key_value_heads", 512);
                    c.put("head_dim", 8);
                    c.put("vocab_size", 1 << 24);
                }),
                edit("a missing vocab_size", "vocab_size", true, c -> c.remove("vocab_size")),
                edit("a missing hidden_size", "hidden_size", true, c -> c.remove("hidden_size")),
                edit("a null num_hidden_layers", "num_hidden_layers", true, c -> c.putNull("num_hidden_layers")),
                edit("model_type given as a number", "model_type", true, c -> c.put("model_type", 5)),
                edit("another model_type", "model_type", true, c -> c.put("model_type", "mistral")),
                edit("a zero rms_norm_eps", "rms_norm_eps", false, c -> c.put("rms_norm_eps", 0)),
                edit("a negative rope_theta", "rope_theta", false, c -> c.put("rope_theta", -1)),
                edit("attention_bias given as a string", "attention_bias", true, c -> c.put("attention_bias", "false")),
                edit("hidden_act given as a number", "hidden_act", false, c -> c.put("hidden_act", 1)));
    }

    @ParameterizedTest(name = "{0} is refused naming {1}")
    @MethodSource("hostileConfigs")
    void hostileConfigIsRefusedNamingTheFileAndTheKey(String description, String key, boolean sizeKey, Consumer<ObjectNode> edit)
            throws Exception {
        ObjectNode c = golden();
        edit.accept(c);
        Path f = Files.writeString(dir.resolve("config.json"), c.toPrettyString());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaConfig.load(f), description);
        assertEquals(f, e.file(), e.getMessage());
        assertEquals(key, e.item(), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(key), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        if (sizeKey) {
            ModelFormatException s = assertThrows(ModelFormatException.class, () -> ConfigShapes.llama(ModelJson.read(f), f), description);
            assertEquals(key, s.item(), s.getMessage());
        }
    }

    @ParameterizedTest(name = "{0} is refused in a GGUF-style config too")
    @MethodSource("hostileConfigs")
    void parseFromTextNamesTheKeyToo(String description, String key, boolean sizeKey, Consumer<ObjectNode> edit) {
        ObjectNode c = golden();
        edit.accept(c);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaConfig.parse(c.toString(), Path.of("model.gguf")));
        assertEquals(key, e.item(), e.getMessage());
    }

    @Property(tries = 300)
    void anyEditOfOneKeyParsesToAConsistentConfigOrIsRefusedNamingTheKey(@ForAll("keys") String key, @ForAll("values") JsonNode value) {
        ObjectNode c = golden();
        c.set(key, value);
        LlamaConfig parsed;
        try {
            parsed = LlamaConfig.parse(c, Path.of("config.json"));
        } catch (ModelFormatException e) {
            assertTrue(e.item() != null && (e.item().equals(key) || e.item().startsWith(key + ".") || related(key, e.item())), e.getMessage());
            return;
        }
        assertEquals(0, parsed.hiddenSize() % parsed.numHeads());
        assertEquals(0, parsed.numHeads() % parsed.numKvHeads());
        assertEquals(0, parsed.headDim() % 2);
        assertTrue(parsed.parameterCount() > 0);
        assertTrue((long) parsed.vocabSize() * parsed.hiddenSize() <= LlamaShape.MAX_MATRIX_ELEMENTS);
    }

    /** Keys whose edit may be reported at the key it conflicts with (divisibility, products). */
    private static boolean related(String edited, String reported) {
        List<String> sizes = List.of("hidden_size", "num_attention_heads", "num_key_value_heads", "head_dim", "vocab_size", "intermediate_size");
        return sizes.contains(edited) && sizes.contains(reported);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.of("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                "head_dim", "vocab_size", "max_position_embeddings", "rms_norm_eps", "rope_theta", "rope_scaling", "tie_word_embeddings",
                "model_type", "hidden_act", "attention_bias");
    }

    @Provide
    Arbitrary<JsonNode> values() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(-10, 70_000).map(J::numberNode),
                Arbitraries.of(0L, 1L, 2L, 3L, 4L, 8L, 16L, 65_536L, 1L << 24, 1L << 31, Long.MAX_VALUE, Long.MIN_VALUE).map(J::numberNode),
                Arbitraries.doubles().between(-1e6, 1e6).map(J::numberNode),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, 1e-300, 1e300).map(J::numberNode),
                Arbitraries.strings().ofMaxLength(8).map(J::textNode),
                Arbitraries.of(J.booleanNode(true), J.booleanNode(false), J.nullNode(), J.arrayNode(), J.objectNode()));
    }
}
