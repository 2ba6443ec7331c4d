package ai.maya1.onnx.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.onnx.GoldenData;
import ai.maya1.onnx.export.LlamaGraphConfig;
import ai.maya1.onnx.export.LlamaOnnxExporter;
import ai.maya1.onnx.export.OnnxModel;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.weights.SafetensorsFile;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java-exported Llama graph (both layouts) on ORT CPU against the golden tiny-model logits and greedy tokens. */
class OnnxLlamaGoldenTest {
    static final float TOL = 1e-4f;
    @TempDir
    static Path tmp;
    static OnnxLlama kv;
    static OnnxLlama kvBf16;
    static OnnxLlama optimum;
    static JsonNode cases;

    @BeforeAll
    static void export() throws Exception {
        LlamaGraphConfig cfg = LlamaGraphConfig.load(GoldenData.golden("llama/config.json"));
        Path f32 = tmp.resolve("f32/model.onnx");
        Path bf16 = tmp.resolve("bf16/model.onnx");
        Path opt = tmp.resolve("optimum/model.onnx");
        for (Path p : new Path[] {f32, bf16, opt}) {
            Files.createDirectories(p.getParent());
        }
        try (SafetensorsFile w = SafetensorsFile.open(GoldenData.golden("llama/model.safetensors"));
             SafetensorsFile wb = SafetensorsFile.open(GoldenData.golden("llama/model-bf16.safetensors"))) {
            var files = LlamaOnnxExporter.export(cfg, w, f32, new LlamaOnnxExporter.Options(false, OnnxModel.ExternalData.ALWAYS));
            assertEquals(2, files.size(), "external data file written");
            LlamaOnnxExporter.export(cfg, wb, bf16, LlamaOnnxExporter.Options.defaults());
            LlamaOnnxExporter.export(cfg, w, opt, new LlamaOnnxExporter.Options(true, OnnxModel.ExternalData.NEVER));
        }
        OnnxRuntimeConfig ort = OnnxRuntimeConfig.builder().intraOpThreads(1).build();
        kv = OnnxLlama.open(f32, ort, 1);
        kvBf16 = OnnxLlama.open(bf16, ort, 1);
        optimum = OnnxLlama.open(opt, ort, 1);
        cases = GoldenData.json(GoldenData.golden("llama/cases.json")).get("cases");
    }

    @AfterAll
    static void close() {
        kv.close();
        kvBf16.close();
        optimum.close();
        kv.close();
    }

    @Test
    void signaturesAreRecognised() {
        assertEquals(OnnxLlama.Layout.MAYA1_KV, kv.layout());
        assertEquals(OnnxLlama.Layout.OPTIMUM, optimum.layout());
        assertEquals(2, kv.layers());
        assertEquals(2, kv.kvHeads());
        assertEquals(16, kv.headDim());
        assertEquals(300, kv.vocabSize());
    }

    @Test
    void maya1LayoutF32() {
        check(kv, "f32");
    }

    @Test
    void maya1LayoutBf16Weights() {
        check(kvBf16, "bf16");
    }

    @Test
    void optimumLayoutImportPath() {
        check(optimum, "f32");
    }

    @Test
    void contextFullIsReported() {
        try (LlamaSequence s = kv.newSequence(3)) {
            s.forwardAll(new int[] {1, 2});
            s.forward(new int[] {3}, new float[300]);
            assertThrows(KvSequence.ContextFullException.class, () -> s.forward(new int[] {4}, new float[300]));
        }
    }

