package ai.maya1.onnx.snac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.onnx.GoldenData;
import ai.maya1.onnx.export.OnnxModel;
import ai.maya1.onnx.export.SnacOnnxExporter;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.onnx.runtime.OrtSessions;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.VocoderStream;
import ai.maya1.weights.SafetensorsFile;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java-exported SNAC graphs on ORT CPU against the golden audio of the reduced model (1e-4). */
class OnnxSnacGoldenTest {
    static final float TOL = 1e-4f;
    @TempDir
    static Path tmp;
    static Path offline;
    static Path streaming;
    static OnnxVocoder vocoder;

    @BeforeAll
    static void export() throws Exception {
        Path cfg = GoldenData.golden("snac/config_reduced.json");
        Path w = GoldenData.golden("snac/weights_reduced.safetensors");
        offline = tmp.resolve("snac_decoder.onnx");
        streaming = tmp.resolve("snac_decoder_streaming.onnx");
        SnacOnnxExporter.export(cfg, w, offline, SnacOnnxExporter.Options.defaults());
        var r = SnacOnnxExporter.export(cfg, w, streaming, SnacOnnxExporter.Options.defaults().withStreaming(true));
        assertEquals(18, r.stateTensors());
        vocoder = OnnxVocoder.open(offline, streaming, OnnxRuntimeConfig.builder().intraOpThreads(2).build(), 2);
    }

    @AfterAll
    static void close() {
        vocoder.close();
        vocoder.close(); // idempotent
    }

    static SnacCodes codes(String name) {
        int[][][] c = GoldenData.snacCodes(name);
        return new SnacCodes(c[0], c[1], c[2]);
    }

    @Test
    void offlineMatchesGoldenCases() {
        for (String name : List.of("case1", "case2", "case3", "case4_batch2")) {
            SnacCodes codes = codes(name);
            float[] expected = GoldenData.f32(GoldenData.golden("snac/" + name + "_audio.f32"));
            float[][] got = vocoder.decode(codes, NoiseMode.zero());
            int n = codes.frames() * 2048;
            for (int b = 0; b < codes.batch(); b++) {
                assertEquals(n, got[b].length);
                float d = GoldenData.maxAbsDiff(got[b], expected, b * n);
                assertTrue(d <= TOL, name + " item " + b + " max abs diff " + d);
            }
        }
    }

