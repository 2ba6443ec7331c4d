package ai.maya1.onnx.snac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.onnx.GoldenData;
import ai.maya1.onnx.export.SnacOnnxExporter;
import ai.maya1.onnx.lm.OnnxAcousticModelProvider;
import ai.maya1.onnx.runtime.OnnxModelCache;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Backends;
import ai.maya1.spi.VocoderSpec;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.weights.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import paths (community SNAC signature, folders, checkpoint export into the cache) and ServiceLoader registration. */
class ImportAndProviderTest {
    @TempDir
    Path tmp;

    static SnacCodes codes(String name) {
        int[][][] c = GoldenData.snacCodes(name);
        return new SnacCodes(c[0], c[1], c[2]);
    }

    @Test
    void communitySignatureGraphIsRecognisedAndExact() throws Exception {
        // a graph with onnx-community/snac_24khz-ONNX's signature: audio_codes.0..2 (int64 [B, T*2^i]) -> audio_values
        Path community = tmp.resolve("snac_24khz-ONNX/onnx/decoder_model.onnx");
        Files.createDirectories(community.getParent());
        SnacOnnxExporter.export(GoldenData.golden("snac/config_reduced.json"), GoldenData.golden("snac/weights_reduced.safetensors"), community,
                SnacOnnxExporter.Options.defaults().asCommunitySignature());
        try (OnnxVocoder v = OnnxVocoderProvider.open(tmp.resolve("snac_24khz-ONNX"), OnnxRuntimeConfig.cpu(), 1)) {
            assertEquals("COMMUNITY", v.graphKind());
            assertFalse(v.hasStreamingGraph());
            for (String name : new String[] {"case2", "case4_batch2"}) {
                SnacCodes c = codes(name);
                float[] expected = GoldenData.f32(GoldenData.golden("snac/" + name + "_audio.f32"));
                float[][] got = v.decode(c, NoiseMode.zero());
                for (int b = 0; b < c.batch(); b++) {
                    assertTrue(GoldenData.maxAbsDiff(got[b], expected, b * got[b].length) <= 1e-4f, name);
                }
            }
            float[] streamed = OnnxSnacGoldenTest.stream(v.openStream(NoiseMode.zero()), codes("case3"), new int[] {4, 4, 8});
            assertTrue(GoldenData.maxAbsDiff(streamed, GoldenData.f32(GoldenData.golden("snac/case3_audio.f32")), 0) <= 1e-4f);
        }
    }

    @Test
    void checkpointFolderIsExportedOnceIntoTheCache() throws Exception {
        Path ckpt = tmp.resolve("snac");
        Files.createDirectories(ckpt);
        Files.copy(GoldenData.golden("snac/config_reduced.json"), ckpt.resolve("config.json"));
        Files.copy(GoldenData.golden("snac/weights_reduced.safetensors"), ckpt.resolve("model.safetensors"));
        System.setProperty(OnnxModelCache.CACHE_PROPERTY, tmp.resolve("cache").toString());
        try {
            var provider = Backends.vocoderProviders().stream().filter(f -> f.provider().name().equals("onnx")).findFirst().orElseThrow();
            assertTrue(provider.availability().available(), provider.availability().reason());
            assertEquals(5, provider.provider().priority());
            try (Vocoder v = provider.provider().open(new VocoderSpec(ckpt, null))) {
                assertEquals("onnx", v.backendName());
                assertTrue(((OnnxVocoder) v).hasStreamingGraph());
                float[] expected = GoldenData.f32(GoldenData.golden("snac/case1_audio.f32"));
                assertTrue(GoldenData.maxAbsDiff(v.decode(codes("case1"), NoiseMode.zero())[0], expected, 0) <= 1e-4f);
            }
            try (var dirs = Files.list(tmp.resolve("cache"))) {
                assertEquals(1, dirs.count());
            }
            // the LM provider exports the golden checkpoint folder the same way
            var lm = Backends.acousticProviders().stream().filter(f -> f.provider().name().equals("onnx")).findFirst().orElseThrow();
            try (var m = lm.provider().open(new AcousticModelSpec(GoldenData.golden("llama"), "f32", null, 64, 0, false))) {
                assertEquals(300, m.info().vocabSize());
                assertEquals("onnx", m.info().backend());
            }
        } finally {
            System.clearProperty(OnnxModelCache.CACHE_PROPERTY);
        }
    }

    @Test
    void unknownGraphsAndFoldersAreRejectedClearly() throws Exception {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        var e = assertThrows(ModelFormatException.class, () -> OnnxVocoderProvider.open(empty, OnnxRuntimeConfig.cpu(), 1));
        assertTrue(e.getMessage().contains("snac_decoder.onnx"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> OnnxAcousticModelProvider.locate(empty));
        var e3 = assertThrows(ModelFormatException.class, () -> OnnxAcousticModelProvider.locate(GoldenData.golden("llama/model.safetensors")));
        assertTrue(e3.getMessage().contains("not an ONNX graph"), e3.getMessage());
        // a SNAC graph is not an LM graph
        Path snac = tmp.resolve("s.onnx");
        SnacOnnxExporter.export(GoldenData.golden("snac/config_reduced.json"), GoldenData.golden("snac/weights_reduced.safetensors"), snac,
                SnacOnnxExporter.Options.defaults());
        var e2 = assertThrows(ModelFormatException.class, () -> ai.maya1.onnx.lm.OnnxLlama.open(snac, OnnxRuntimeConfig.cpu(), 1));
        assertTrue(e2.getMessage().contains("not a causal-LM graph"), e2.getMessage());
        Path garbage = tmp.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5});
        assertThrows(ai.maya1.Maya1Exception.class, () -> OnnxVocoder.open(garbage, null, OnnxRuntimeConfig.cpu(), 1));
    }
}