    /**
     * Block-quantized weights (MatMulNBits). Greedy tokens must match the golden continuation at every step whose
     * golden top-1/top-2 margin exceeds twice the logit error measured at that step (a smaller margin cannot be
     * resolved by any quantizer of that accuracy); logits within the stated bounds.
     */
    @Test
    void matMulNBitsVariants() throws Exception {
        LlamaGraphConfig cfg = LlamaGraphConfig.load(GoldenData.golden("llama/config.json"));
        // {bits, accuracy_level, block, logit bound}
        double[][] variants = {{8, 0, 32, 5e-2}, {8, 0, 16, 5e-2}, {8, 4, 32, 8e-2}, {4, 0, 32, 0.6}};
        for (double[] v : variants) {
            Path p = tmp.resolve("q" + (int) v[0] + "a" + (int) v[1] + "b" + (int) v[2] + "/model.onnx");
            Files.createDirectories(p.getParent());
            try (SafetensorsFile w = SafetensorsFile.open(GoldenData.golden("llama/model.safetensors"))) {
                LlamaOnnxExporter.export(cfg, w, p, new LlamaOnnxExporter.Options(false, OnnxModel.ExternalData.AUTO, (int) v[0], (int) v[2],
                        (int) v[1]));
            }
            try (OnnxLlama q = OnnxLlama.open(p, OnnxRuntimeConfig.cpu(), 1)) {
                float[] stats = checkTokens(q, "f32");
                System.out.printf("MatMulNBits int%d block %d accuracy_level %d: max |logit - golden| = %.4g, greedy flips %d/48"
                        + " (all at margins below 2x the error)%n", (int) v[0], (int) v[2], (int) v[1], stats[0], (int) stats[1]);
                assertTrue(stats[0] > 1e-6, "quantization must change the logits at all");
                assertTrue(stats[0] <= v[3], "logits max abs diff " + stats[0] + " > " + v[3]);
                if (v[0] == 8) {
                    assertTrue(stats[1] <= 2, "int8 greedy flips: " + stats[1]);
                }
            }
        }
    }

    /** Teacher-forced greedy check; returns {worst logit diff, flips}. Fails on a flip at a resolvable margin. */
    static float[] checkTokens(OnnxLlama model, String variant) {
        float worst = 0;
        int flips = 0;
        for (JsonNode c : cases) {
            int[] prompt = toInts(c.get("prompt_ids"));
            JsonNode e = c.get("expected").get(variant);
            float[] steps = GoldenData.f32(GoldenData.golden("llama/" + e.get("greedy_step_logits").get("file").asText()));
            int[] greedy = toInts(e.get("greedy_continuation"));
            try (LlamaSequence s = model.newSequence(64)) {
                float[] last = new float[300];
                s.forward(prompt, last);
                for (int i = 0; i < greedy.length; i++) {
                    float d = GoldenData.maxAbsDiff(last, steps, i * 300);
                    worst = Math.max(worst, d);
                    int got = argmax(last);
                    if (got != greedy[i]) {
                        float[] ref = java.util.Arrays.copyOfRange(steps, i * 300, (i + 1) * 300);
                        float margin = ref[greedy[i]] - ref[got];
                        assertTrue(margin < 2 * d, c.get("name").asText() + " step " + i + ": token " + got + " instead of " + greedy[i]
                                + " although the golden margin " + margin + " exceeds twice the error " + d);
                        flips++;
                    }
                    if (i + 1 < greedy.length) {
                        s.forward(new int[] {greedy[i]}, last); // teacher forcing: one flip does not cascade
                    }
                }
            }
        }
        return new float[] {worst, flips};
    }

    static void check(OnnxLlama model, String variant) {
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            int[] prompt = toInts(c.get("prompt_ids"));
            JsonNode e = c.get("expected").get(variant);
            float[] allPos = GoldenData.f32(GoldenData.golden("llama/" + e.get("all_position_logits").get("file").asText()));
            float[] steps = GoldenData.f32(GoldenData.golden("llama/" + e.get("greedy_step_logits").get("file").asText()));
            int[] greedy = toInts(e.get("greedy_continuation"));
            try (LlamaSequence s = model.newSequence(64)) {
                float[] logits = s.forwardAll(prompt);
                float d = GoldenData.maxAbsDiff(logits, allPos, 0);
                assertTrue(d <= TOL, name + " " + variant + " prefill logits max abs diff " + d);
                float[] last = java.util.Arrays.copyOfRange(logits, (prompt.length - 1) * 300, prompt.length * 300);
                int[] got = new int[greedy.length];
                for (int i = 0; i < greedy.length; i++) {
                    float ds = GoldenData.maxAbsDiff(last, steps, i * 300);
                    assertTrue(ds <= TOL, name + " " + variant + " step " + i + " logits max abs diff " + ds);
                    got[i] = argmax(last);
                    if (i + 1 < greedy.length) {
                        s.forward(new int[] {got[i]}, last);
                    }
                }
                assertArrayEquals(greedy, got, name + " " + variant + " greedy continuation");
                assertEquals(prompt.length + greedy.length - 1, s.length());
            }
        }
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[b]) {
                b = i;
            }
        }
        return b;
    }

    static int[] toInts(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }
}
