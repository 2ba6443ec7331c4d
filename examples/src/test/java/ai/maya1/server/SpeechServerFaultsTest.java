package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input and faults against a real server on loopback: nothing lies about success, nothing hangs. */
class SpeechServerFaultsTest {
    static SpeechServer server;
    static Http http;

    static ServerConfig.Builder config() {
        return ServerConfig.builder().port(0).model("test").rateLimit(100_000, 100_000).maxInputChars(5000).maxBodyBytes(16_384)
                .readTimeout(Duration.ofSeconds(2));
    }

    @BeforeAll
    static void start() throws Exception {
        server = SpeechServer.serve(config().build(), TestEngine.shared());
        assertTrue(server.awaitReady(Duration.ofMinutes(2)));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static long count(SpeechServer s, String route, int status) {
        Timer t = s.registry().find("maya1.server.requests").tag("route", route).tag("status", Integer.toString(status)).timer();
        return t == null ? 0 : t.count();
    }

    /** Runs {@code body} with stderr (where slf4j-simple writes) captured, and returns what was logged. */
    static String capturingLog(Callable<?> body) throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.call();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    static void awaitIdle(SpeechServer s) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (s.registry().get("maya1.server.requests.in.flight").gauge().value() > 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertEquals(0.0, s.registry().get("maya1.server.requests.in.flight").gauge().value(), "a speech request is still running");
    }

    static JsonNode error(HttpResponse<byte[]> r) throws IOException {
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), r.headers().toString());
        return Http.json(r).get("error");
    }

    static JsonNode error(String rawResponse) throws IOException {
        assertTrue(rawResponse.toLowerCase().contains("content-type: application/json"), rawResponse);
        return Http.JSON.readTree(RawHttp.body(rawResponse)).get("error");
    }

    // ------------------------------------------------------------------ deadlines

    @Test
    void aDeadlineBeforeAnyAudioIsA504JsonErrorInEveryFormat() throws Exception {
        try (SpeechServer late = SpeechServer.serve(config().requestTimeout(Duration.ofMillis(1)).build(), TestEngine.shared())) {
            assertTrue(late.awaitReady(Duration.ofMinutes(1)));
            Http h = new Http(late.port());
            for (String format : new String[] {"pcm", "wav", "mp3"}) {
                HttpResponse<byte[]> r = h.speech(Http.body("No time for this.", null).replace("\"wav\"", "\"" + format + "\""), null);
                assertEquals(504, r.statusCode(), () -> format + ": " + r.body().length + " bytes of " + r.headers());
                JsonNode e = error(r);
                assertEquals("timeout", e.get("code").asText());
                assertEquals("server_error", e.get("type").asText());
            }
            assertEquals(3, count(late, "speech", 504));
        }
    }

    @Test
    void unknownTagsAreNeitherLoggedByNameNorOnceEach() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append("<hunter2_").append(i).append("> ");
        }
        String log;
        try (SpeechServer late = SpeechServer.serve(config().requestTimeout(Duration.ofMillis(1)).build(), TestEngine.shared())) {
            assertTrue(late.awaitReady(Duration.ofMinutes(1)));
            Http h = new Http(late.port());
            // the deadline ends the request right after the prompt is built, which is where tags are checked
            log = capturingLog(() -> h.speech(Http.body(text.toString(), null), null).statusCode());
        }
        assertTrue(log.contains("result=timeout"), log);
        assertFalse(log.contains("hunter2"), "request text reached the log");
        long lines = log.lines().filter(l -> l.contains("unknown")).count();
        assertTrue(lines <= 1, lines + " log lines about unknown tags");
    }

    /** A text of about 15 pieces, whose synthesis takes many times the first piece's time to first audio. */
    static final String VERY_LONG = SpeechServerApiTest.LONG_TEXT.repeat(10);

    @Test
    void aDeadlineAfterAudioStartedAbortsTheBodyAndEndsSseWithAnErrorEvent() throws Exception {
        // the timeout is set from this machine's speed: a few times the time to first audio, far below the whole text
        http.speech(Http.body("Warm.", null).replace("\"wav\"", "\"pcm\""), null);
        long t0 = System.nanoTime();
        try (InputStream in = http.speechStream(Http.body("A first piece of text, measured.", null).replace("\"wav\"", "\"pcm\""), null).body()) {
            in.readNBytes(2);
            long ttfa = System.nanoTime() - t0;
            in.transferTo(java.io.OutputStream.nullOutputStream());
            Duration timeout = Duration.ofMillis(Math.max(2000, 3 * ttfa / 1_000_000));
            try (SpeechServer s = SpeechServer.serve(config().requestTimeout(timeout).build(), TestEngine.shared())) {
                assertTrue(s.awaitReady(Duration.ofMinutes(1)));
                Http h = new Http(s.port());
                CompletableFuture<HttpResponse<InputStream>> raw = CompletableFuture.supplyAsync(() -> send(h,
                        Http.body(VERY_LONG, null).replace("\"wav\"", "\"pcm\"")));
                CompletableFuture<HttpResponse<InputStream>> sse = CompletableFuture.supplyAsync(() -> send(h,
                        Http.body(VERY_LONG, "\"stream_format\":\"sse\"").replace("\"wav\"", "\"pcm\"")));

                HttpResponse<InputStream> r = raw.get();
                assertEquals(200, r.statusCode());
                try (InputStream body = r.body()) {
                    assertThrows(IOException.class, () -> body.transferTo(java.io.OutputStream.nullOutputStream()),
                            "the audio stream ended as if complete although the deadline cut it short");
                }
                HttpResponse<InputStream> e = sse.get();
                assertEquals(200, e.statusCode());
                String events;
                try (InputStream body = e.body()) {
                    events = new String(body.readAllBytes(), StandardCharsets.US_ASCII);
                }
                String[] parts = events.split("\n\n");
                JsonNode last = Http.JSON.readTree(parts[parts.length - 1].substring("data: ".length()));
                assertEquals("error", last.get("type").asText(), events.length() > 300 ? events.substring(events.length() - 300) : events);
                assertEquals("timeout", last.get("error").get("code").asText());
                assertFalse(events.contains("speech.audio.done"));
                awaitIdle(s);
                assertEquals(2, count(s, "speech", 504), "both aborted responses are 504s in the metrics");
                assertEquals(0, count(s, "speech", 200));
            }
        }
    }

    private static HttpResponse<InputStream> send(Http h, String body) {
        try {
            return h.speechStream(body, null);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ clients that go away

    @Test
    void aClientThatHangsUpMidStreamIsA499WithoutStackTraceAndItsSynthesisStops() throws Exception {
        long before499 = count(server, "speech", 499);
        long before500 = count(server, "speech", 500);
        String log = capturingLog(() -> {
            try (RawHttp c = new RawHttp(server.port())) {
                byte[] body = Http.body(VERY_LONG, null).replace("\"wav\"", "\"pcm\"").getBytes(StandardCharsets.UTF_8);
                c.send(RawHttp.speechHead(body.length));
                c.socket.getOutputStream().write(body);
                String head = c.readHead();
                assertEquals(200, RawHttp.status(head), head);
                assertEquals(100, c.socket.getInputStream().readNBytes(100).length);
                c.reset();
            }
            awaitIdle(server);
            return null;
        });
        assertEquals(before499 + 1, count(server, "speech", 499), log);
        assertEquals(before500, count(server, "speech", 500), log);
        assertTrue(log.contains("status=499") && log.contains("result=client_closed"), log);
        assertFalse(log.contains("ERROR") || log.contains("Exception"), log);
    }

    // ------------------------------------------------------------------ slow and broken requests

    @Test
    void aStalledHeaderBlockIsClosedWithinTheReadTimeout() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.send("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: app");
            long t0 = System.nanoTime();
            c.readToClose(15_000);
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
        }
    }

    @Test
    void aStalledRequestLineIsClosedAfterTheIdleTimeout() throws Exception {
        // idle timeout = request timeout + 2 x read timeout = 6 s here
        try (SpeechServer s = SpeechServer.serve(config().requestTimeout(Duration.ofSeconds(2)).build(), TestEngine.shared());
             RawHttp c = new RawHttp(s.port())) {
            c.send("POST /v1/aud");
            c.readToClose(15_000);
        }
    }

    @Test
    void aStalledBodyIsClosedWithinTheReadTimeoutAndCountedAs408() throws Exception {
        long before = count(server, "speech", 408);
        try (RawHttp c = new RawHttp(server.port())) {
            c.send(RawHttp.speechHead(100) + "{");
            c.readToClose(15_000);
        }
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (count(server, "speech", 408) == before && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(before + 1, count(server, "speech", 408));
    }

    @Test
    void aBodyShorterThanItsContentLengthIsA400() throws Exception {
        long before500 = count(server, "speech", 500);
        try (RawHttp c = new RawHttp(server.port())) {
            c.send(RawHttp.speechHead(100) + "{\"model\":");
            c.socket.shutdownOutput();
            String response = new String(c.readToClose(15_000), StandardCharsets.ISO_8859_1);
            assertEquals(400, RawHttp.status(response), response);
            assertEquals("incomplete_body", error(response).get("code").asText());
        }
        assertEquals(before500, count(server, "speech", 500));
    }

    @Test
    void connectionsBeyondTheCapWaitUntilOneCloses() throws Exception {
        try (SpeechServer capped = SpeechServer.serve(config().maxConnections(2).readTimeout(Duration.ofSeconds(30)).build(), TestEngine.shared())) {
            RawHttp a = new RawHttp(capped.port());
            RawHttp b = new RawHttp(capped.port());
            a.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
            b.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, RawHttp.status(a.readHead()));
            assertEquals(200, RawHttp.status(b.readHead()));
            try (RawHttp third = new RawHttp(capped.port())) {
                third.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
                third.socket.setSoTimeout(1500);
                assertThrows(SocketTimeoutException.class, () -> third.socket.getInputStream().read(), "a third connection was served");
                a.close();
                third.socket.setSoTimeout(10_000);
                assertEquals(200, RawHttp.status(third.readHead()));
            } finally {
                b.close();
            }
        }
    }

    // ------------------------------------------------------------------ error bodies

    @Test
    void tooLargeBodiesAndHeadersGetTheJsonErrorShape() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            String r = new String(c.send(RawHttp.speechHead(50_000_000) + "{").readToClose(10_000), StandardCharsets.ISO_8859_1);
            assertEquals(413, RawHttp.status(r), r);
            assertEquals("request_too_large", error(r).get("code").asText());
        }
        HttpResponse<byte[]> big = http.client.send(http.speechRequest(Http.body("Hi.", null), "a".repeat(20_000)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(400, big.statusCode());
        JsonNode e = error(big);
        assertEquals("header_too_large", e.get("code").asText());
        assertTrue(e.get("message").asText().toLowerCase(java.util.Locale.ROOT).contains("authorization"), e::toString);
    }

    @Test
    void instructionsWithAnAngleBracketNameInstructionsAndHideThePrompt() throws Exception {
        HttpResponse<byte[]> r = http.speech(Http.body("Hi.", "\"instructions\":\"calm > loud\""), null);
        assertEquals(400, r.statusCode());
        JsonNode e = error(r);
        assertEquals("instructions", e.get("param").asText(), e::toString);
        assertFalse(e.get("message").asText().contains("<description"), e::toString);
    }

    @Test
    void inputThatDoesNotFitTheModelNamesInputAndTheLimitNotOperatorSettings() throws Exception {
        HttpResponse<byte[]> r = http.speech(Http.body("\uD83D\uDE00".repeat(2048), null), null);
        assertEquals(400, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        JsonNode e = error(r);
        assertEquals("input", e.get("param").asText(), e::toString);
        assertEquals("input_too_long", e.get("code").asText(), e::toString);
        String m = e.get("message").asText();
        assertTrue(m.contains("tokens") && m.matches(".*at most \\d+.*"), m);
        assertFalse(m.contains("contextLength") || m.contains("splitLongText"), m);
    }

    // ------------------------------------------------------------------ WAV sizes

    static void assertExactWavSizes(HttpResponse<byte[]> r) {
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        byte[] b = r.body();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(b.length - 8, bb.getInt(4) & 0xFFFFFFFFL, "RIFF size");
        assertEquals(b.length - 44, bb.getInt(40) & 0xFFFFFFFFL, "data size");
        assertEquals(Long.toString(b.length), r.headers().firstValue("content-length").orElse("none"));
    }

    @Test
    void aWavIsSentWithExactSizesAndTheSameBytesWhetherSynthesizedOrCached() throws Exception {
        String seeded = Http.body("Exact sizes, please.", "\"seed\":77");
        HttpResponse<byte[]> fresh = http.speech(seeded, null);
        assertExactWavSizes(fresh);
        HttpResponse<byte[]> cached = http.speech(seeded, null);
        assertExactWavSizes(cached);
        org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.body(), cached.body());
    }

    @Test
    void streamWavStreamsWithTheUnknownSizeHeader() throws Exception {
        try (SpeechServer streaming = SpeechServer.serve(config().streamWav(true).build(), TestEngine.shared())) {
            assertTrue(streaming.awaitReady(Duration.ofMinutes(1)));
            HttpResponse<byte[]> r = new Http(streaming.port()).speech(Http.body("Streamed.", null), null);
            assertEquals(200, r.statusCode());
            assertEquals(0xFFFFFFFFL, ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN).getInt(4) & 0xFFFFFFFFL);
            assertTrue(r.headers().firstValue("content-length").isEmpty(), "a streamed body has no Content-Length");
        }
    }
}
