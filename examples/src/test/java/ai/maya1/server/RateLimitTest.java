package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Per-key token buckets: the request over the limit gets 429 with Retry-After; other keys are unaffected. */
class RateLimitTest {

    @Test
    void overTheLimitIs429WithRetryAfter() throws Exception {
        try (SpeechServer server = SpeechServer.serve(ServerConfig.builder().port(0).model("test").auth("hs256").jwtSecret(Tokens.SECRET)
                .audience(Tokens.AUDIENCE).rateLimit(2, 1).build(), TestEngine.shared())) {
            assertTrue(server.awaitReady(Duration.ofMinutes(2)));
            Http h = new Http(server.port());
            String alice = Tokens.hs256("alice", Tokens.AUDIENCE, Duration.ofMinutes(5));
            String bob = Tokens.hs256("bob", Tokens.AUDIENCE, Duration.ofMinutes(5));
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> ok = h.speech(Http.body("Request " + i + ".", null), alice);
                assertEquals(200, ok.statusCode(), () -> new String(ok.body()));
                assertEquals(Integer.toString(1 - i), ok.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            }
            HttpResponse<byte[]> limited = h.speech(Http.body("One too many.", null), alice);
            assertEquals(429, limited.statusCode());
            long retryAfter = Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            assertEquals("rate_limit_exceeded", Http.json(limited).get("error").get("code").asText());
            assertEquals("rate_limit_error", Http.json(limited).get("error").get("type").asText());
            // another key has its own bucket
            assertEquals(200, h.speech(Http.body("Bob's turn.", null), bob).statusCode());
            assertTrue(server.registry().scrape().contains("maya1_server_rate_limited_total 1.0"));
        }
    }
}
