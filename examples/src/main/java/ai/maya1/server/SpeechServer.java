package ai.maya1.server;

import ai.maya1.Maya1Exception;
import ai.maya1.audio.AudioEncoder;
import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.Mp3;
import ai.maya1.tokenizer.InvalidTextException;
import ai.maya1.tts.AudioChunk;
import ai.maya1.tts.DeadlineExceededException;
import ai.maya1.tts.InvalidRequestException;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.OverloadedException;
import ai.maya1.tts.PromptTooLongException;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import ai.maya1.tts.Voice;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI-compatible speech server on Helidon SE 4 (every request on its own virtual thread).
 *
 * <ul>
 *   <li>{@code POST /v1/audio/speech}: OpenAI's speech API; audio is streamed as it is synthesized (chunked
 *       transfer, or server-sent events with {@code stream_format=sse}).</li>
 *   <li>{@code GET /v1/audio/voices}: the accepted voice names and the Maya1 description each stands for.</li>
 *   <li>{@code GET /health/live}, {@code GET /health/ready} (model loaded and warmed up), {@code GET /metrics}
 *       (Prometheus text format: server, engine, cache and JVM meters).</li>
 * </ul>
 * The HTTP listener starts at once and the model loads in the background, so orchestrators see liveness during a
 * long load and readiness only when requests can be served. Logs: logger {@code ai.maya1.server.access} writes one
 * line per request (method, route, status, bytes, time, subject, address, request id), {@code ai.maya1.server.audit}
 * one line per synthesis (subject, voice, format, input length, audio seconds, TTFA, cache, result); never text.
 */
