package ai.maya1.engine;

import ai.maya1.tts.SpeechStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine reports what it does. Micrometer is an optional dependency: {@link MicrometerMetrics} is only
 * loaded after checking that Micrometer is on the class path, otherwise metrics are a no-op.
 */
interface EngineMetrics extends AutoCloseable {
    Logger LOG = LoggerFactory.getLogger(EngineMetrics.class);

    void requestStarted();

    void requestEnded();

    void recordRequest(SpeechStats stats);

    void cacheResult(boolean hit);

    @Override
    void close();

    static boolean micrometerPresent() {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false, EngineMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Micrometer metrics on {@code registry} (or the global registry when null), or a no-op without Micrometer. */
    static EngineMetrics create(Object registry, Engine engine) {
        if (!micrometerPresent()) {
            return Noop.INSTANCE;
        }
        try {
            // loaded by name so that this class never links against Micrometer when it is absent
            Class<?> c = Class.forName("ai.maya1.engine.MicrometerMetrics", true, EngineMetrics.class.getClassLoader());
            return (EngineMetrics) c.getDeclaredConstructor(Object.class, Engine.class).newInstance(registry, engine);
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("Micrometer metrics disabled: {}", e.toString());
            return Noop.INSTANCE;
        }
    }

    /** No metrics. */
    final class Noop implements EngineMetrics {
        static final Noop INSTANCE = new Noop();

        @Override
        public void requestStarted() {
        }

        @Override
        public void requestEnded() {
        }

        @Override
        public void recordRequest(SpeechStats stats) {
        }

        @Override
        public void cacheResult(boolean hit) {
        }

        @Override
        public void close() {
        }
    }
}
