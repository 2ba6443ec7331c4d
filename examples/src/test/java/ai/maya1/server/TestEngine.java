package ai.maya1.server;

import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;

/** One warmed-up test-model engine per test JVM, shared by the server tests (loading it costs seconds). */
public final class TestEngine {
    private static Maya1Tts engine;

    private TestEngine() {
    }

    public static synchronized Maya1Tts shared() {
        if (engine == null) {
            engine = Maya1Tts.create(Maya1Config.builder().model(ai.maya1.tts.ModelSource.testModel()).maxConcurrentRequests(4)
                    .maxQueuedRequests(64).build());
            Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
        }
        return engine;
    }
}
