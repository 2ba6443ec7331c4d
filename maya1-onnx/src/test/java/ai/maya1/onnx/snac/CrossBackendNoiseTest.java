package ai.maya1.onnx.snac;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.onnx.GoldenData;
import ai.maya1.onnx.export.SnacOnnxExporter;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.snac.JavaVocoder;
import ai.maya1.vocoder.snac.SnacConfig;
import ai.maya1.vocoder.snac.SnacDecoder;
import ai.maya1.weights.SafetensorsFile;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NoiseMode.Given and NoiseMode.Seeded on ORT against the golden noise case and against the pure-Java vocoder. */
class CrossBackendNoiseTest {
    @TempDir
    static Path tmp;
    static OnnxVocoder ort;
    static JavaVocoder java;
    static ComputeExecutor exec;

    @BeforeAll
    static void open() throws Exception {
        Path cfg = GoldenData.golden("snac/config_reduced.json");
        Path w = GoldenData.golden("snac/weights_reduced.safetensors");
        SnacOnnxExporter.export(cfg, w, tmp.resolve("snac_decoder.onnx"), SnacOnnxExporter.Options.defaults());
        SnacOnnxExporter.export(cfg, w, tmp.resolve("snac_decoder_streaming.onnx"), SnacOnnxExporter.Options.defaults().withStreaming(true));
        ort = OnnxVocoderProvider.open(tmp, OnnxRuntimeConfig.cpu(), 1);
        exec = new ComputeExecutor(1, "test-snac");
        try (SafetensorsFile st = SafetensorsFile.open(w)) {
            java = new JavaVocoder(SnacDecoder.load(st, SnacConfig.load(cfg), exec));
        }
    }

    @AfterAll
    static void close() {
        ort.close();
        java.close();
        exec.close();
    }

    static SnacCodes codes(String name) {
        int[][][] c = GoldenData.snacCodes(name);
        return new SnacCodes(c[0], c[1], c[2]);
    }

    static NoiseMode goldenNoise() {
        try (SafetensorsFile n = SafetensorsFile.open(GoldenData.golden("snac/case2_noise_inputs.safetensors"))) {
            float[][][] per = new float[4][1][];
            for (int k = 0; k < 4; k++) {
                per[k][0] = n.get("decoder.model." + (k + 2) + ".block.2.noise").toFloatArray();
            }
            return NoiseMode.given(per);
        }
    }

    @Test
    void givenNoiseReproducesTheGoldenNoiseCaseOfflineAndStreaming() {
        float[] expected = GoldenData.f32(GoldenData.golden("snac/case2_noise_audio.f32"));
        float d = GoldenData.maxAbsDiff(ort.decode(codes("case2"), goldenNoise())[0], expected, 0);
        assertTrue(d <= 1e-4f, "offline, given noise: " + d);
        float[] streamed = OnnxSnacGoldenTest.stream(ort.openStream(goldenNoise()), codes("case2"), new int[] {1, 2, 1});
        float ds = GoldenData.maxAbsDiff(streamed, expected, 0);
        assertTrue(ds <= 1e-4f, "streaming, given noise: " + ds);
    }

    @Test
    void seededNoiseIsTheSameOnBothBackends() {
        SnacCodes c = codes("case3");
        float[] onOrt = ort.decode(c, NoiseMode.seeded(42))[0];
        float[] onJava = java.decode(c, NoiseMode.seeded(42))[0];
        float d = GoldenData.maxAbsDiff(onOrt, onJava, 0);
        assertTrue(d <= 1e-4f, "ORT vs Java, seeded noise: " + d);
        float[] zero = java.decode(c, NoiseMode.zero())[0];
        assertTrue(GoldenData.maxAbsDiff(onJava, zero, 0) > 1e-2f, "noise must matter");
    }

    @Test
    void givenNoiseNeedsNoiseInputs() throws Exception {
        Path p = tmp.resolve("nonoise.onnx");
        SnacOnnxExporter.export(GoldenData.golden("snac/config_reduced.json"), GoldenData.golden("snac/weights_reduced.safetensors"), p,
                SnacOnnxExporter.Options.defaults().withNoiseInputs(false));
        try (OnnxVocoder v = OnnxVocoder.open(p, null, OnnxRuntimeConfig.cpu(), 1)) {
            assertThrows(IllegalArgumentException.class, () -> v.decode(codes("case2"), goldenNoise()));
            float[] expected = GoldenData.f32(GoldenData.golden("snac/case2_audio.f32"));
            assertTrue(GoldenData.maxAbsDiff(v.decode(codes("case2"), NoiseMode.zero())[0], expected, 0) <= 1e-4f);
        }
        // too little given noise is an error, not silence
        float[][][] tooShort = {{new float[10]}, {new float[10]}, {new float[10]}, {new float[10]}};
        assertThrows(IllegalArgumentException.class, () -> ort.decode(codes("case2"), NoiseMode.given(tooShort)));
    }
}