    @Test
    void noiseCaseWithTheGoldenNoiseTensors() throws Exception {
        int[][][] c = GoldenData.snacCodes("case2");
        float[] expected = GoldenData.f32(GoldenData.golden("snac/case2_noise_audio.f32"));
        var env = OrtSessions.env();
        try (SafetensorsFile noise = SafetensorsFile.open(GoldenData.golden("snac/case2_noise_inputs.safetensors"));
             OrtSession s = env.createSession(offline.toString(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> in = new HashMap<>();
            for (int l = 0; l < 3; l++) {
                long[] v = java.util.Arrays.stream(c[l][0]).asLongStream().toArray();
                in.put("codes_" + l, OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {1, v.length}));
            }
            for (int k = 0; k < 4; k++) {
                float[] n = noise.get("decoder.model." + (k + 2) + ".block.2.noise").toFloatArray();
                in.put("noise_" + k, OnnxTensor.createTensor(env, FloatBuffer.wrap(n), new long[] {1, 1, n.length}));
            }
            try (var r = s.run(in)) {
                float[] got = new float[expected.length];
                ((OnnxTensor) r.get("audio").orElseThrow()).getFloatBuffer().get(got);
                float d = GoldenData.maxAbsDiff(got, expected, 0);
                assertTrue(d <= TOL, "noise case max abs diff " + d);
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }

    @Test
    void statefulStreamingIsExactForAnyChunking() {
        SnacCodes codes = codes("case3");
        float[] expected = GoldenData.f32(GoldenData.golden("snac/case3_audio.f32"));
        for (int[] chunks : new int[][] {{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {5, 11}, {16}, {3, 2, 7, 4}}) {
            float[] got = stream(vocoder.openStream(NoiseMode.zero()), codes, chunks);
            assertEquals(expected.length, got.length);
            float d = GoldenData.maxAbsDiff(got, expected, 0);
            assertTrue(d <= TOL, "chunks " + java.util.Arrays.toString(chunks) + ": max abs diff " + d);
        }
    }

    @Test
    void streamingEmitsOnlyFinalSamplesAndBoundedLookahead() {
        SnacCodes codes = codes("case3");
        try (VocoderStream s = vocoder.openStream(NoiseMode.zero())) {
            assertEquals(0, s.push(codes.frame(0, 0)).length); // 2048 < lookahead 4757
            assertEquals(0, s.push(codes.frame(0, 1)).length);
            float[] third = s.push(codes.frame(0, 2));
            assertEquals(3 * 2048 - 4757, third.length);
            assertEquals(4757, vocoder.lookaheadSamples());
        }
    }

    @Test
    void seededNoiseStreamingEqualsSeededNoiseOffline() {
        SnacCodes codes = codes("case3");
        float[] offlineAudio = vocoder.decode(codes, NoiseMode.seeded(42))[0];
        float[] noiseless = vocoder.decode(codes, NoiseMode.zero())[0];
        assertTrue(GoldenData.maxAbsDiff(offlineAudio, noiseless, 0) > 1e-2, "noise must change the audio");
        float[] streamed = stream(vocoder.openStream(NoiseMode.seeded(42)), codes, new int[] {3, 6, 7});
        assertTrue(GoldenData.maxAbsDiff(streamed, offlineAudio, 0) <= TOL);
    }

    @Test
    void windowedStreamingOverTheOfflineGraphIsExact() {
        SnacCodes codes = codes("case3");
        float[] expected = GoldenData.f32(GoldenData.golden("snac/case3_audio.f32"));
        try (OnnxVocoder plain = OnnxVocoder.open(offline, null, OnnxRuntimeConfig.cpu(), 1)) {
            float[] got = stream(plain.openStream(NoiseMode.zero()), codes, new int[] {2, 1, 5, 8});
            assertEquals(expected.length, got.length);
            assertTrue(GoldenData.maxAbsDiff(got, expected, 0) <= TOL);
        }
    }

    @Test
    void legacyNamesAndFp16Weights() throws Exception {
        Path cfg = GoldenData.golden("snac/config_reduced.json");
        Path legacy = tmp.resolve("legacy.onnx");
        SnacOnnxExporter.export(cfg, GoldenData.golden("snac/weights_reduced_legacy_names.safetensors"), legacy,
                SnacOnnxExporter.Options.defaults());
        Path half = tmp.resolve("fp16.onnx");
        SnacOnnxExporter.export(cfg, GoldenData.golden("snac/weights_reduced.safetensors"), half,
                SnacOnnxExporter.Options.defaults().withFp16(true));
        assertTrue(Files.size(half) < Files.size(offline) * 0.6, "fp16 weights halve the file");
        SnacCodes codes = codes("case2");
        float[] expected = GoldenData.f32(GoldenData.golden("snac/case2_audio.f32"));
        try (OnnxVocoder a = OnnxVocoder.open(legacy, null, OnnxRuntimeConfig.cpu(), 1);
             OnnxVocoder h = OnnxVocoder.open(half, null, OnnxRuntimeConfig.cpu(), 1)) {
            assertTrue(GoldenData.maxAbsDiff(a.decode(codes, NoiseMode.zero())[0], expected, 0) <= TOL);
            float dh = GoldenData.maxAbsDiff(h.decode(codes, NoiseMode.zero())[0], expected, 0);
            assertTrue(dh <= 1e-2f, "fp16 weights: max abs diff " + dh);
            assertTrue(dh > 0, "fp16 weights must differ from f32 at all");
        }
    }

    @Test
    void externalDataIsLoadedFromBesideTheModel() throws Exception {
        Path ext = tmp.resolve("ext").resolve("snac_decoder.onnx");
        Files.createDirectories(ext.getParent());
        var r = SnacOnnxExporter.export(GoldenData.golden("snac/config_reduced.json"), GoldenData.golden("snac/weights_reduced.safetensors"), ext,
                new SnacOnnxExporter.Options(false, false, true, OnnxModel.ExternalData.ALWAYS));
        assertEquals(2, r.files().size());
        assertTrue(Files.size(ext) < 200_000, "weights must be outside the model file");
        SnacCodes codes = codes("case1");
        float[] expected = GoldenData.f32(GoldenData.golden("snac/case1_audio.f32"));
        try (OnnxVocoder v = OnnxVocoder.open(ext, null, OnnxRuntimeConfig.cpu(), 1)) {
            assertTrue(GoldenData.maxAbsDiff(v.decode(codes, NoiseMode.zero())[0], expected, 0) <= TOL);
        }
    }

    static float[] stream(VocoderStream s, SnacCodes codes, int[] chunks) {
        try (s) {
            java.io.ByteArrayOutputStream unused = null;
            float[] all = new float[0];
            int f = 0;
            for (int c : chunks) {
                SnacFrame[] fr = new SnacFrame[c];
                for (int i = 0; i < c; i++) {
                    fr[i] = codes.frame(0, f++);
                }
                all = concat(all, s.push(fr));
                assertEquals(all.length, s.samplesEmitted());
            }
            all = concat(all, s.flush());
            assertArrayEquals(new float[0], s.flush());
            return all;
        }
    }

    static float[] concat(float[] a, float[] b) {
        float[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
