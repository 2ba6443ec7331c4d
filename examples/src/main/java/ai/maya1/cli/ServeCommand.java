package ai.maya1.cli;

import ai.maya1.server.ServerConfig;
import ai.maya1.server.SpeechServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maya1 serve}: the OpenAI-compatible speech server. Every option also reads an environment variable
 * (containers configure it that way); see docs/deployment.md.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the OpenAI-compatible speech server (POST /v1/audio/speech, /health/*, /metrics).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "${env:MAYA1_HOST:-127.0.0.1}", description = "listen address (env MAYA1_HOST)")
    String host;
    @Option(names = "--port", defaultValue = "${env:MAYA1_PORT:-8080}", description = "listen port, 0 for any (env MAYA1_PORT)")
    int port;
    @Option(names = "--model", defaultValue = "${env:MAYA1_MODEL:-hf:maya-research/maya1}",
            description = "model: test, hf:owner/name[@rev] or a path (env MAYA1_MODEL)")
    String model;
    @Option(names = "--threads", defaultValue = "${env:MAYA1_THREADS:-0}", description = "LM threads, 0 = all cores (env MAYA1_THREADS)")
    int threads;
    @Option(names = "--auth", defaultValue = "${env:MAYA1_AUTH:-none}", description = "none, hs256 or jwks (env MAYA1_AUTH)")
    String auth;
    @Option(names = "--jwks-file", defaultValue = "${env:MAYA1_JWKS_FILE}", description = "JWK set with RS256 keys (env MAYA1_JWKS_FILE)")
    Path jwksFile;
    @Option(names = "--audience", defaultValue = "${env:MAYA1_JWT_AUDIENCE}", description = "required JWT aud (env MAYA1_JWT_AUDIENCE)")
    String audience;
    @Option(names = "--issuer", defaultValue = "${env:MAYA1_JWT_ISSUER}", description = "required JWT iss (env MAYA1_JWT_ISSUER)")
    String issuer;
    @Option(names = "--rate-burst", defaultValue = "${env:MAYA1_RATE_BURST:-20}", description = "requests a key may burst (env MAYA1_RATE_BURST)")
    long rateBurst;
    @Option(names = "--rate-per-minute", defaultValue = "${env:MAYA1_RATE_PER_MINUTE:-60}",
            description = "requests a key regains per minute (env MAYA1_RATE_PER_MINUTE)")
    long ratePerMinute;
    @Option(names = "--max-body-bytes", defaultValue = "${env:MAYA1_MAX_BODY_BYTES:-65536}", description = "env MAYA1_MAX_BODY_BYTES")
    long maxBody;
    @Option(names = "--max-input-chars", defaultValue = "${env:MAYA1_MAX_INPUT_CHARS:-4096}", description = "env MAYA1_MAX_INPUT_CHARS")
    int maxInput;
    @Option(names = "--timeout", defaultValue = "${env:MAYA1_REQUEST_TIMEOUT:-PT120S}", description = "per-request limit, ISO-8601 (env MAYA1_REQUEST_TIMEOUT)")
    Duration timeout;
    @Option(names = "--tls-keystore", defaultValue = "${env:MAYA1_TLS_KEYSTORE}", description = "PKCS#12 key store for HTTPS (env MAYA1_TLS_KEYSTORE)")
    Path tlsKeystore;
    @Option(names = "--redis", defaultValue = "${env:MAYA1_REDIS_URI}", description = "redis://host:port for the shared speech cache (env MAYA1_REDIS_URI)")
    String redis;
    @Option(names = "--cache-ttl", defaultValue = "${env:MAYA1_CACHE_TTL:-P7D}", description = "env MAYA1_CACHE_TTL")
    Duration cacheTtl;
    @Option(names = "--default-seed", defaultValue = "${env:MAYA1_DEFAULT_SEED}", description = "seed for requests without one: makes them cacheable (env MAYA1_DEFAULT_SEED)")
    Long defaultSeed;
    @Option(names = "--no-warm-up", negatable = false, description = "skip the warm-up before reporting ready")
    boolean noWarmUp;
    @Option(names = "--max-concurrent", defaultValue = "${env:MAYA1_MAX_CONCURRENT:-2}", description = "env MAYA1_MAX_CONCURRENT")
    int maxConcurrent;
    @Option(names = "--max-queued", defaultValue = "${env:MAYA1_MAX_QUEUED:-16}", description = "env MAYA1_MAX_QUEUED")
    int maxQueued;
    @Option(names = "--read-timeout", defaultValue = "${env:MAYA1_READ_TIMEOUT:-PT30S}",
            description = "longest wait for a request's headers or body, ISO-8601 (env MAYA1_READ_TIMEOUT)")
    Duration readTimeout;
    @Option(names = "--max-connections", defaultValue = "${env:MAYA1_MAX_CONNECTIONS:-1000}",
            description = "connections served at once; more wait in the backlog (env MAYA1_MAX_CONNECTIONS)")
    int maxConnections;
    @Option(names = "--stream-wav", defaultValue = "${env:MAYA1_STREAM_WAV:-false}",
            description = "stream wav as it is made, with the unknown-size header, instead of sending it whole with exact sizes (env MAYA1_STREAM_WAV)")
    boolean streamWav;
    @Option(names = "--batching", negatable = true, defaultValue = "${env:MAYA1_BATCHING:-true}", fallbackValue = "true",
            description = "continuous batching of concurrent requests (default; --no-batching runs each alone) (env MAYA1_BATCHING)")
    boolean batching;

    @Override
    public Integer call() throws Exception {
        // secrets come from the environment only, never from the command line (visible in ps)
        ServerConfig config = ServerConfig.builder().host(host).port(port).model(model).threads(threads).auth(auth)
                .jwtSecret(System.getenv("MAYA1_JWT_SECRET")).jwksFile(jwksFile).audience(audience).issuer(issuer)
                .rateLimit(rateBurst, ratePerMinute).maxBodyBytes(maxBody).maxInputChars(maxInput).requestTimeout(timeout)
                .tls(tlsKeystore, System.getenv("MAYA1_TLS_PASSWORD")).redisUri(blankToNull(redis)).cacheTtl(cacheTtl)
                .defaultSeed(defaultSeed).warmUp(!noWarmUp).maxConcurrent(maxConcurrent).maxQueued(maxQueued)
                .readTimeout(readTimeout).maxConnections(maxConnections).streamWav(streamWav).batching(batching).build();
        SpeechServer server = SpeechServer.start(config);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "maya1-server-shutdown"));
        System.err.println("maya1 serve: listening on port " + server.port());
        try {
            server.awaitReady(Duration.ofDays(365));
        } catch (IllegalStateException e) {
            server.close();
            throw new ai.maya1.Maya1Exception(e.getMessage());
        }
        stop.await();
        return 0;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
