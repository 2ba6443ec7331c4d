package ai.maya1.engine;

import ai.maya1.Maya1Exception;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tts.AudioChunk;
import ai.maya1.tts.AudioStream;
import ai.maya1.tts.EngineInfo;
import ai.maya1.tts.InvalidRequestException;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Speech;
import ai.maya1.tts.SpeechCache;
import ai.maya1.tts.SpeechListener;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import ai.maya1.tts.Voice;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation behind {@link ai.maya1.tts.Maya1Tts}: request validation, cache, text splitting, admission,
 * and the pipelined LM -> vocoder path of {@link RequestRun}. Thread-safe.
 *
 * <p>The request path is split into {@link #prepare} (validate, resolve voice, split, tokenize: pure and cheap)
 * and {@link #start} (admit and launch), so a batching scheduler can take over the LM side of prepared requests.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final AtomicInteger ENGINE_IDS = new AtomicInteger();

    /**
     * Samples dropped at the start of every piece, as Maya1's reference decode does ({@code audio[2048:]}): the
     * first SNAC frame of an utterance is the decoder's warm-up.
     */
    public static final int LEADING_TRIM_SAMPLES = 2048;
    /** Tokens of the warm-up request. */
    static final int WARM_UP_TOKENS = 14;

    private final Maya1Config config;
    private final Components components;
    private final EngineInfo info;
    private final ComputeExecutor lmExecutor;
    private final ComputeExecutor vocoderExecutor;
    private final ai.maya1.vocoder.snac.VocoderPump vocoderPump; // null unless config.batchedVocoder() or batching()
    private final ExecutorService lmThreads;
    private final Admission admission;
    private final SpeechCache cache;
    private final EngineMetrics metrics;
    private final Set<RequestRun> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong kvTokens = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean warmedUp = new AtomicBoolean();
    private final RandomGenerator seeds = RandomGenerator.of("L64X128MixRandom");
    private final int id;

    private Engine(Maya1Config config, Components components, EngineInfo info, ComputeExecutor lmExecutor, ComputeExecutor vocoderExecutor) {
        this.config = config;
        this.components = components;
        this.info = info;
        this.lmExecutor = lmExecutor;
        this.vocoderExecutor = vocoderExecutor;
        this.id = ENGINE_IDS.incrementAndGet();
        this.vocoderPump = config.batchedVocoder() || config.batching() ? new ai.maya1.vocoder.snac.VocoderPump("maya1-" + id + "-vocoder") : null;
        this.lmThreads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon(true).name("maya1-" + id + "-request-", 1).factory());
        this.admission = new Admission(config.maxConcurrentRequests(), config.maxQueuedRequests());
        this.cache = config.cache() != null ? config.cache()
                : config.cacheBytes() > 0 ? new CaffeineSpeechCache(config.cacheBytes()) : SpeechCache.none();
        this.metrics = EngineMetrics.create(config.meterRegistry(), this);
    }

    /** Resolves and loads the models of {@code config} (backends per {@link ai.maya1.spi.Backends}) and warms up. */
    public static Engine open(Maya1Config config) {
        ComputeExecutor lmExec = new ComputeExecutor(config.threads(), "maya1-lm");
        ComputeExecutor vocExec = new ComputeExecutor(config.vocoderThreads(), "maya1-snac");
        Components c;
        try {
            c = ComponentLoader.load(config, lmExec, vocExec);
        } catch (RuntimeException | Error e) {
            lmExec.close();
            vocExec.close();
            throw e;
        }
        return withComponents(config, c, lmExec, vocExec);
    }

    /**
     * An engine over already loaded layers (tests, custom backends). The engine owns and closes the components and
     * executors (either executor may be null).
     */
    public static Engine withComponents(Maya1Config config, Components c, ComputeExecutor lmExec, ComputeExecutor vocExec) {
        EngineInfo info = new EngineInfo(config.model().describe(), config.snac().describe(), c.acoustic().info().backend(),
                c.vocoder().backendName(), c.acoustic().info().weightFormat(),
                Math.min(config.contextLength(), c.acoustic().info().contextLength()), c.vocoder().sampleRate(), c.acoustic().info().testModel());
        Engine e = new Engine(config, c, info, lmExec, vocExec);
        if (info.testModel()) {
            // a logger of its own, so that an application that shows the label itself (the CLI) can turn this one off
            org.slf4j.LoggerFactory.getLogger(EngineInfo.TEST_MODEL_LOGGER).warn("{}: the built-in test model is in use", EngineInfo.TEST_MODEL_LABEL);
        }
        if (config.warmUpOnStart()) {
            try {
                e.warmUp();
            } catch (RuntimeException ex) {
                e.close();
                throw ex;
            }
        }
        return e;
    }

    public Maya1Config config() {
        return config;
    }

    public EngineInfo info() {
        return info;
    }

    public Set<String> voicePresets() {
        ensureOpen();
        return components.prompt().presetNames();
    }

    public boolean isClosed() {
        return closed.get();
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Maya1Tts engine is closed");
        }
    }

    // ---------------------------------------------------------------- preparation

    /**
     * A validated, tokenized request ready for the LM.
     *
     * @param request     the request as given
     * @param description the resolved voice description
     * @param pieces      text pieces with their prompt ids
     * @param seed        the seed in use (drawn when the request had none)
     * @param cacheKey    the cache key when the request is deterministic and caching is on, else null
     */
    public record Prepared(SpeechRequest request, String description, List<RequestRun.Piece> pieces, long seed, SpeechCache.Key cacheKey) {
    }

    /** Validates and tokenizes; throws typed exceptions for bad requests. Does not start anything. */
    public Prepared prepare(SpeechRequest request) {
        ensureOpen();
        if (request == null) {
            throw new InvalidRequestException("request", "request is null");
        }
        String description = switch (request.voice()) {
            case Voice.Description d -> d.text();
            case Voice.Preset p -> components.prompt().presetDescription(p.name())
                    .orElseThrow(() -> new InvalidRequestException("voice", "unknown voice preset '" + p.name() + "'; known: "
                            + components.prompt().presetNames()));
        };
        int context = info.contextLength();
        // an explicit limit beyond the context can never be honoured: reject it; the default is clamped instead
        if (request.maxTokens() != SpeechRequest.DEFAULT_MAX_TOKENS && request.maxTokens() >= context) {
            throw new InvalidRequestException("maxTokens", "max tokens " + request.maxTokens() + " does not fit the context length "
                    + context + " (prompt + generated tokens)");
        }
        List<String> texts = request.splitLongText() ? TextChunker.split(request.text(), config.maxPieceChars())
                : List.of(TextChunker.normalize(request.text()));
        if (texts.isEmpty()) {
            throw new InvalidRequestException("text", "text is empty");
        }
        List<RequestRun.Piece> pieces = new ArrayList<>(texts.size());
        for (String t : texts) {
            int[] ids = components.prompt().encode(description, t);
            int room = context - ids.length;
            if (room < GenerationOptions.MAYA1_MIN_NEW_TOKENS + SnacFrame.TOKENS_PER_FRAME) {
                throw new ai.maya1.tts.PromptTooLongException(ids.length, context - GenerationOptions.MAYA1_MIN_NEW_TOKENS
                        - SnacFrame.TOKENS_PER_FRAME, "prompt of " + ids.length + " tokens leaves no room in the context length "
                        + context + (request.splitLongText() ? "; shorten the voice description or raise contextLength"
                        : "; enable splitLongText or raise contextLength"));
            }
            int max = Math.min(request.maxTokens(), room);
            pieces.add(new RequestRun.Piece(t, ids, max, max < request.maxTokens()));
        }
        long seed;
        synchronized (seeds) {
            // greedy decoding without a seed stays deterministic: the seed then only drives the vocoder's noise
            seed = request.seed().orElseGet(() -> request.sampling().greedy() ? 0L : seeds.nextLong());
        }
        SpeechCache.Key key = null;
        if (request.deterministic()) {
            var s = request.sampling();
            key = new SpeechCache.Key(components.modelId(), request.text(), description, request.seed().orElse(0L), s.temperature(), s.topP(),
                    s.topK(), s.minP(), s.repetitionPenalty(), request.maxTokens(), request.splitLongText());
        }
        return new Prepared(request, description, List.copyOf(pieces), seed, key);
    }

    // ---------------------------------------------------------------- running

    /** Admits and launches a prepared request; the caller reads (and must close) the returned run. */
    RequestRun start(Prepared p, boolean collect, long startNanos) {
        ensureOpen();
        SpeechRequest r = p.request();
        long deadline = r.timeout() == null ? Long.MAX_VALUE : startNanos + r.timeout().toNanos();
        admission.acquire(deadline, r.timeout());
        metrics.requestStarted();
        GenerationOptions options = new GenerationOptions(r.sampling(), p.seed(), r.maxTokens(), GenerationOptions.MAYA1_MIN_NEW_TOKENS, true,
                deadline); // maxNewTokens is set per piece
        int crossfade = (int) (config.crossfade().toNanos() * components.vocoder().sampleRate() / 1_000_000_000L);
        AtomicBoolean released = new AtomicBoolean();
        RequestRun[] holder = new RequestRun[1];
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.remove(holder[0]);
                admission.release();
                metrics.requestEnded();
            }
        };
        RequestRun run = new RequestRun(this, components.acoustic(), components.vocoder(), p.pieces(), options, NoiseMode.seeded(p.seed()),
                startNanos, LEADING_TRIM_SAMPLES, crossfade, info.testModel(), collect, release);
        holder[0] = run;
        inFlight.add(run);
        try {
            lmThreads.execute(run::runLm);
        } catch (RejectedExecutionException e) {
            release.run();
            throw new IllegalStateException("Maya1Tts engine is closed", e);
        }
        return run;
    }

    /** Process-unique engine number (metrics tag {@code engine}, thread names). */
    int id() {
        return id;
    }

    void kvTokensDelta(long delta) {
        kvTokens.addAndGet(delta);
    }

    long kvBytesInUse() {
        return kvTokens.get() * components.kvBytesPerToken();
    }

    int activeRequests() {
        return admission.active();
    }

    int queuedRequests() {
        return admission.queued();
    }

    public Speech synthesize(SpeechRequest request) {
        long t0 = System.nanoTime();
        Prepared p = prepare(request);
        Optional<Speech> hit = fromCache(p, t0);
        if (hit.isPresent()) {
            return hit.get();
        }
        try (RequestRun run = start(p, true, t0)) {
            while (run.read() != null) {
                // chunks are collected by the run
            }
            SpeechStats stats = run.stats().orElseThrow();
            float[] samples = run.collectedSamples();
            finished(p, stats, samples);
            return new Speech(samples, stats, request.format());
        }
    }

    public SpeechStats stream(SpeechRequest request, SpeechListener listener) {
        if (listener == null) {
            throw new InvalidRequestException("listener", "listener is null");
        }
        long t0 = System.nanoTime();
        Prepared p = prepare(request);
        Optional<Speech> hit = fromCache(p, t0);
        if (hit.isPresent()) {
            Speech s = hit.get();
            float[] pcm = s.samples();
            listener.onChunk(new AudioChunk(pcm, s.sampleRate(), 0, 0, 0, true));
            listener.onComplete(s.stats());
            return s.stats();
        }
        try (RequestRun run = start(p, p.cacheKey() != null, t0)) {
            AudioChunk c;
            while ((c = run.read()) != null) {
                if (!listener.onChunk(c)) {
                    run.cancel();
                    break;
                }
            }
            run.close();
            SpeechStats stats = run.stats().orElseThrow();
            if (stats.finishReason() != FinishReason.CANCELLED && p.cacheKey() != null) {
                finished(p, stats, run.collectedSamples());
            } else {
                metrics.recordRequest(stats);
            }
            listener.onComplete(stats);
            return stats;
        }
    }

    public AudioStream openStream(SpeechRequest request) {
        long t0 = System.nanoTime();
        Prepared p = prepare(request);
        Optional<Speech> hit = fromCache(p, t0);
        if (hit.isPresent()) {
            return new CachedAudioStream(hit.get());
        }
        RequestRun run = start(p, false, t0);
        return new MeteredStream(run);
    }

    public Flow.Publisher<AudioChunk> publisher(SpeechRequest request) {
        ensureOpen();
        return new ChunkPublisher(() -> openStream(request), lmThreads);
    }

    /** Runs a tiny request once so the JIT compiles the LM and vocoder kernels. */
    public void warmUp() {
        ensureOpen();
        if (!warmedUp.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        SpeechRequest r = SpeechRequest.builder().text("Warm up.").seed(0).maxTokens(Math.min(WARM_UP_TOKENS, info.contextLength() / 2)).build();
        Prepared p = prepare(r);
        try (RequestRun run = start(new Prepared(r, p.description(), p.pieces(), 0, null), false, t0)) {
            while (run.read() != null) {
                // discard
            }
        }
        LOG.info("warm-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    private Optional<Speech> fromCache(Prepared p, long t0) {
        if (p.cacheKey() == null) {
            return Optional.empty();
        }
        Optional<SpeechCache.Entry> e;
        try {
            e = cache.get(p.cacheKey());
        } catch (RuntimeException ex) {
            LOG.warn("speech cache lookup failed, treating as a miss: {}", ex.toString());
            e = Optional.empty();
        }
        metrics.cacheResult(e.isPresent());
        if (e.isEmpty()) {
            return Optional.empty();
        }
        SpeechCache.Entry en = e.get();
        long now = System.nanoTime();
        SpeechStats stats = new SpeechStats(Duration.ofNanos(now - t0), Duration.ofNanos(now - t0), 0, 0, 0, 0, en.frames(), en.samples().length,
                en.pieces(), en.finishReason(), true, info.testModel());
        metrics.recordRequest(stats);
        return Optional.of(new Speech(en.samples(), stats, p.request().format()));
    }

    private void finished(Prepared p, SpeechStats stats, float[] samples) {
        metrics.recordRequest(stats);
        if (p.cacheKey() != null && stats.finishReason() != FinishReason.CANCELLED && stats.finishReason() != FinishReason.DEADLINE
                && stats.finishReason() != FinishReason.ERROR) {
            try {
                cache.put(p.cacheKey(), new SpeechCache.Entry(samples, stats.frames(), stats.pieces(), stats.finishReason()));
            } catch (RuntimeException ex) {
                LOG.warn("speech cache store failed: {}", ex.toString());
            }
        }
    }

    /** Records metrics when the pull stream completes. */
    private final class MeteredStream implements AudioStream {
        private final RequestRun run;
        private boolean recorded;

        MeteredStream(RequestRun run) {
            this.run = run;
        }

        @Override
        public AudioChunk read() {
            AudioChunk c = run.read();
            record(c);
            return c;
        }

        @Override
        public Optional<AudioChunk> read(Duration timeout) {
            Optional<AudioChunk> c = run.read(timeout);
            c.ifPresent(this::record);
            return c;
        }

        private void record(AudioChunk c) {
            if (c != null && c.last() && !recorded) {
                recorded = true;
                run.stats().ifPresent(metrics::recordRequest);
            }
        }

        @Override
        public Optional<SpeechStats> stats() {
            return run.stats();
        }

        @Override
        public void close() {
            run.close();
            if (!recorded) {
                recorded = true;
                run.stats().ifPresent(metrics::recordRequest);
            }
        }
    }

    /** A finished utterance from the cache as a one-chunk stream. */
    private static final class CachedAudioStream implements AudioStream {
        private final Speech speech;
        private boolean delivered;
        private boolean closed;

        CachedAudioStream(Speech speech) {
            this.speech = speech;
        }

        @Override
        public AudioChunk read() {
            if (closed) {
                throw new IllegalStateException("audio stream is closed");
            }
            if (delivered) {
                return null;
            }
            delivered = true;
            return new AudioChunk(speech.samples(), speech.sampleRate(), 0, 0, 0, true);
        }

        @Override
        public Optional<AudioChunk> read(Duration timeout) {
            return Optional.ofNullable(read());
        }

        @Override
        public Optional<SpeechStats> stats() {
            return Optional.of(speech.stats());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Cancels in-flight requests, stops threads, frees the models. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (RequestRun r : inFlight) {
            r.cancel();
        }
        for (RequestRun r : inFlight) {
            r.awaitLmExit(Duration.ofSeconds(10));
        }
        lmThreads.shutdownNow();
        try {
            if (!lmThreads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("request threads did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
        if (vocoderPump != null) {
            vocoderPump.close();
        }
        closeQuietly(components.acoustic());
        closeQuietly(components.vocoder());
        if (lmExecutor != null) {
            lmExecutor.close();
        }
        if (vocoderExecutor != null) {
            vocoderExecutor.close();
        }
    }

    /** The shared batched vocoder thread, or null when {@link Maya1Config#batchedVocoder()} is off. */
    ai.maya1.vocoder.snac.VocoderPump vocoderPump() {
        return vocoderPump;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c, e.toString());
        }
    }

    static Maya1Exception wrap(Throwable t) {
        return t instanceof Maya1Exception m ? m : new Maya1Exception(t.toString(), t);
    }
}
