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
