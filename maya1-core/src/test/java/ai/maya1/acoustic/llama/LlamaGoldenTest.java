package ai.maya1.acoustic.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.VecMath;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.testing.Golden;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with the Hugging Face reference on the golden tiny Llama ({@code testdata/golden/llama}): logits of every
 * prompt position and every greedy step within 1e-4 (README's recommendation, ~100x the float32 noise), greedy
 * tokens exact, for F32 and BF16 weights, with 1 and 2 threads.
 */
class LlamaGoldenTest {
    static final float TOL = 1e-4f;
    static JsonNode cases;
    static LlamaConfig config;
    static ComputeExecutor exec2;
    static ComputeExecutor exec1;

    @BeforeAll
    static void setUp() throws IOException {
        cases = new ObjectMapper().readTree(Golden.golden("llama/cases.json").toFile());
        config = LlamaConfig.load(Golden.golden("llama/config.json"));
        exec2 = new ComputeExecutor(2, "test-lm");
        exec1 = new ComputeExecutor(1, "test-lm1");
    }

    @AfterAll
    static void tearDown() {
        exec2.close();
        exec1.close();
    }

    static Stream<Arguments> runs() {
        return Stream.of("len1", "len7", "len23").flatMap(c -> Stream.of(
                Arguments.of(c, "f32", 2), Arguments.of(c, "bf16", 2), Arguments.of(c, "f32", 1)));
    }

    static JsonNode caseNode(String name) {
        for (JsonNode c : cases.get("cases")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }

    static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asInt();
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} threads={2}")
    @MethodSource("runs")
    void logitsAndGreedyMatchTheReference(String caseName, String weights, int threads) {
        JsonNode c = caseNode(caseName);
        JsonNode exp = c.get("expected").get(weights);
        int[] prompt = ints(c.get("prompt_ids"));
        int vocab = config.vocabSize();
        ComputeExecutor exec = threads == 1 ? exec1 : exec2;
        Path file = Golden.golden("llama/" + exp.get("weights_file").asText());
        try (SafetensorsFile src = SafetensorsFile.open(file)) {
            LlamaModel model = LlamaModel.load(config, src, WeightFormat.AS_STORED);
            assertEquals(weights.equals("f32") ? "F32" : "BF16", model.weightFormatName());
            KvCache cache = model.newCache(64, KvCache.Precision.F32);
            float[] hidden = model.forward(exec, cache, prompt, null);
            float[] logits = model.logits(exec, hidden, prompt.length);
            float[] expAll = Golden.readF32(Golden.golden("llama/" + exp.get("all_position_logits").get("file").asText()));
            assertEquals(expAll.length, logits.length);
            assertClose(expAll, logits, TOL, caseName + " " + weights + " prompt logits");
            int[] expArgmax = ints(exp.get("all_position_argmax"));
            for (int t = 0; t < prompt.length; t++) {
                assertEquals(expArgmax[t], VecMath.argmax(logits, t * vocab, vocab), "argmax at position " + t);
            }
            // greedy with the KV cache: row 0 = prefill's last position, row i = after feeding token i
            float[] expSteps = Golden.readF32(Golden.golden("llama/" + exp.get("greedy_step_logits").get("file").asText()));
            int[] expTokens = ints(exp.get("greedy_continuation"));
            int n = expTokens.length;
            int[] got = new int[n];
            float[] step = java.util.Arrays.copyOfRange(logits, (prompt.length - 1) * vocab, prompt.length * vocab);
            for (int i = 0; i < n; i++) {
                assertClose(java.util.Arrays.copyOfRange(expSteps, i * vocab, (i + 1) * vocab), step, TOL,
                        caseName + " " + weights + " greedy step " + i);
                got[i] = VecMath.argmax(step, 0, vocab);
                if (i + 1 < n) {
                    float[] h = model.forward(exec, cache, new int[] {got[i]}, null);
                    step = model.logitsAt(exec, h, 0);
                }
            }
            assertArrayEquals(expTokens, got, caseName + " " + weights + " greedy continuation");
            assertEquals(prompt.length + n - 1, cache.length());
        }
    }

    @Test
    void bf16KvCacheKeepsGreedyTokens() {
        JsonNode c = caseNode("len23");
        JsonNode exp = c.get("expected").get("f32");
        try (SafetensorsFile src = SafetensorsFile.open(Golden.golden("llama/model.safetensors"))) {
            LlamaModel model = LlamaModel.load(config, src, WeightFormat.AS_STORED);
            KvCache cache = model.newCache(64, KvCache.Precision.BF16);
            int[] expTokens = ints(exp.get("greedy_continuation"));
            float[] h = model.forward(exec2, cache, ints(c.get("prompt_ids")), null);
            float[] step = model.logitsAt(exec2, h, ints(c.get("prompt_ids")).length - 1);
            for (int i = 0; i < expTokens.length; i++) {
                int tok = VecMath.argmax(step, 0, config.vocabSize());
                assertEquals(expTokens[i], tok, "BF16 KV cache, greedy step " + i);
                step = model.logitsAt(exec2, model.forward(exec2, cache, new int[] {tok}, null), 0);
            }
            assertEquals(KvCache.bytesPerPosition(config, KvCache.Precision.BF16) * 64, cache.bytes());
        }
    }

    @Test
    void intermediatesMatchStageByStage() {
        JsonNode meta = cases.get("intermediates");
        int[] prompt = ints(caseNode("len7").get("prompt_ids"));
        int decodeToken = meta.get("decode1_input_token").asInt();
        Map<String, float[]> got = new HashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        try (SafetensorsFile src = SafetensorsFile.open(Golden.golden("llama/model.safetensors"));
             SafetensorsFile ref = SafetensorsFile.open(Golden.golden("llama/" + meta.get("file").asText()))) {
            LlamaModel model = LlamaModel.load(config, src, WeightFormat.AS_STORED);
            KvCache cache = model.newCache(16, KvCache.Precision.F32);
            float[] h = model.forward(exec2, cache, prompt, (name, data, shape) -> {
                got.put("prefill." + name, data);
                shapes.put("prefill." + name, shape);
            });
            got.put("prefill.logits", model.logits(exec2, h, prompt.length));
            float[] h2 = model.forward(exec2, cache, new int[] {decodeToken}, (name, data, shape) -> {
                got.put("decode1." + name, data);
                shapes.put("decode1." + name, shape);
            });
            got.put("decode1.logits", model.logits(exec2, h2, 1));
            for (int l = 0; l < config.numLayers(); l++) {
                got.put("decode1.layers." + l + ".kv_cache_keys_after_step", toHeadMajor(cache.snapshot(l, true), 8, config.numKvHeads(), 16));
                got.put("decode1.layers." + l + ".kv_cache_values_after_step", toHeadMajor(cache.snapshot(l, false), 8, config.numKvHeads(), 16));
            }
            int compared = 0;
            for (String name : ref.names()) {
                TensorData td = ref.get(name);
                float[] expected = td.toFloatArray();
                float[] actual = got.get(name);
                if (actual == null && name.endsWith("rope.cos") || name.endsWith("rope.sin")) {
                    continue; // checked against rope.json in RopeTest
                }
                assertTrue(actual != null, "no activation recorded for " + name);
                if (name.endsWith("q_rope") || name.endsWith("k_rope")) {
                    long[] s = td.shape(); // [heads, T, d]
                    actual = toHeadMajor(actual, (int) s[1], (int) s[0], (int) s[2]);
                }
                assertEquals(expected.length, actual.length, name);
                assertClose(expected, actual, 2e-5f, name);
                compared++;
            }
            assertTrue(compared >= 70, "compared " + compared);
        }
    }

    /** [T, heads*d] to [heads, T, d]. */
    static float[] toHeadMajor(float[] x, int t, int heads, int d) {
        float[] out = new float[x.length];
        for (int i = 0; i < t; i++) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(x, i * heads * d + h * d, out, (h * t + i) * d, d);
            }
        }
        return out;
    }

    static void assertClose(float[] expected, float[] actual, float tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        float worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            float d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        float w = worst;
        int a = at;
        assertTrue(worst <= tol, () -> what + ": max |diff| " + w + " at " + a + " (expected " + expected[a] + ", got " + actual[a] + ")");
    }
}
