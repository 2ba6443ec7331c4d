package ai.maya1.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.AudioFormat;
import ai.maya1.audio.Wav;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The five-line example of README.md and docs/api.md, compiled and run as written (on the built-in test model). */
class ApiExampleTest {

    @org.junit.jupiter.api.BeforeAll
    static void needsAVocoder() {
        org.junit.jupiter.api.Assumptions.assumeTrue(!ai.maya1.spi.Backends.vocoderProviders().isEmpty(),
                "no SNAC vocoder backend on the class path yet (the vocoder layer is not merged)");
    }

    @Test
    void theReadmeExampleRuns() throws Exception {
        try {
            // --- README example: begin ---
            try (Maya1Tts tts = Maya1Tts.create(Maya1Config.builder().model(ModelSource.testModel()).build())) {
                SpeechRequest request = SpeechRequest.builder().text("Hello from the JVM <laugh> this is a test.").voice("narrator").seed(42).build();
                Speech speech = tts.synthesize(request);
                speech.write(Path.of("hello.wav"), AudioFormat.WAV);
            }
            // --- README example: end ---
            Wav.Decoded d = Wav.read(Files.readAllBytes(Path.of("hello.wav")));
            assertEquals(24_000, d.sampleRate());
            assertTrue(d.samples().length > 0);
        } finally {
            Files.deleteIfExists(Path.of("hello.wav"));
        }
    }

    @Test
    void engineLifecycle() {
        Maya1Tts tts = Maya1Tts.create(Maya1Config.builder().model(ModelSource.testModel()).threads(1).warmUpOnStart(false).build());
        assertTrue(tts.info().testModel());
        assertTrue(tts.voicePresets().contains("narrator"));
        tts.warmUp();
        tts.warmUp();
        tts.close();
        tts.close();
        assertTrue(tts.isClosed());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> tts.synthesize(SpeechRequest.of("x")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, tts::warmUp);
    }
}
