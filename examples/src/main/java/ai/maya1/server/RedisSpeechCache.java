package ai.maya1.server;

import ai.maya1.acoustic.FinishReason;
import ai.maya1.tts.SpeechCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * {@link SpeechCache} shared by every replica through Redis (Jedis), keyed by {@link SpeechCache.Key#digest()}.
 * Entries are stored as one binary value ({@code maya1:speech:<sha256>}, float32 samples, see {@link #encode})
 * with a TTL.
 *
 * <p>Redis is an optimisation, never a dependency of a request: when it is unreachable or slow (short connect and
 * socket timeouts) the cache logs one warning, counts {@code maya1_speech_cache_redis_errors_total}, sets
 * {@code maya1_speech_cache_redis_up} to 0 and serves from a bounded in-memory Caffeine cache; it probes Redis
 * again after {@code retryInterval} and logs when it is back. Entries written during an outage stay readable from
 * memory.
 */
public final class RedisSpeechCache implements SpeechCache, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSpeechCache.class);
    private static final int MAGIC = 0x4d315343; // "M1SC"
    private static final int VERSION = 1;

    private final RedisClient redis;
    private final String prefix;
    private final long ttlMillis;
    private final long retryIntervalNanos;
    private final Cache<String, Entry> memory;
    private final AtomicLong downUntil = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final Counter redisHits;
    private final Counter redisMisses;
    private final Counter memoryHits;
    private final Counter memoryMisses;
    private final Counter redisErrors;
    private final Counter fallbackPuts;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param uri             {@code redis://[user:password@]host:port[/db]}
     * @param ttl             lifetime of an entry in Redis
     * @param fallbackBytes   weight bound of the in-memory fallback
     * @param registry        where to register the meters (may be null)
     */
    public RedisSpeechCache(String uri, Duration ttl, long fallbackBytes, MeterRegistry registry) {
        this(uri, ttl, fallbackBytes, Duration.ofSeconds(2), registry);
    }

    public RedisSpeechCache(String uri, Duration ttl, long fallbackBytes, Duration retryInterval, MeterRegistry registry) {
        Objects.requireNonNull(uri, "uri");
        URI u = URI.create(uri);
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
            throw new IllegalArgumentException("not a redis:// URI: " + uri);
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(16);
        pool.setMaxWait(Duration.ofMillis(500));
        pool.setJmxEnabled(false);
        this.redis = RedisClient.builder()
                .hostAndPort(u.getHost(), u.getPort() > 0 ? u.getPort() : 6379)
                .clientConfig(DefaultJedisClientConfig.builder(u).connectionTimeoutMillis(300).socketTimeoutMillis(1000)
                        .clientName("maya1-speech-cache").build())
                .poolConfig(pool)
                .build();
        this.prefix = "maya1:speech:";
        this.ttlMillis = ttl.toMillis();
        this.retryIntervalNanos = retryInterval.toNanos();
        this.memory = Caffeine.newBuilder().maximumWeight(fallbackBytes)
                .weigher((String k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, e.bytes())).build();
        MeterRegistry r = registry != null ? registry : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        this.redisHits = Counter.builder("maya1.speech.cache").tag("tier", "redis").tag("result", "hit").register(r);
        this.redisMisses = Counter.builder("maya1.speech.cache").tag("tier", "redis").tag("result", "miss").register(r);
        this.memoryHits = Counter.builder("maya1.speech.cache").tag("tier", "memory").tag("result", "hit").register(r);
        this.memoryMisses = Counter.builder("maya1.speech.cache").tag("tier", "memory").tag("result", "miss").register(r);
        this.redisErrors = Counter.builder("maya1.speech.cache.redis.errors").description("Redis calls that failed (served from memory)").register(r);
        this.fallbackPuts = Counter.builder("maya1.speech.cache.fallback.puts").description("entries kept in memory because Redis was down").register(r);
        Gauge.builder("maya1.speech.cache.redis.up", up, b -> b.get() ? 1 : 0).description("1 when Redis answered the last call").register(r);
    }

    @Override
    public Optional<Entry> get(Key key) {
        String digest = key.digest();
        if (redisUsable()) {
            try {
                byte[] v = redis.get((prefix + digest).getBytes(StandardCharsets.UTF_8));
                markUp();
                if (v != null) {
                    Optional<Entry> e = decode(v);
                    if (e.isPresent()) {
                        redisHits.increment();
                        return e;
                    }
                    LOG.warn("ignoring a malformed speech cache entry {}{}", prefix, digest);
                }
                redisMisses.increment();
            } catch (RuntimeException e) {
                markDown(e);
            }
        }
        Entry m = memory.getIfPresent(digest);
        (m != null ? memoryHits : memoryMisses).increment();
        return Optional.ofNullable(m);
    }

    @Override
    public void put(Key key, Entry entry) {
        String digest = key.digest();
        if (redisUsable()) {
            try {
                redis.set((prefix + digest).getBytes(StandardCharsets.UTF_8), encode(entry), SetParams.setParams().px(ttlMillis));
                markUp();
                return;
            } catch (RuntimeException e) {
                markDown(e);
            }
        }
        fallbackPuts.increment();
        memory.put(digest, entry);
    }

    /** Whether the last Redis call succeeded. */
    public boolean redisUp() {
        return up.get();
    }

    private boolean redisUsable() {
        return up.get() || System.nanoTime() - downUntil.get() >= 0;
    }

    private void markUp() {
        if (up.compareAndSet(false, true)) {
            LOG.info("Redis speech cache reachable again: sharing cached speech through Redis");
        }
    }

    private void markDown(RuntimeException e) {
        redisErrors.increment();
        downUntil.set(System.nanoTime() + retryIntervalNanos);
        if (up.compareAndSet(true, false)) {
            LOG.warn("Redis speech cache unreachable ({}): serving from the in-memory cache, retrying every {} ms",
                    e.getMessage(), retryIntervalNanos / 1_000_000);
        }
    }

    /** Binary form: magic, version, frames, pieces, finish reason (UTF-8), sample count, float32 LE samples. */
    static byte[] encode(Entry e) {
        byte[] reason = e.finishReason().name().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 * 6 + reason.length + 4 * e.samples().length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(e.frames()).putInt(e.pieces()).putInt(reason.length).put(reason);
        b.putInt(e.samples().length);
        b.asFloatBuffer().put(e.samples());
        return b.array();
    }

    /** Inverse of {@link #encode}; empty for anything malformed (never trusts the stored lengths). */
    static Optional<Entry> decode(byte[] v) {
        try {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            if (v.length < 24 || b.getInt() != MAGIC || b.getInt() != VERSION) {
                return Optional.empty();
            }
            int frames = b.getInt();
            int pieces = b.getInt();
            int rl = b.getInt();
            if (rl < 1 || rl > 64 || rl > b.remaining() - 4) {
                return Optional.empty();
            }
            byte[] reason = new byte[rl];
            b.get(reason);
            int n = b.getInt();
            if (n < 0 || (long) n * 4 != b.remaining()) {
                return Optional.empty();
            }
            float[] samples = new float[n];
            b.asFloatBuffer().get(samples);
            return Optional.of(new Entry(samples, frames, pieces, FinishReason.valueOf(new String(reason, StandardCharsets.UTF_8))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            redis.close();
        }
    }
}
