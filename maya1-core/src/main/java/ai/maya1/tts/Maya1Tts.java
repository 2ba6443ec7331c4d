package ai.maya1.tts;

import ai.maya1.engine.Engine;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Flow;

/**
 * Maya1 text-to-speech in the JVM: text (with emotion tags) and a voice description in, 24 kHz speech out.
 *
 * <pre>{@code
 * try (Maya1Tts tts = Maya1Tts.create(Maya1Config.builder().model(ModelSource.hub("maya-research/maya1")).build())) {
 *     SpeechRequest request = SpeechRequest.builder().text("Hello from the JVM <laugh> this is a test.").voice("narrator").seed(42).build();
 *     Speech speech = tts.synthesize(request);
 *     speech.write(Path.of("hello.wav"), AudioFormat.WAV);
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * One engine is safe to share between any number of threads; create it once per process and model. Each call has
 * its own KV cache, RNG and vocoder state. Up to {@link Maya1Config#maxConcurrentRequests()} requests synthesize at
 * once, up to {@link Maya1Config#maxQueuedRequests()} wait, and beyond that {@link OverloadedException} is thrown.
 * Listeners run on the thread that called {@link #stream}; the LM runs on an engine-owned thread, pipelined with
 * the vocoder, so audio of early frames is delivered while later frames are still being generated.
 *
 * <h2>Life cycle</h2>
 * {@link #create} loads the model (memory-mapped where the format allows) and, unless disabled, runs
 * {@link #warmUp()} so the first request does not pay JIT compilation of the kernels. For faster process start-up
 * use the JDK's AOT cache (JEP 483/514): run once with {@code -XX:AOTCacheOutput=maya1.aot} and start later with
 * {@code -XX:AOTCache=maya1.aot}. {@link #close()} is idempotent, stops the engine's threads and frees off-heap and
 * native memory; any call after it throws {@link IllegalStateException}.
 *
 * <h2>Errors</h2>
 * Bad requests throw a subclass of {@link ai.maya1.Maya1Exception} naming what is wrong
 * ({@link InvalidRequestException}, the tokenizer's invalid-text exception for an unknown tag in strict mode,
 * {@link ModelNotFoundException}, {@link OverloadedException}). Limits that end generation early are not errors:
 * they are reported by {@link SpeechStats#finishReason()}.
 */
public final class Maya1Tts implements AutoCloseable {
    private final Engine engine;

    private Maya1Tts(Maya1Config config) {
        this.engine = Engine.open(Objects.requireNonNull(config, "config"));
    }

    /** Loads the models of {@code config} and, unless disabled, warms up. */
    public static Maya1Tts create(Maya1Config config) {
        return new Maya1Tts(config);
    }

    /** The whole utterance at once. Blocks until done. */
    public Speech synthesize(SpeechRequest request) {
        return engine.synthesize(request);
    }

    /**
     * Streams the utterance to {@code listener} on the calling thread as audio becomes final; returns when done or
     * cancelled (the listener returned false). The concatenated chunks equal {@link #synthesize} of the same request.
     */
    public SpeechStats stream(SpeechRequest request, SpeechListener listener) {
        return engine.stream(request, listener);
    }

    /** Starts the request and returns a pull-style stream of its audio; close it to cancel. */
    public AudioStream openStream(SpeechRequest request) {
        return engine.openStream(request);
    }

    /**
     * A cold {@link Flow.Publisher}: each subscription runs the request once and delivers chunks no faster than the
     * subscriber's demand (the LM is paused by back-pressure once a few frames are buffered); cancelling the
     * subscription cancels the request.
     */
    public Flow.Publisher<AudioChunk> publisher(SpeechRequest request) {
        return engine.publisher(request);
    }

    /** Runs a short synthesis so the JIT compiles the kernels; idempotent and cheap after the first call. */
    public void warmUp() {
        engine.warmUp();
    }

    public EngineInfo info() {
        return engine.info();
    }

    /** Names accepted by {@link Voice#preset(String)}. */
    public Set<String> voicePresets() {
        return engine.voicePresets();
    }

    public Maya1Config config() {
        return engine.config();
    }

    public boolean isClosed() {
        return engine.isClosed();
    }

    /** Stops the engine's threads and frees its memory. Idempotent; in-flight requests end with CANCELLED. */
    @Override
    public void close() {
        engine.close();
    }
}
