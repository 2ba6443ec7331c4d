package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The server with its engine's speech cache in a real Redis: duplicates are served from Redis; Redis dying is not fatal. */
class ServerRedisTest {

    private static double counter(SpeechServer s, String tier, String result) {
        return s.registry().get("maya1.speech.cache").tag("tier", tier).tag("result", result).counter().count();
    }

    @Test
    void duplicateRequestHitsRedisAndRedisStoppedMidTestStillServes() throws Exception {
        RedisProcess redis = RedisProcess.startPrivate();
        try (SpeechServer server = SpeechServer.start(ServerConfig.builder().port(0).model("test").redisUri(redis.uri())
                .defaultSeed(1234L).warmUp(false).build())) {
            assertTrue(server.awaitReady(Duration.ofMinutes(2)));
            Http h = new Http(server.port());
            String body = Http.body("Say this twice.", null);
            HttpResponse<byte[]> first = h.speech(body, null);
            assertEquals(200, first.statusCode(), () -> new String(first.body()));
            assertEquals(0.0, counter(server, "redis", "hit"));
            try (var c = redis.client()) {
                assertEquals(1, c.keys("maya1:speech:*").size(), "the first synthesis is stored in Redis");
            }
            HttpResponse<byte[]> second = h.speech(body, null);
            assertEquals(200, second.statusCode());
            assertEquals(1.0, counter(server, "redis", "hit"), "the duplicate was served from Redis");
            assertArrayEquals(first.body(), second.body());

            redis.kill(); // Redis stops mid-test
            HttpResponse<byte[]> during = h.speech(Http.body("Redis is gone now.", null), null);
            assertEquals(200, during.statusCode(), () -> new String(during.body()));
            assertTrue(during.body().length > 44);
            HttpResponse<byte[]> again = h.speech(Http.body("Redis is gone now.", null), null);
            assertEquals(200, again.statusCode());
            assertArrayEquals(during.body(), again.body());
            assertEquals(1.0, counter(server, "memory", "hit"), "the in-memory fallback served the repeat");
            String metrics = server.registry().scrape();
            assertTrue(metrics.contains("maya1_speech_cache_redis_up 0.0"), "redis_up gauge");
            assertTrue(metrics.contains("maya1_speech_cache_redis_errors_total"), "error counter");
            assertEquals(200, h.get("/health/ready", null).statusCode(), "readiness does not depend on Redis");
        } finally {
            redis.close();
        }
    }
}
