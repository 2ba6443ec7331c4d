package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.FinishReason;
import ai.maya1.tts.SpeechCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The Redis speech cache against a real redis-server, including Redis going away and coming back. */
class RedisSpeechCacheTest {
    static SpeechCache.Key key(String text) {
        return new SpeechCache.Key("test-model", text, "voice", 42, 0.4f, 0.9f, 0, 0f, 1.1f, 2048, true);
    }

    static SpeechCache.Entry entry(int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) Math.sin(i * 0.01) * 0.5f;
        }
        return new SpeechCache.Entry(s, n / 2048, 1, FinishReason.END_OF_SPEECH);
    }

    @Test
    void sharedBetweenInstancesThroughRedis() {
        RedisProcess redis = RedisProcess.shared();
        SimpleMeterRegistry m = new SimpleMeterRegistry();
        try (RedisSpeechCache a = new RedisSpeechCache(redis.uri(), Duration.ofMinutes(5), 1 << 20, m);
             RedisSpeechCache b = new RedisSpeechCache(redis.uri(), Duration.ofMinutes(5), 1 << 20, new SimpleMeterRegistry())) {
            SpeechCache.Key k = key("shared " + System.nanoTime());
            assertTrue(a.get(k).isEmpty());
            a.put(k, entry(5000));
            Optional<SpeechCache.Entry> got = b.get(k);
            assertTrue(got.isPresent());
            assertArrayEquals(entry(5000).samples(), got.get().samples());
            assertEquals(FinishReason.END_OF_SPEECH, got.get().finishReason());
            try (var c = redis.client()) {
                long ttl = c.pttl("maya1:speech:" + k.digest());
                assertTrue(ttl > 0 && ttl <= 300_000, "TTL " + ttl);
            }
            assertEquals(1.0, m.get("maya1.speech.cache").tag("tier", "redis").tag("result", "miss").counter().count());
        }
    }

    @Test
    void redisDownFallsBackToMemoryWithoutThrowingThenRecovers() throws Exception {
        RedisProcess redis = RedisProcess.startPrivate();
        SimpleMeterRegistry m = new SimpleMeterRegistry();
        try (RedisSpeechCache c = new RedisSpeechCache(redis.uri(), Duration.ofMinutes(5), 1 << 20, Duration.ofMillis(200), m)) {
            SpeechCache.Key before = key("before");
            c.put(before, entry(100));
            assertTrue(c.get(before).isPresent());
            redis.kill();
            SpeechCache.Key during = key("during");
            long t0 = System.nanoTime();
            assertTrue(c.get(during).isEmpty()); // a miss, not an exception
            c.put(during, entry(200));
            assertTrue(c.get(during).isPresent(), "entries written while Redis is down are served from memory");
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "fallback must not hang on a dead Redis");
            assertFalse(c.redisUp());
            assertEquals(0.0, m.get("maya1.speech.cache.redis.up").gauge().value());
            assertTrue(m.get("maya1.speech.cache.redis.errors").counter().count() >= 1);
            assertTrue(m.get("maya1.speech.cache.fallback.puts").counter().count() >= 1);
        } finally {
            redis.close();
        }
    }

    @Property(tries = 200)
    void decodeNeverThrowsOnHostileBytes(@ForAll byte[] junk) {
        RedisSpeechCache.decode(junk); // empty or a valid entry, never an exception
    }

    @Test
    void codecRoundTripsAndRejectsTruncation() {
        byte[] b = RedisSpeechCache.encode(entry(1000));
        assertArrayEquals(entry(1000).samples(), RedisSpeechCache.decode(b).orElseThrow().samples());
        assertTrue(RedisSpeechCache.decode(java.util.Arrays.copyOf(b, b.length - 1)).isEmpty());
        b[0] ^= 1;
        assertTrue(RedisSpeechCache.decode(b).isEmpty());
    }
}
