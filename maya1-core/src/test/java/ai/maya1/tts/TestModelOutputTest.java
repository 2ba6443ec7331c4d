package ai.maya1.tts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a user of the built-in test model hears and reads: quiet synthetic audio, labelled in the result itself. */
class TestModelOutputTest {
    private static Maya1Tts tts;
    private static Speech speech;

    @BeforeAll
    static void speak() {
        tts = Maya1Tts.create(Maya1Config.builder().model(ModelSource.testModel()).threads(2).warmUpOnStart(false).build());
        speech = tts.synthesize(SpeechRequest.builder().text("Hello from the JVM <laugh> this is a test.").seed(42).build());
    }

    @AfterAll
    static void close() {
        tts.close();
    }

    @Test
    void thePeakStaysWellBelowFullScale() {
        float peak = 0;
        for (float v : speech.samples()) {
            peak = Math.max(peak, Math.abs(v));
        }
        assertTrue(peak < 0.5f, "peak " + peak + " of full scale; the test model must not be loud");
    }

    @Test
    void theAudioIsAudibleNotSilence() {
        double sum = 0;
        for (float v : speech.samples()) {
            sum += (double) v * v;
        }
        double rms = Math.sqrt(sum / speech.samples().length);
        assertTrue(rms > 0.01, "RMS " + rms + ": the test model should still make an obviously synthetic sound");
    }

    @Test
    void theStatsSayTestModelWhenPrinted() {
        assertTrue(speech.stats().testModel());
        assertTrue(speech.stats().toString().startsWith(EngineInfo.TEST_MODEL_LABEL), speech.stats().toString());
        assertTrue(speech.stats().summary().contains(EngineInfo.TEST_MODEL_LABEL), speech.stats().summary());
    }

    @Test
    void theEngineInfoSaysTestModelWhenPrinted() {
        assertTrue(tts.info().toString().startsWith(EngineInfo.TEST_MODEL_LABEL), tts.info().toString());
    }

    @Test
    void realModelInfoCarriesNoLabel() {
        EngineInfo real = new EngineInfo("maya-research/maya1", "hubertsiuzdak/snac_24khz", "java", "java", "BF16", 4096, 24_000, false);
        assertFalse(real.toString().contains(EngineInfo.TEST_MODEL_LABEL), real.toString());
        assertTrue(real.toString().startsWith("EngineInfo[model=maya-research/maya1"), real.toString());
    }
}
