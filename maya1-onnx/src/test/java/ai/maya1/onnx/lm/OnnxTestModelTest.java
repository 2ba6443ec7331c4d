package ai.maya1.onnx.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.FinishReason;
import ai.maya1.tts.EngineInfo;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import org.junit.jupiter.api.Test;

/** {@code --backend onnx} on the built-in test model behaves as the java backend does: labelled, ends at its hook. */
class OnnxTestModelTest {
    private static final SpeechRequest REQUEST = SpeechRequest.builder().text("Hello from the JVM.").seed(7).build();

    private static Maya1Config config(String backend) {
        return Maya1Config.builder().model(ModelSource.testModel()).acousticBackend(backend).threads(2).warmUpOnStart(false).build();
    }

    @Test
    void theOnnxBackendLabelsTheTestModel() {
        try (Maya1Tts tts = Maya1Tts.create(config("onnx"))) {
            assertEquals("onnx", tts.info().acousticBackend());
            assertTrue(tts.info().testModel(), tts.info().toString());
            assertTrue(tts.info().toString().startsWith(EngineInfo.TEST_MODEL_LABEL), tts.info().toString());
        }
    }

    @Test
    void theOnnxBackendEndsTheTestModelWhereTheJavaBackendDoes() {
        SpeechStats onnx;
        SpeechStats java;
        try (Maya1Tts tts = Maya1Tts.create(config("onnx"))) {
            onnx = tts.synthesize(REQUEST).stats();
        }
        try (Maya1Tts tts = Maya1Tts.create(config("java"))) {
            java = tts.synthesize(REQUEST).stats();
        }
        assertEquals(FinishReason.END_OF_SPEECH, onnx.finishReason(), onnx.toString());
        assertTrue(onnx.testModel(), onnx.toString());
        assertEquals(java.frames(), onnx.frames(), "frames: java " + java + ", onnx " + onnx);
        assertEquals(java.lmTokens(), onnx.lmTokens(), "LM tokens: java " + java + ", onnx " + onnx);
    }

    /**
     * Both backends sample with core's one TokenSampler over the same candidates in the same order, so a seeded
     * request with Maya1's default sampling (temperature 0.4, top-p 0.9, repetition penalty 1.1) gives the same frames,
     * hence the same audio, on ONNX Runtime as on the java backend.
     */
    @Test
    void aSeededSampledRequestGivesTheSameAudioOnOnnxAsOnJava() {
        float[] onnx;
        float[] java;
        try (Maya1Tts tts = Maya1Tts.create(config("onnx"))) {
            onnx = tts.synthesize(REQUEST).samples();
        }
        try (Maya1Tts tts = Maya1Tts.create(config("java"))) {
            java = tts.synthesize(REQUEST).samples();
        }
        assertTrue(java.length > 0, "java produced audio");
        assertArrayEquals(java, onnx, "onnx audio differs from java for the same seed");
    }
}
