package ai.maya1.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the speech server; see docs/deployment.md for the matching {@code maya1 serve} options and
 * {@code MAYA1_*} environment variables.
 *
 * @param host                 listen address ({@code 0.0.0.0} in a container, {@code 127.0.0.1} by default)
 * @param port                 listen port, 0 for any free port
 * @param model                model source as {@code ModelSource.parse} reads it ({@code test}, {@code hf:...}, a path)
 * @param threads              LM compute threads, 0 for all cores
 * @param auth                 {@code none}, {@code hs256} or {@code jwks}
 * @param jwtSecret            HS256 shared secret (at least 32 bytes)
 * @param jwksFile             JWK set file with RS256 public keys
 * @param audience             required {@code aud} value
 * @param issuer               required {@code iss} value, or null
 * @param rateCapacity         burst size of each key's token bucket
 * @param ratePerMinute        tokens regained per minute per key
 * @param maxBodyBytes         largest accepted request body
 * @param maxInputChars        longest accepted {@code input}
 * @param maxInstructionsChars longest accepted {@code instructions}
 * @param requestTimeout       wall-clock limit of one synthesis (and of waiting for its first audio)
 * @param tlsKeystore          PKCS#12 key store with the server key and certificate chain, or null for plain HTTP
 * @param tlsPassword          its password
 * @param redisUri             {@code redis://host:port[/db]} for the shared speech cache, or null for in-memory only
 * @param cacheTtl             lifetime of cached speech in Redis
 * @param defaultSeed          seed used when a request gives none (makes requests deterministic, hence cacheable), or null
 * @param warmUp               warm up the model before reporting ready
 * @param maxConcurrent        requests synthesizing at once (engine admission)
 * @param maxQueued            requests waiting for a slot; beyond this the server answers 503
 * @param readTimeout          longest wait for a request's header block (after its request line) or its body; a body
 *                             not received in time is a 408, a stalled header block is closed. A connection that
 *                             sends no (complete) request line is closed after requestTimeout + 2 x readTimeout
 * @param maxConnections       open connections accepted at once; further ones wait in the listen backlog
 * @param streamWav            stream {@code wav} as it is synthesized, with the unknown-size header 0xFFFFFFFF,
 *                             instead of sending it complete with exact RIFF/data sizes and a Content-Length (the
 *                             default: what strict readers such as Python's {@code wave} need, and the same bytes
 *                             for the same seed whether synthesized or cached); {@code pcm} is the streaming format
 * @param batching             serve concurrent requests with continuous batching ({@code Maya1Config.batching}) when
 *                             more than one may run at once (default true); outputs are bit-identical either way
 */
public record ServerConfig(String host, int port, String model, int threads, String auth, String jwtSecret, Path jwksFile,
                           String audience, String issuer, long rateCapacity, long ratePerMinute, long maxBodyBytes,
                           int maxInputChars, int maxInstructionsChars, Duration requestTimeout, Path tlsKeystore,
                           String tlsPassword, String redisUri, Duration cacheTtl, Long defaultSeed, boolean warmUp,
                           int maxConcurrent, int maxQueued, Duration readTimeout, int maxConnections, boolean streamWav,
                           boolean batching) {

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        auth = auth == null ? "none" : auth.trim().toLowerCase(java.util.Locale.ROOT);
        switch (auth) {
            case "none" -> { }
            case "hs256" -> {
                if (jwtSecret == null || jwtSecret.length() < 32) {
                    throw new IllegalArgumentException("auth hs256 needs a JWT secret of at least 32 characters (MAYA1_JWT_SECRET)");
                }
                requireAudience(audience);
            }
            case "jwks" -> {
                if (jwksFile == null) {
                    throw new IllegalArgumentException("auth jwks needs a JWK set file (MAYA1_JWKS_FILE)");
                }
                requireAudience(audience);
            }
            default -> throw new IllegalArgumentException("auth must be none, hs256 or jwks, got '" + auth + "'");
        }
        if (rateCapacity < 1 || ratePerMinute < 1) {
            throw new IllegalArgumentException("rate limit capacity and per-minute refill must be >= 1");
        }
        if (maxBodyBytes < 256 || maxInputChars < 1 || maxInstructionsChars < 1) {
            throw new IllegalArgumentException("size limits must be positive (body >= 256 bytes)");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (readTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("read timeout must be at least 1 s, got " + readTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max connections must be >= 1, got " + maxConnections);
        }
        if (maxConcurrent < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("max concurrent must be >= 1 and max queued >= 0");
        }
        if (tlsKeystore != null && tlsPassword == null) {
            tlsPassword = "";
        }
    }

    private static void requireAudience(String audience) {
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("JWT auth needs an audience (MAYA1_JWT_AUDIENCE)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.model = model;
        b.threads = threads;
        b.auth = auth;
        b.jwtSecret = jwtSecret;
        b.jwksFile = jwksFile;
        b.audience = audience;
        b.issuer = issuer;
        b.rateCapacity = rateCapacity;
        b.ratePerMinute = ratePerMinute;
        b.maxBodyBytes = maxBodyBytes;
        b.maxInputChars = maxInputChars;
        b.maxInstructionsChars = maxInstructionsChars;
        b.requestTimeout = requestTimeout;
        b.tlsKeystore = tlsKeystore;
        b.tlsPassword = tlsPassword;
        b.redisUri = redisUri;
        b.cacheTtl = cacheTtl;
        b.defaultSeed = defaultSeed;
        b.warmUp = warmUp;
        b.maxConcurrent = maxConcurrent;
        b.maxQueued = maxQueued;
        b.readTimeout = readTimeout;
        b.maxConnections = maxConnections;
        b.streamWav = streamWav;
        b.batching = batching;
        return b;
    }

    @Override
    public String toString() {
        // never print secrets
        return "ServerConfig[host=" + host + ", port=" + port + ", model=" + model + ", auth=" + auth + ", audience=" + audience
                + ", rate=" + rateCapacity + "+" + ratePerMinute + "/min, maxBody=" + maxBodyBytes + ", maxInput=" + maxInputChars
                + ", timeout=" + requestTimeout + ", tls=" + (tlsKeystore != null) + ", redis=" + (redisUri != null)
                + ", defaultSeed=" + defaultSeed + ", concurrent=" + maxConcurrent + ", queued=" + maxQueued + ", readTimeout=" + readTimeout
                + ", maxConnections=" + maxConnections + ", streamWav=" + streamWav + ", batching=" + batching + "]";
    }

    /** Builder with the defaults of {@code maya1 serve}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private String model = "hf:maya-research/maya1";
        private int threads;
        private String auth = "none";
        private String jwtSecret;
        private Path jwksFile;
        private String audience;
        private String issuer;
        private long rateCapacity = 20;
        private long ratePerMinute = 60;
        private long maxBodyBytes = 64 * 1024;
        private int maxInputChars = 4096;
        private int maxInstructionsChars = 1000;
        private Duration requestTimeout = Duration.ofSeconds(120);
        private Path tlsKeystore;
        private String tlsPassword;
        private String redisUri;
        private Duration cacheTtl = Duration.ofDays(7);
        private Long defaultSeed;
        private boolean warmUp = true;
        private int maxConcurrent = 2;
        private int maxQueued = 16;
        private Duration readTimeout = Duration.ofSeconds(30);
        private int maxConnections = 1000;
        private boolean streamWav;
        private boolean batching = true;

        private Builder() {
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder model(String v) { model = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder auth(String v) { auth = v; return this; }
        public Builder jwtSecret(String v) { jwtSecret = v; return this; }
        public Builder jwksFile(Path v) { jwksFile = v; return this; }
        public Builder audience(String v) { audience = v; return this; }
        public Builder issuer(String v) { issuer = v; return this; }
        public Builder rateLimit(long capacity, long perMinute) { rateCapacity = capacity; ratePerMinute = perMinute; return this; }
        public Builder maxBodyBytes(long v) { maxBodyBytes = v; return this; }
        public Builder maxInputChars(int v) { maxInputChars = v; return this; }
        public Builder maxInstructionsChars(int v) { maxInstructionsChars = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder tls(Path keystore, String password) { tlsKeystore = keystore; tlsPassword = password; return this; }
        public Builder redisUri(String v) { redisUri = v; return this; }
        public Builder cacheTtl(Duration v) { cacheTtl = v; return this; }
        public Builder defaultSeed(Long v) { defaultSeed = v; return this; }
        public Builder warmUp(boolean v) { warmUp = v; return this; }
        public Builder maxConcurrent(int v) { maxConcurrent = v; return this; }
        public Builder maxQueued(int v) { maxQueued = v; return this; }
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder streamWav(boolean v) { streamWav = v; return this; }
        public Builder batching(boolean v) { batching = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(host, port, model, threads, auth, jwtSecret, jwksFile, audience, issuer, rateCapacity,
                    ratePerMinute, maxBodyBytes, maxInputChars, maxInstructionsChars, requestTimeout, tlsKeystore, tlsPassword,
                    redisUri, cacheTtl, defaultSeed, warmUp, maxConcurrent, maxQueued, readTimeout, maxConnections, streamWav, batching);
        }
    }
}
