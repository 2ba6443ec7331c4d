package ai.maya1.vocoder.snac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.spi.Backends;
import ai.maya1.spi.VocoderProvider;
import ai.maya1.spi.VocoderSpec;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.vocoder.VocoderStream;
import ai.maya1.weights.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "java" vocoder found through ServiceLoader opens a SNAC folder and decodes the golden case. */
class JavaVocoderProviderTest {
    @TempDir
    Path dir;

    @Test
    void serviceLoaderFindsTheJavaVocoderAndItDecodesAGoldenFolder() throws IOException {
        Files.copy(SnacGolden.dir().resolve("config_reduced.json"), dir.resolve("config.json"));
        Files.copy(SnacGolden.dir().resolve("weights_reduced_legacy_names.safetensors"), dir.resolve("model.safetensors"));
        VocoderProvider p = Backends.vocoderProviders().stream().map(Backends.Found::provider).filter(v -> v.name().equals("java"))
                .findFirst().orElseThrow();
        assertEquals(10, p.priority());
        assertTrue(p.availability().available());
        try (Vocoder v = p.open(new VocoderSpec(dir, SnacGolden.EXECUTOR))) {
            assertEquals("java", v.backendName());
            assertEquals(24000, v.sampleRate());
            assertEquals(2048, v.samplesPerFrame());
            assertEquals(4757, v.lookaheadSamples());
            SnacCodes codes = SnacGolden.codes("case2");
            float[] out = v.decode(codes, NoiseMode.zero())[0];
            float[] expected = SnacGolden.audio("case2_audio.f32");
            assertTrue(SnacGolden.maxAbsDiff(out, 0, expected, 0, expected.length) <= 1e-4f);
            try (VocoderStream s = v.openStream(NoiseMode.zero())) {
                float[] a = s.push(codes.frame(0, 0), codes.frame(0, 1), codes.frame(0, 2), codes.frame(0, 3));
                float[] b = s.flush();
                assertEquals(8192, a.length + b.length);
                assertTrue(SnacGolden.maxAbsDiff(a, 0, expected, 0, a.length) <= 1e-4f);
            }
            v.close(); // idempotent
        }
    }

    @Test
    void aFolderWithoutConfigOrWeightsIsRejected() throws IOException {
        assertTrue(assertThrows(ModelFormatException.class, () -> JavaVocoder.open(dir, SnacGolden.EXECUTOR)).getMessage()
                .contains("config.json"));
        Files.copy(SnacGolden.dir().resolve("config_reduced.json"), dir.resolve("config.json"));
        assertThrows(ModelFormatException.class, () -> JavaVocoder.open(dir, SnacGolden.EXECUTOR));
    }
}
