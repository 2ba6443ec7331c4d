package ai.maya1.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.SpeechRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link Maya1Config.Builder#batchedVocoder(boolean)}: concurrent requests through the shared pump == unbatched. */
class BatchedVocoderEngineTest {

    private static Maya1Config config(boolean batched) {
        return Maya1Config.builder().model(ModelSource.testModel()).threads(2).vocoderThreads(1).contextLength(2048)
                .maxPieceChars(120).warmUpOnStart(false).batchedVocoder(batched).build();
    }

    @Test
    void concurrentRequestsThroughThePumpAreBitIdenticalToUnbatched() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!ai.maya1.spi.Backends.vocoderProviders().isEmpty(), "no vocoder backend");
        String[] texts = {"Hello from the JVM.", "A second voice <laugh> speaks.", "Third.", "And a fourth, somewhat longer request."};
        List<float[]> reference = new ArrayList<>();
        try (Engine plain = Engine.open(config(false))) {
            for (int i = 0; i < texts.length; i++) {
                reference.add(plain.synthesize(SpeechRequest.builder().text(texts[i]).seed(10 + i).build()).samples());
            }
        }
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(texts.length);
        try (Engine batched = Engine.open(config(true))) {
            List<CompletableFuture<float[]>> got = new ArrayList<>();
            for (int i = 0; i < texts.length; i++) {
                SpeechRequest r = SpeechRequest.builder().text(texts[i]).seed(10 + i).build();
                got.add(CompletableFuture.supplyAsync(() -> batched.synthesize(r).samples(), callers));
            }
            for (int i = 0; i < texts.length; i++) {
                float[] s = got.get(i).get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(s.length > 0);
                assertArrayEquals(reference.get(i), s, "request " + i);
            }
            assertTrue(batched.vocoderPump().jobs() > 0, "the pump decoded the frames");
        } finally {
            callers.shutdownNow();
        }
    }
}
