package ai.maya1.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.SpeechRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@code Maya1Config.batching(true)}: the java LM runs continuously batched, and the audio is what each request gives alone. */
class BatchingConfigTest {
    private static Maya1Config config(boolean batching) {
        return Maya1Config.builder().model(ModelSource.testModel()).threads(2).warmUpOnStart(false).maxConcurrentRequests(4)
                .batching(batching).build();
    }

    private static SpeechRequest request(int i) {
        return SpeechRequest.builder().text("Request number " + i + " speaks <laugh> its own words.").seed(100 + i).build();
    }

    @Test
    void batchingRunsTheJavaModelAsJavaBatched() {
        try (Maya1Tts tts = Maya1Tts.create(config(true))) {
            assertEquals("java-batched", tts.info().acousticBackend(), tts.info().toString());
        }
        try (Maya1Tts tts = Maya1Tts.create(config(false))) {
            assertEquals("java", tts.info().acousticBackend(), tts.info().toString());
        }
    }

    @Test
    void concurrentBatchedRequestsGiveTheAudioOfEachRequestAlone() throws Exception {
        List<float[]> alone = new ArrayList<>();
        try (Maya1Tts tts = Maya1Tts.create(config(false))) {
            for (int i = 0; i < 4; i++) {
                alone.add(tts.synthesize(request(i)).samples());
            }
        }
        List<float[]> together = new ArrayList<>();
        try (Maya1Tts tts = Maya1Tts.create(config(true)); ExecutorService clients = Executors.newFixedThreadPool(4)) {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                futures.add(clients.submit(() -> tts.synthesize(request(n)).samples()));
            }
            for (Future<float[]> f : futures) {
                together.add(f.get());
            }
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(alone.get(i).length > 0, "request " + i + " produced audio");
            assertArrayEquals(alone.get(i), together.get(i), "request " + i + " differs when batched");
        }
    }
}