public final class SpeechServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpeechServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("ai.maya1.server.access");
    private static final Logger AUDIT = LoggerFactory.getLogger("ai.maya1.server.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final io.helidon.http.HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    private final ServerConfig config;
    private final PrometheusMeterRegistry registry;
    private final JwtAuthenticator auth;
    private final RateLimiter limiter;
    private final RedisSpeechCache redisCache;
    private final boolean mp3;
    private final WebServer web;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Thread loader;
    private volatile Maya1Tts tts;
    private volatile VoiceCatalog voices;
    private volatile String loadError;
    private volatile boolean closed;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer ttfa;
    private final Counter synthesisCompleted;
    private final Counter audioSeconds;

    /** One request as the access log sees it. */
    private static final class Exchange {
        final long start = System.nanoTime();
        String requestId;
        String subject = "-";
        String route;
        long bytesIn;
        /** The outcome for the access log and metrics when it is not the status on the wire (499, or an abort). */
        int outcomeStatus = -1;
        /** Status and headers are on the wire: an error can only end the response, not replace it. */
        boolean committed;
    }

    /** nginx's status for a request whose client closed the connection before the response was complete. */
    static final int CLIENT_CLOSED = 499;

    @FunctionalInterface
    private interface Route {
        void handle(ServerRequest req, ServerResponse res, Exchange x) throws Exception;
    }

    private final boolean ownsEngine;
    private final ReadDeadlines readDeadlines;

    private SpeechServer(ServerConfig config, Function<Maya1Config, Maya1Tts> engines, boolean ownsEngine) {
        this.config = config;
        this.ownsEngine = ownsEngine;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        this.auth = switch (config.auth()) {
            case "hs256" -> JwtAuthenticator.hs256(config.jwtSecret().getBytes(StandardCharsets.UTF_8), config.audience(), config.issuer());
            case "jwks" -> JwtAuthenticator.jwksFile(config.jwksFile(), config.audience(), config.issuer());
            default -> null;
        };
        this.limiter = new RateLimiter(config.rateCapacity(), config.ratePerMinute());
        this.redisCache = config.redisUri() == null ? null
                : new RedisSpeechCache(config.redisUri(), config.cacheTtl(), Maya1Config.DEFAULT_CACHE_BYTES, registry);
        this.mp3 = Mp3.available();
        this.ttfa = Timer.builder("maya1.server.ttfa").description("request arrival to the first audio: sent, or synthesized for a WAV sent complete")
                .publishPercentileHistogram().serviceLevelObjectives(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(2)).minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        this.synthesisCompleted = Counter.builder("maya1.server.synthesis.completed").description("syntheses streamed to the end").register(registry);
        this.audioSeconds = Counter.builder("maya1.server.audio.seconds").description("seconds of audio sent").register(registry);
        Gauge.builder("maya1.server.requests.in.flight", inFlight, AtomicInteger::get).description("speech requests being served")
                .register(registry);
        Gauge.builder("maya1.server.ready", this, s -> s.tts != null && !s.closed ? 1 : 0).register(registry);

        this.readDeadlines = new ReadDeadlines(config.readTimeout());
        // Helidon's idle check closes a connection that waits for (or is in the middle of) a request line. It measures
        // from the start of the last request, and a request running longer than the idle timeout would have its
        // connection closed after the response without a "Connection: close" (a client reusing it would fail), so the
        // idle timeout outlasts any request: the request timeout plus time to read the request and write the end.
        Duration idleTimeout = config.requestTimeout().plus(config.readTimeout().multipliedBy(2));
        long idlePeriodMillis = Math.clamp(config.readTimeout().toMillis() / 4, 1000L, 5000L);
        io.helidon.webserver.WebServerConfig.Builder wb = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(config.maxBodyBytes() * 2)
                .idleConnectionTimeout(idleTimeout)
                .idleConnectionPeriod(Duration.ofMillis(idlePeriodMillis))
                .maxTcpConnections(config.maxConnections())
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .connectionOptions(o -> o.readTimeout(config.readTimeout()).connectTimeout(Duration.ofSeconds(10)))
                .addProtocol(io.helidon.webserver.http1.Http1Config.builder().maxHeadersSize(MAX_HEADER_BLOCK_BYTES)
                        .addReceiveListener(readDeadlines.headerListener()).build())
                .directHandlers(directHandlers())
                .routing(this::routes);
        if (config.tlsKeystore() != null) {
            wb.tls(Tls.builder().sslContext(sslContext(config)).build());
        }
        this.web = wb.build().start();
        LOG.info("maya1 speech server listening on {}://{}:{} ({})", config.tlsKeystore() != null ? "https" : "http", config.host(),
                web.port(), config);

        Maya1Config.Builder mc = Maya1Config.builder()
                .model(ModelSource.parse(config.model()))
                .warmUpOnStart(config.warmUp())
                .maxConcurrentRequests(config.maxConcurrent())
                .batching(config.batching() && config.maxConcurrent() > 1) // concurrent requests share one weight pass per step
                .maxQueuedRequests(config.maxQueued())
                .meterRegistry(registry);
        if (config.threads() > 0) {
            mc.threads(config.threads());
        }
        if (redisCache != null) {
            mc.cache(redisCache);
        }
        Maya1Config engineConfig = mc.build();
        this.loader = Thread.ofPlatform().name("maya1-server-loader").daemon(true).start(() -> {
            long t0 = System.nanoTime();
            try {
                Maya1Tts t = engines.apply(engineConfig);
                voices = new VoiceCatalog(t.voicePresets());
                tts = t;
                LOG.info("model ready in {} ms: {} {}", (System.nanoTime() - t0) / 1_000_000, t.info(), t.info().label());
            } catch (RuntimeException | Error e) {
                loadError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                LOG.error("model failed to load: {}", loadError, e);
            } finally {
                loaded.countDown();
            }
        });
    }

    /** Starts the server and loads the model in the background. */
    public static SpeechServer start(ServerConfig config) {
        return new SpeechServer(config, Maya1Tts::create, true);
    }

    /**
     * As {@link #start(ServerConfig)} with a custom engine factory; it receives the engine configuration the server
     * derived from {@code config} (model, threads, admission limits, its meter registry and Redis cache).
     */
    public static SpeechServer start(ServerConfig config, Function<Maya1Config, Maya1Tts> engines) {
        return new SpeechServer(config, engines, true);
    }

    /**
     * Serves an engine the application owns (and closes itself): {@code config.model()} and the engine settings of
     * {@code config} are then ignored, and the Redis cache, if configured, must be the engine's own.
     */
    public static SpeechServer serve(ServerConfig config, Maya1Tts engine) {
        java.util.Objects.requireNonNull(engine, "engine");
        return new SpeechServer(config, c -> engine, false);
    }

    /** The bound port. */
    public int port() {
        return web.port();
    }

    public boolean ready() {
        return tts != null && !closed;
    }

    /**
     * Waits until the model is loaded.
     *
     * @return true when ready, false on timeout
     * @throws IllegalStateException when the model failed to load
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        boolean done = loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (done && loadError != null) {
            throw new IllegalStateException("model failed to load: " + loadError);
        }
        return done;
    }

    /** The model load error, if it failed. */
    public Optional<String> loadError() {
        return Optional.ofNullable(loadError);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The engine, once loaded. */
    public Optional<Maya1Tts> engine() {
        return Optional.ofNullable(tts);
    }

    private void routes(HttpRouting.Builder r) {
        r.get("/health/live", observed("live", (req, res, x) -> json(res, 200, "{\"status\":\"live\"}")))
                .get("/health/ready", observed("ready", (req, res, x) -> ready(res)))
                .get("/metrics", observed("metrics", (req, res, x) -> {
                    res.headers().contentType(io.helidon.common.media.type.MediaTypes.create("text/plain; version=0.0.4; charset=utf-8"));
                    res.send(registry.scrape().getBytes(StandardCharsets.UTF_8));
                }))
                .get("/v1/audio/voices", observed("voices", this::voices))
                .post("/v1/audio/speech", observed("speech", this::speech))
                .any(observed("unmatched", (req, res, x) -> {
                    String p = req.path().path();
                    boolean known = p.equals("/v1/audio/speech") || p.equals("/v1/audio/voices") || p.startsWith("/health/") || p.equals("/metrics");
                    throw known ? new ApiException(405, "invalid_request_error", "method_not_allowed", null,
                            req.prologue().method().text() + " is not allowed on " + p, 0)
                            : new ApiException(404, "invalid_request_error", "not_found", null, "no such route: " + clip(p), 0);
                }));
    }

    private io.helidon.webserver.http.Handler observed(String route, Route handler) {
        return (req, res) -> {
            Exchange x = new Exchange();
            x.route = route;
            x.requestId = req.headers().first(REQUEST_ID).filter(v -> v.matches("[A-Za-z0-9._-]{1,64}"))
                    .orElseGet(() -> UUID.randomUUID().toString());
            res.header(REQUEST_ID, x.requestId);
            try {
                checkHeaderSizes(req);
                handler.handle(req, res, x);
            } catch (ApiException e) {
                sendError(res, e, x);
            } catch (CloseConnectionException e) {
                // an aborted response (outcome set by the route) or a write to a client that has gone
                if (x.outcomeStatus < 0) {
                    x.outcomeStatus = CLIENT_CLOSED;
                }
                LOG.debug("request {}: connection closed ({})", x.requestId, e.getMessage());
                throw e;
            } catch (UncheckedIOException e) {
                x.outcomeStatus = CLIENT_CLOSED;
                LOG.debug("request {}: client connection closed ({})", x.requestId, e.getMessage());
                throw new CloseConnectionException("client closed the connection", e);
            } catch (Exception e) {
                LOG.error("request {} failed", x.requestId, e);
                sendError(res, ApiException.internal("internal error (request id " + x.requestId + ")"), x);
            } finally {
                long nanos = System.nanoTime() - x.start;
                int status = x.outcomeStatus > 0 ? x.outcomeStatus : res.status().code();
                Timer.builder("maya1.server.requests").tag("route", route).tag("status", Integer.toString(status))
                        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
                if (ACCESS.isInfoEnabled()) {
                    ACCESS.info("{} {} {} status={} in={}B out={}B ms={} sub={} ip={} rid={}", req.prologue().method().text(),
                            clip(req.path().path()), route, status, x.bytesIn, res.bytesWritten(), nanos / 1_000_000, x.subject,
                            remote(req), x.requestId);
                }
            }
        };
    }

    /**
     * JSON bodies (the API's error shape) for the errors Helidon answers before routing: a request line or header
     * block that is too long or malformed (400), a declared body over the size limit (413), an unsupported HTTP
     * version (505). They are counted in {@code maya1_server_rejected_total} and access-logged with route
     * {@code rejected}.
     */
    private io.helidon.webserver.http.DirectHandlers directHandlers() {
        io.helidon.http.DirectHandler handler = (request, eventType, status, headers, message) -> {
            int code = status.code();
            ApiException e = switch (code) {
                case 413 -> ApiException.tooLarge("request body larger than " + config.maxBodyBytes() + " bytes");
                case 505 -> new ApiException(505, "invalid_request_error", "http_version_not_supported", null,
                        "HTTP version not supported; use HTTP/1.1", 0);
                default -> code < 500
                        ? new ApiException(code, "invalid_request_error", "invalid_request", null,
                                "malformed HTTP request (request line or headers too long or invalid)" + (message == null || message.isBlank()
                                        ? "" : ": " + clip(message)), 0)
                        : ApiException.internal("internal error");
            };
            Counter.builder("maya1.server.rejected").description("requests answered before routing (malformed or too large)")
                    .tag("status", Integer.toString(code)).register(registry).increment();
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info("{} {} rejected status={} in=0B out=-B ms=0 sub=- ip=- rid=-", clip(request.method()), clip(request.path()), code);
            }
            headers.set(HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json"));
            return io.helidon.http.DirectHandler.TransportResponse.builder().status(status).headers(headers).entity(e.toJson())
                    .keepAlive(eventType.keepAlive()).build();
        };
        io.helidon.webserver.http.DirectHandlers.Builder b = io.helidon.webserver.http.DirectHandlers.builder();
        for (io.helidon.http.DirectHandler.EventType t : io.helidon.http.DirectHandler.EventType.values()) {
            b.addHandler(t, handler);
        }
        return b.build();
    }

    /** Largest value of one request header; a larger one (a 20 KB Authorization, say) is a JSON 400 naming it. */
    static final int MAX_HEADER_VALUE_BYTES = 8192;
    /** Helidon's limit on the whole header block, above the per-header one so that the route can name the header. */
    static final int MAX_HEADER_BLOCK_BYTES = 65_536;

    private static void checkHeaderSizes(ServerRequest req) {
        for (io.helidon.http.Header h : req.headers()) {
            int size = 0;
            for (String v : h.allValues()) {
                size += v.length();
            }
            if (size > MAX_HEADER_VALUE_BYTES) {
                throw new ApiException(400, "invalid_request_error", "header_too_large", null, "request header " + clip(h.name())
                        + " has " + size + " bytes, more than the limit of " + MAX_HEADER_VALUE_BYTES, 0);
            }
        }
    }

    private static String remote(ServerRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(req.remotePeer().address());
    }

    private void ready(ServerResponse res) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        Maya1Tts t = tts;
        if (t != null && !closed) {
            n.put("status", "ready");
            n.put("model", t.info().model());
            n.put("backend", t.info().acousticBackend());
            n.put("test_model", t.info().testModel());
            json(res, 200, n.toString());
        } else {
            n.put("status", closed ? "closing" : loadError != null ? "failed" : "loading");
            if (loadError != null) {
                n.put("error", loadError);
            }
            json(res, 503, n.toString());
        }
    }

    private JwtAuthenticator.Principal authenticate(ServerRequest req, Exchange x) {
        if (auth == null) {
            x.subject = "anonymous@" + remote(req);
            return new JwtAuthenticator.Principal(x.subject, null);
        }
        try {
            JwtAuthenticator.Principal p = auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
            x.subject = clip(p.subject());
            return p;
        } catch (ApiException e) {
            Counter.builder("maya1.server.auth.failures").tag("code", e.code()).register(registry).increment();
            throw e;
        }
    }

    private void voices(ServerRequest req, ServerResponse res, Exchange x) throws IOException {
        authenticate(req, x);
        VoiceCatalog v = requireReady().voices;
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String name : v.names()) {
            String preset = v.resolve(name).orElseThrow();
            ObjectNode o = data.addObject();
            o.put("id", name);
            o.put("name", name);
            o.put("preset", preset);
            o.put("openai_alias", v.isAlias(name));
            v.description(preset).ifPresent(d -> o.put("description", d));
        }
        json(res, 200, root.toString());
    }

    private SpeechServer requireReady() {
        if (closed) {
            throw ApiException.notReady("server is shutting down");
        }
        if (tts == null) {
            throw ApiException.notReady(loadError != null ? "model failed to load" : "model is still loading");
        }
        return this;
    }

    private void speech(ServerRequest req, ServerResponse res, Exchange x) throws Exception {
        JwtAuthenticator.Principal who = authenticate(req, x);
        RateLimiter.Decision d = limiter.tryAcquire(who.subject());
        res.header(HeaderValues.create("x-ratelimit-limit-requests", Long.toString(limiter.capacity())));
        res.header(HeaderValues.create("x-ratelimit-remaining-requests", Long.toString(d.remaining())));
        if (!d.allowed()) {
            Counter.builder("maya1.server.rate.limited").register(registry).increment();
            throw ApiException.rateLimited(d.retryAfterSeconds());
        }
        requireReady();
        Maya1Tts engine = tts;
        byte[] body = readBody(req, x);
        OpenAiSpeechRequest r = OpenAiSpeechRequest.parse(body, voices, config, mp3);
        SpeechRequest.Builder sb = SpeechRequest.builder().text(r.input()).format(r.format()).timeout(config.requestTimeout());
        sb.voice(r.instructions() != null ? Voice.description(r.instructions()) : Voice.preset(r.voicePreset()));
        if (r.seed() != null) {
            sb.seed(r.seed());
        }
        SpeechRequest request;
        try {
            request = sb.build();
        } catch (InvalidRequestException e) {
            throw map(e, r);
        }
        inFlight.incrementAndGet();
        String result = "error";
        SpeechStats stats = null;
        StreamingListener listener = new StreamingListener(res, r, x, engine.info().testModel());
        try {
            try {
                stats = engine.stream(request, listener);
            } catch (RuntimeException e) {
                if (listener.clientGone != null) {
                    result = "client_closed";
                    throw clientClosed(x, listener.clientGone);
                }
                ApiException api = map(e, r);
                if (!listener.started) {
                    result = api.code();
                    throw api; // nothing sent yet: a JSON error
                }
                // audio has started: the response can only be ended so that the client sees it is incomplete
                result = e instanceof DeadlineExceededException ? "deadline" : "error";
                if (api.status() >= 500 && !(e instanceof DeadlineExceededException)) {
                    LOG.error("request {}: synthesis failed after audio had started", x.requestId, e);
                }
                listener.abort(api);
                return;
            }
            if (listener.clientGone != null) {
                result = "client_closed";
                throw clientClosed(x, listener.clientGone);
            }
            if (!listener.started) {
                // the engine never hands out an empty first chunk, and a deadline before audio is an exception
                result = "no_audio";
                throw ApiException.internal("synthesis produced no audio (" + stats.finishReason() + ")");
            }
            if (stats.finishReason() == ai.maya1.acoustic.FinishReason.DEADLINE) {
                result = "deadline";
                listener.abort(ApiException.timeout("the request timeout of " + config.requestTimeout().toSeconds()
                        + " s passed while audio was being sent; the audio is incomplete"));
                return;
            }
            listener.finish(stats);
            synthesisCompleted.increment();
            result = stats.finishReason().name().toLowerCase(Locale.ROOT);
        } catch (IOException | UncheckedIOException e) {
            result = "client_closed";
            throw clientClosed(x, e);
        } catch (CloseConnectionException e) {
            if (x.outcomeStatus < 0) {
                result = "client_closed";
            }
            throw e;
        } finally {
            inFlight.decrementAndGet();
            long sent = listener.sent;
            audioSeconds.increment(sent / 24_000.0);
            AUDIT.info("sub={} rid={} voice={} custom_voice={} format={} stream={} input_chars={} audio_s={} ttfa_ms={} cached={} result={}",
                    x.subject, x.requestId, r.voicePreset(), r.instructions() != null, r.format().name().toLowerCase(Locale.ROOT),
                    r.sse() ? "sse" : "audio", r.input().length(), String.format(Locale.ROOT, "%.2f", sent / 24_000.0),
                    listener.ttfaMillis, stats != null && stats.cached(), result);
        }
    }

    /** A client hang-up: 499 in the access log and metrics, no stack trace, and the connection is dropped. */
    private static CloseConnectionException clientClosed(Exchange x, Throwable cause) {
        x.outcomeStatus = CLIENT_CLOSED;
        return new CloseConnectionException("client closed the connection", cause);
    }

    /**
     * Writes audio to the response as the engine delivers it (on this request's virtual thread). Headers are
     * committed with the first chunk, so everything the engine rejects before that is still a JSON error. A
     * response whose whole audio is known before anything is sent (a cached result, or {@code wav} unless
     * {@link ServerConfig#streamWav()}) is sent at once with exact sizes and a Content-Length.
     */
    private final class StreamingListener implements ai.maya1.tts.SpeechListener {
        private final ServerResponse res;
        private final OpenAiSpeechRequest r;
        private final Exchange x;
        private final boolean testModel;
        private final boolean buffer;
        private AudioEncoder enc;
        private OutputStream out;
        private Sink sink;
        private float[] buffered = new float[0];
        private int bufferedLength;
        /** Audio was accepted: the request is past the point where a JSON error could replace it. */
        boolean started;
        /** The client went away while audio was written. */
        Throwable clientGone;
        long sent;
        long ttfaMillis = -1;

        StreamingListener(ServerResponse res, OpenAiSpeechRequest r, Exchange x, boolean testModel) {
            this.res = res;
            this.r = r;
            this.x = x;
            this.testModel = testModel;
            this.buffer = !r.sse() && !config.streamWav() && r.format().container() == ai.maya1.audio.AudioFormat.Container.WAV;
        }

        @Override
        public boolean onChunk(AudioChunk c) {
            try {
                if (!started) {
                    started = true;
                    long t = System.nanoTime() - x.start;
                    ttfa.record(t, TimeUnit.NANOSECONDS);
                    ttfaMillis = t / 1_000_000;
                    if (c.last() && !r.sse()) {
                        // the whole audio is here (a cached result): exact sizes and a Content-Length
                        sent += c.samples().length;
                        sendWhole(c.samples());
                        return true;
                    }
                }
                if (buffer) {
                    append(c.samples());
                    return true;
                }
                if (sink == null) {
                    commitHeaders();
                    enc = AudioEncoders.streaming(r.format());
                    out = res.outputStream();
                    sink = r.sse() ? new SseSink(out) : new RawSink(out);
                    sink.write(enc.start());
                }
                sink.write(enc.encode(c.samples()));
                sink.flush();
                sent += c.samples().length;
                return true;
            } catch (IOException e) {
                clientGone = e;
                return false;
            } catch (UncheckedIOException | CloseConnectionException e) {
                clientGone = e;
                return false;
            }
        }

        private void commitHeaders() {
            res.status(200);
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.headers().contentType(io.helidon.common.media.type.MediaTypes.create(r.sse() ? "text/event-stream" : r.format().mimeType()));
            if (testModel) {
                res.header(HeaderValues.create("x-maya1-model", "test model: output is not speech"));
            }
            x.committed = true;
        }

        private void append(float[] samples) {
            if (bufferedLength + samples.length > buffered.length) {
                buffered = java.util.Arrays.copyOf(buffered, Math.max(bufferedLength + samples.length, buffered.length * 2));
            }
            System.arraycopy(samples, 0, buffered, bufferedLength, samples.length);
            bufferedLength += samples.length;
        }

        private void sendWhole(float[] samples) {
            byte[] bytes = AudioEncoders.encodeAll(samples, r.format());
            commitHeaders();
            res.send(bytes); // Helidon sets Content-Length for a byte[] entity
        }

        /** Ends a response that could not be completed: a JSON error if nothing was sent, else an abort. */
        void abort(ApiException e) throws IOException {
            if (!x.committed) {
                throw e;
            }
            x.outcomeStatus = e.status();
            if (sink instanceof SseSink sse) {
                sse.error(e);
                sse.flush();
                out.close();
                return;
            }
            // no terminating chunk: the client's HTTP library reports a truncated body instead of a short success
            throw new CloseConnectionException("response aborted: " + e.getMessage());
        }

        void finish(SpeechStats stats) throws IOException {
            if (buffer) {
                sent = bufferedLength;
                sendWhole(java.util.Arrays.copyOf(buffered, bufferedLength));
                return;
            }
            if (sink == null) {
                return; // sent whole
            }
            sink.write(enc.finish());
            if (sink instanceof SseSink sse) {
                sse.done(stats);
            }
            sink.flush();
            out.close();
        }
    }

    /**
     * Maps an engine exception to the API's error, naming the request's fields ({@code input}, {@code instructions})
     * and the limits a caller can act on, never the engine's internal prompt or operator settings.
     */
    private ApiException map(RuntimeException e, OpenAiSpeechRequest r) {
        if (e instanceof ApiException a) {
            return a;
        }
        if (e instanceof OverloadedException) {
            return ApiException.overloaded("server is at capacity: " + e.getMessage());
        }
        if (e instanceof DeadlineExceededException) {
            return ApiException.timeout("no audio within the request timeout of " + config.requestTimeout().toSeconds() + " s");
        }
        if (e instanceof PromptTooLongException p) {
            String with = r.instructions() != null ? "instructions" : "voice '" + r.voicePreset() + "'";
            return ApiException.badRequest("input", "input_too_long", "input is too long for the model: with the " + with
                    + " it takes " + p.promptTokens() + " tokens, and at most " + p.maxPromptTokens()
                    + " fit in one request; send shorter input (emoji and symbols take several tokens per character)");
        }
        if (e instanceof InvalidTextException t) {
            String param = param(t.field(), r);
            return ApiException.badRequest(param, "invalid_" + param, param + " at position " + t.position() + ": " + t.reason());
        }
        if (e instanceof InvalidRequestException ir) {
            String param = param(ir.field(), r);
            return ApiException.badRequest(param, "invalid_request", ir.getMessage());
        }
        if (e instanceof Maya1Exception) {
            return ApiException.internal("synthesis failed: " + e.getMessage());
        }
        throw e;
    }

    /** The request field behind an engine field. */
    private static String param(String engineField, OpenAiSpeechRequest r) {
        return switch (engineField == null ? "" : engineField) {
            case "text" -> "input";
            case "description", "voice" -> r.instructions() != null ? "instructions" : "voice";
            case "seed" -> "seed";
            default -> engineField;
        };
    }

    private byte[] readBody(ServerRequest req, Exchange x) throws IOException {
        Optional<String> ct = req.headers().first(HeaderNames.CONTENT_TYPE);
        if (ct.isPresent() && !ct.get().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "invalid_request_error", "unsupported_media_type", null,
                    "request body must be application/json", 0);
        }
        long max = config.maxBodyBytes();
        Optional<String> cl = req.headers().first(HeaderNames.CONTENT_LENGTH);
        if (cl.isPresent()) {
            try {
                if (Long.parseLong(cl.get().trim()) > max) {
                    throw ApiException.tooLarge("request body larger than " + max + " bytes");
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(null, "invalid_request", "bad Content-Length");
            }
        }
        if (!req.content().hasEntity()) {
            throw ApiException.badRequest(null, "invalid_json", "request body is empty");
        }
        ReadDeadlines.Watch watch = readDeadlines.arm();
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        } catch (ApiException e) {
            readDeadlines.disarm(watch);
            throw e;
        } catch (RuntimeException | IOException e) {
            if (readDeadlines.disarm(watch)) {
                throw new ApiException(408, "invalid_request_error", "request_timeout", null,
                        "request body not received within " + config.readTimeout().toSeconds() + " s", 0);
            }
            // the client closed its side before the declared length, or sent a broken chunked body
            throw ApiException.badRequest(null, "incomplete_body", "request body ended before it was complete");
        }
        if (readDeadlines.disarm(watch)) {
            throw new ApiException(408, "invalid_request_error", "request_timeout", null,
                    "request body not received within " + config.readTimeout().toSeconds() + " s", 0);
        }
        if (body.length > max) {
            throw ApiException.tooLarge("request body larger than " + max + " bytes");
        }
        x.bytesIn = body.length;
        return body;
    }

    private static void json(ServerResponse res, int status, String body) {
        res.status(status);
        res.headers().contentType(io.helidon.common.media.type.MediaTypes.APPLICATION_JSON);
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code e} as the JSON error body; once the response has started it can only be ended (the connection is
     * closed without the body's terminator), never answered a second time.
     */
    private static void sendError(ServerResponse res, ApiException e, Exchange x) {
        if (x.committed || res.isSent()) {
            x.outcomeStatus = e.status();
            throw new CloseConnectionException("response already started; ending it for: " + e.getMessage());
        }
        res.status(e.status());
        res.headers().contentType(io.helidon.common.media.type.MediaTypes.APPLICATION_JSON);
        if (e.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        }
        try {
            res.send(e.toJson());
        } catch (UncheckedIOException | IllegalStateException ex) {
            // the client has gone (e.g. after a read timeout closed the socket): nothing more to say to it
            x.outcomeStatus = x.outcomeStatus > 0 ? x.outcomeStatus : e.status();
            throw new CloseConnectionException("could not send the error response", ex);
        }
    }

    private static String clip(String s) {
        if (s == null) {
            return "-";
        }
        String t = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}\\s]", "_");
    }

    private static SSLContext sslContext(ServerConfig c) {
        try (InputStream in = Files.newInputStream(c.tlsKeystore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            char[] pw = c.tlsPassword().toCharArray();
            ks.load(in, pw);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load TLS key store " + c.tlsKeystore() + ": " + e.getMessage(), e);
        }
    }

    /** Where encoded audio goes: the raw body, or SSE events. */
    private interface Sink {
        void write(byte[] bytes) throws IOException;

        void flush() throws IOException;
    }

    private record RawSink(OutputStream out) implements Sink {
        @Override
        public void write(byte[] bytes) throws IOException {
            if (bytes.length > 0) {
                out.write(bytes);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    /** OpenAI's speech SSE: {@code speech.audio.delta} events with base64 audio, then {@code speech.audio.done}. */
    private record SseSink(OutputStream out) implements Sink {
        @Override
        public void write(byte[] bytes) throws IOException {
            if (bytes.length > 0) {
                String ev = "data: {\"type\":\"speech.audio.delta\",\"audio\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"}\n\n";
                out.write(ev.getBytes(StandardCharsets.US_ASCII));
            }
        }

        /** OpenAI's stream error event: the audio before it is incomplete. */
        void error(ApiException e) throws IOException {
            out.write(e.toSseEvent());
        }

        void done(SpeechStats s) throws IOException {
            int in = s == null ? 0 : s.promptTokens();
            int outTok = s == null ? 0 : s.lmTokens();
            String ev = "data: {\"type\":\"speech.audio.done\",\"usage\":{\"input_tokens\":" + in + ",\"output_tokens\":" + outTok
                    + ",\"total_tokens\":" + (in + outTok) + "}}\n\n";
            out.write(ev.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    /** Stops accepting requests, lets running ones finish (grace period), closes the engine and the Redis client. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        web.stop();
        readDeadlines.close();
        try {
            loader.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Maya1Tts t = tts;
        if (t != null && ownsEngine) {
            t.close();
        }
        if (redisCache != null) {
            redisCache.close();
        }
        registry.close();
    }
}
