package ai.maya1.cuda.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.cuda.Cuda;
import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.GoldenData;
import ai.maya1.cuda.RequiresGpu;
import ai.maya1.cuda.harness.RandomLlamaSource;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.weights.SafetensorsFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GPU parity of the Llama kernels with the golden tiny model: the float32 GEMV path within 1e-4 with identical
 * greedy tokens; the tensor-core (BF16 activations) path and the BF16 KV cache with identical greedy tokens and
 * logits within 5e-2. Skips without a GPU.
 */
@RequiresGpu
@ResourceLock("system-properties")
class CudaLlamaParityTest {
    static CudaDevice device;

    @BeforeAll
    static void open() {
        device = Cuda.openDevice();
    }

    @AfterAll
    static void close() {
        if (device != null) {
            device.close();
        }
    }

    static CudaLlamaModel load(String weights, String format, boolean tensorCores, boolean kvBf16) {
        System.setProperty("maya1.cuda.tensorCores", Boolean.toString(tensorCores));
        try (SafetensorsFile f = SafetensorsFile.open(GoldenData.golden("llama/" + weights))) {
            return CudaLlamaModel.load(device, f, CudaLlamaConfig.load(GoldenData.golden("llama/config.json")), format, 64, 0, kvBf16);
        } finally {
            System.clearProperty("maya1.cuda.tensorCores");
        }
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    @ParameterizedTest(name = "{0} {1} tensorCores={2} kvBf16={3}")
    @CsvSource({
            "f32, as-stored, false, false, 1e-4",
            "bf16, as-stored, false, false, 1e-4",
            "bf16, as-stored, true, false, 5e-2",
            "bf16, as-stored, false, true, 5e-2",
            "f32, bf16, true, true, 5e-2"})
    void logitsAndGreedyTokensMatchGolden(String kind, String format, boolean tensorCores, boolean kvBf16, float tol) {
        String weights = kind.equals("f32") ? "model.safetensors" : "model-bf16.safetensors";
        try (CudaLlamaModel m = load(weights, format, tensorCores, kvBf16)) {
            for (JsonNode c : GoldenData.json("llama/cases.json").get("cases")) {
                String name = c.get("name").asText();
                int[] prompt = ints(c.get("prompt_ids"));
                JsonNode exp = c.get("expected").get(kind);
                float[] all = GoldenData.f32("llama/" + name + "_" + kind + "_all_position_logits.f32");
                float[][] got = m.allPositionLogits(prompt);
                float err = 0;
                for (int t = 0; t < prompt.length; t++) {
                    for (int v = 0; v < 300; v++) {
                        err = Math.max(err, Math.abs(got[t][v] - all[t * 300 + v]));
                    }
                }
                assertTrue(err <= tol, name + " prefill logits: max |error| " + err);
                float[][] step = new float[16][300];
                int[] tokens = m.greedy(prompt, 16, step);
                assertArrayEquals(ints(exp.get("greedy_continuation")), tokens, name + " greedy tokens");
                float[] want = GoldenData.f32("llama/" + name + "_" + kind + "_greedy_step_logits.f32");
                float se = 0;
                for (int i = 0; i < 16; i++) {
                    for (int v = 0; v < 300; v++) {
                        se = Math.max(se, Math.abs(step[i][v] - want[i * 300 + v]));
                    }
                }
                assertTrue(se <= tol, name + " greedy step logits: max |error| " + se);
            }
        }
    }

    @Test
    void q8WeightsStayCloseAndCloseTwiceIsSafe() {
        CudaLlamaModel m = load("model.safetensors", "q8_0", true, false);
        try {
            int[] prompt = ints(GoldenData.json("llama/cases.json").get("cases").get(2).get("prompt_ids"));
            float[][] got = m.allPositionLogits(prompt);
            float[] want = GoldenData.f32("llama/len23_f32_all_position_logits.f32");
            float err = 0;
            for (int t = 0; t < prompt.length; t++) {
                for (int v = 0; v < 300; v++) {
                    err = Math.max(err, Math.abs(got[t][v] - want[t * 300 + v]));
                }
            }
            assertTrue(err < 0.25f, "Q8_0 logits drift " + err);
            assertEquals("Q8_0", m.info().weightFormat());
        } finally {
            m.close();
            m.close();
        }
    }

    /** Constrained generation on a random model with Maya1's vocabulary: valid frames, seeded determinism, test-model end. */
    @Test
    void constrainedGenerationDeliversValidFramesDeterministically() throws Exception {
        String json = """
                {"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,
                 "head_dim":16,"vocab_size":156960,"rms_norm_eps":1e-5,"rope_theta":500000.0,"tie_word_embeddings":true,
                 "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}""";
        CudaLlamaConfig cfg = CudaLlamaConfig.parse(new ObjectMapper().readTree(json), null);
        int[] prompt = {128000, 128259, 1000, 2000, 3000, 128260, 128261, 128257};
        try (RandomLlamaSource src = new RandomLlamaSource(cfg, 3); CudaLlamaModel m = CudaLlamaModel.load(device, src, cfg, "as-stored", 512, 0, false)) {
            List<SnacFrame> a = new ArrayList<>();
            GenerationResult r = m.generate(prompt, GenerationOptions.maya1Defaults(9, 70), (f, i) -> a.add(f));
            assertEquals(FinishReason.MAX_TOKENS, r.finishReason(), String.valueOf(r.error()));
            assertEquals(10, r.frames());
            assertEquals(10, a.size());
            List<SnacFrame> b = new ArrayList<>();
            m.generate(prompt, GenerationOptions.maya1Defaults(9, 70), (f, i) -> b.add(f));
            assertEquals(a, b, "same seed, same frames");
            List<SnacFrame> g = new ArrayList<>();
            GenerationResult cancelled = m.generate(prompt, new GenerationOptions(SamplingParams.GREEDY, 1, 70, 28, true, Long.MAX_VALUE),
                    (f, i) -> g.add(f) && i < 2);
            assertEquals(FinishReason.CANCELLED, cancelled.finishReason());
            assertEquals(3, g.size());
        }
        String test = json.replace("\"tie_word_embeddings\":true", "\"tie_word_embeddings\":true,\"maya1_test_model\":{\"frames_per_prompt_token\":0.0,\"min_frames\":2}");
        CudaLlamaConfig tcfg = CudaLlamaConfig.parse(new ObjectMapper().readTree(test), null);
        try (RandomLlamaSource src = new RandomLlamaSource(tcfg, 3); CudaLlamaModel m = CudaLlamaModel.load(device, src, tcfg, "as-stored", 512, 0, false)) {
            assertTrue(m.info().testModel());
            GenerationResult r = m.generate(prompt, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 4, 200, 0, true, Long.MAX_VALUE), (f, i) -> true);
            assertEquals(FinishReason.END_OF_SPEECH, r.finishReason(), String.valueOf(r.error()));
            assertEquals(2, r.frames());
            assertEquals(15, r.generatedTokens());
        }
    }
}
