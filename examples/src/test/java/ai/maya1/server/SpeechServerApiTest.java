package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible API on the test model, through a real server and client on loopback. */
class SpeechServerApiTest {
    static final String LONG_TEXT = "This is the first sentence of a longer text. Here comes the second one, with a clause. "
            + "The third sentence follows the second. A fourth sentence makes the request longer still. "
            + "And the fifth sentence ends the paragraph, so that the audio is streamed in many chunks.";
    static SpeechServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = SpeechServer.serve(ServerConfig.builder().port(0).model("test").rateLimit(1000, 1000).maxInputChars(2000)
                .maxBodyBytes(8192).build(), TestEngine.shared());
        assertTrue(server.awaitReady(Duration.ofMinutes(2)));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthAndMetrics() throws Exception {
        assertEquals(200, http.get("/health/live", null).statusCode());
        HttpResponse<byte[]> ready = http.get("/health/ready", null);
        assertEquals(200, ready.statusCode());
        assertEquals("ready", Http.json(ready).get("status").asText());
        assertTrue(Http.json(ready).get("test_model").asBoolean());
        http.speech(Http.body("Metrics please.", null), null);
        String metrics = new String(http.get("/metrics", null).body(), StandardCharsets.UTF_8);
        for (String name : new String[] {"maya1_server_ttfa_seconds_bucket", "maya1_server_requests_seconds_count",
                "maya1_server_requests_in_flight", "maya1_server_ready 1.0", "jvm_memory_used_bytes"}) {
            assertTrue(metrics.contains(name), name + " missing from /metrics");
        }
    }

    @Test
    void voicesListOpenAiNamesAndPresets() throws Exception {
        JsonNode v = Http.json(http.get("/v1/audio/voices", null));
        assertEquals("list", v.get("object").asText());
        boolean alloy = false;
        boolean narrator = false;
        for (JsonNode n : v.get("data")) {
            alloy |= n.get("id").asText().equals("alloy") && n.get("openai_alias").asBoolean() && n.has("description");
            narrator |= n.get("id").asText().equals("narrator") && !n.get("openai_alias").asBoolean();
        }
        assertTrue(alloy && narrator, v::toString);
    }

    @Test
    void wavIs24kMono16Bit() throws Exception {
        HttpResponse<byte[]> r = http.speech(Http.body("Hello from the JVM <laugh> this is a test.", "\"seed\":1"), null);
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("audio/wav", r.headers().firstValue("content-type").orElseThrow());
        assertTrue(r.headers().firstValue("x-request-id").isPresent());
        Wav.Decoded w = Wav.read(r.body());
        assertEquals(24_000, w.sampleRate());
        assertTrue(w.samples().length > 1000, "too little audio: " + w.samples().length);
    }

    @Test
    void pcmIsHeaderlessS16le() throws Exception {
        HttpResponse<byte[]> wav = http.speech(Http.body("Same text, same seed.", "\"seed\":3"), null);
        HttpResponse<byte[]> pcm = http.speech(Http.body("Same text, same seed.", "\"seed\":3").replace("\"wav\"", "\"pcm\""), null);
        assertEquals(200, pcm.statusCode(), () -> new String(pcm.body()));
        assertTrue(pcm.headers().firstValue("content-type").orElseThrow().startsWith("audio/L16;rate=24000"));
        assertEquals(0, pcm.body().length % 2);
        // the WAV body after its 44-byte header is the same PCM
        byte[] w = wav.body();
        byte[] tail = java.util.Arrays.copyOfRange(w, w.length - pcm.body().length, w.length);
        assertTrue(java.util.Arrays.equals(tail, pcm.body()), "wav data != pcm body");
    }

    @Test
    void mp3() throws Exception {
        HttpResponse<byte[]> r = http.speech(Http.body("An mp3 please.", "\"seed\":1").replace("\"wav\"", "\"mp3\""), null);
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("audio/mpeg", r.headers().firstValue("content-type").orElseThrow());
        byte[] b = r.body();
        boolean sync = (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0;
        boolean id3 = b[0] == 'I' && b[1] == 'D' && b[2] == '3';
        assertTrue(sync || id3, "not an MP3 stream");
    }

    @Test
    void sseEventsCarryBase64AudioThenUsage() throws Exception {
        HttpResponse<byte[]> r = http.speech(Http.body("Events please.", "\"seed\":2,\"stream_format\":\"sse\"").replace("\"wav\"", "\"pcm\""), null);
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
        String[] events = new String(r.body(), StandardCharsets.US_ASCII).split("\n\n");
        int audioBytes = 0;
        for (int i = 0; i < events.length - 1; i++) {
            JsonNode e = Http.JSON.readTree(events[i].substring("data: ".length()));
            assertEquals("speech.audio.delta", e.get("type").asText());
            audioBytes += Base64.getDecoder().decode(e.get("audio").asText()).length;
        }
        JsonNode done = Http.JSON.readTree(events[events.length - 1].substring("data: ".length()));
        assertEquals("speech.audio.done", done.get("type").asText());
        assertTrue(done.get("usage").get("output_tokens").asInt() > 0);
        assertTrue(audioBytes > 0 && audioBytes % 2 == 0);
    }

    private static void assert400(String body, String param, String code) throws Exception {
        HttpResponse<byte[]> r = http.speech(body, null);
        assertEquals(400, r.statusCode(), () -> new String(r.body()));
        JsonNode e = Http.json(r).get("error");
        assertEquals("invalid_request_error", e.get("type").asText());
        assertEquals(code, e.get("code").asText(), e::toString);
        assertEquals(param, e.get("param").isNull() ? null : e.get("param").asText());
        assertFalse(e.get("message").asText().isBlank());
    }

    @Test
    void badRequestsAreClearJson400s() throws Exception {
        assert400(Http.body("Hi.", null).replace("\"wav\"", "\"opus\""), "response_format", "unsupported_format");
        assert400(Http.body("Hi.", null).replace("\"wav\"", "\"flac\""), "response_format", "unsupported_format");
        assert400(Http.body("Hi.", null).replace("\"wav\"", "\"aac\""), "response_format", "unsupported_format");
        assert400(Http.body("Hi.", "\"speed\":1.5"), "speed", "unsupported_parameter");
        assert400(Http.body("Hi.", null).replace("\"alloy\"", "\"nobody\""), "voice", "unknown_voice");
        assert400(Http.body("Hi.", null).replace("\"tts-1\"", "\"whisper-1\""), "model", "model_not_found");
        assert400(Http.body("x".repeat(2001), null), "input", "input_too_long");
        assert400(Http.body("   ", null), "input", "empty_input");
        assert400(Http.body("Hi.", "\"temperature\":0.5"), "temperature", "unknown_parameter");
        assert400(Http.body("Hi.", "\"stream_format\":\"ws\""), "stream_format", "unsupported_stream_format");
        assert400("{\"model\":\"tts-1\",\"voice\":\"alloy\"}", "input", "missing_parameter");
        assert400("{\"model\": \"tts-1\", \"input\": ", null, "invalid_json");
        assert400("[1,2]", null, "invalid_json");
        // speed 1.0 is accepted (the only speed there is)
        assertEquals(200, http.speech(Http.body("Hi.", "\"speed\":1.0"), null).statusCode());
    }

    @Test
    void limitsAndRoutes() throws Exception {
        HttpResponse<byte[]> big = http.speech(Http.body("y".repeat(9000), null), null);
        assertEquals(413, big.statusCode());
        assertEquals("request_too_large", Http.json(big).get("error").get("code").asText());
        HttpResponse<byte[]> form = http.client.send(HttpRequest.newBuilder(URI.create(http.base + "/v1/audio/speech"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hi")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(415, form.statusCode());
        HttpResponse<byte[]> nf = http.get("/v2/nothing", null);
        assertEquals(404, nf.statusCode());
        assertEquals("not_found", Http.json(nf).get("error").get("code").asText());
        HttpResponse<byte[]> ma = http.get("/v1/audio/speech", null);
        assertEquals(405, ma.statusCode());
        assertEquals("method_not_allowed", Http.json(ma).get("error").get("code").asText());
    }

    @Test
    void streamedResponseStartsBeforeSynthesisEnds() throws Exception {
        double completedBefore = server.registry().get("maya1.server.synthesis.completed").counter().count();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.speechStream(Http.body(LONG_TEXT, "\"seed\":5").replace("\"wav\"", "\"pcm\""), null);
        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            byte[] first = in.readNBytes(2);
            long firstAudio = System.nanoTime() - t0;
            assertEquals(2, first.length);
            // the first audio bytes are here while the server is still synthesizing this request
            double completedAtFirstByte = server.registry().get("maya1.server.synthesis.completed").counter().count();
            assertEquals(completedBefore, completedAtFirstByte, "synthesis had already finished when the first audio arrived");
            long rest = in.transferTo(java.io.OutputStream.nullOutputStream());
            long total = System.nanoTime() - t0;
            assertTrue(rest > 0);
            assertTrue(firstAudio < total, "first audio " + firstAudio + " ns, total " + total + " ns");
        }
        assertEquals(completedBefore + 1, server.registry().get("maya1.server.synthesis.completed").counter().count());
    }

    @Test
    void accessAndAuditLinesCarryNoText() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(200, http.speech(Http.body("Secret phrase zebra-quokka.", "\"seed\":1"), null).statusCode());
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("ai.maya1.server.access") && log.contains("status=200"), log);
        assertTrue(log.contains("ai.maya1.server.audit") && log.contains("input_chars=27"), log);
        assertFalse(log.contains("zebra"), "request text leaked into the logs");
    }
}
