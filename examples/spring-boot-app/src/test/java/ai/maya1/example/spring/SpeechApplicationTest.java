package ai.maya1.example.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The example app started as a user would, on a random loopback port with the built-in test model, spoken to over HTTP. */
class SpeechApplicationTest {
    static ConfigurableApplicationContext app;
    static URI base;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = SpringApplication.run(SpeechApplication.class, "--server.address=127.0.0.1", "--server.port=0", "--spring.ai.maya1.model=test",
                "--spring.ai.maya1.warm-up=false");
        base = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpRequest post(String path, String text) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build();
    }

    @Test
    void speechAnswersOneWavFileOfTheTestModelsAudio() throws Exception {
        HttpResponse<byte[]> r = http.send(post("/speech?voice=narrator", "Hello from Spring Boot <laugh> this is a test."), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("audio/wav", r.headers().firstValue("Content-Type").orElse(""));
        Wav.Decoded wav = Wav.read(r.body());
        assertEquals(24_000, wav.sampleRate());
        assertEquals(1, wav.channels());
        assertTrue(!wav.streamingHeader(), "a whole file carries exact sizes");
        assertTrue(wav.samples().length > 0, "no samples");
        assertEquals(r.body().length - 8, ByteBuffer.wrap(r.body(), 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(), "RIFF size");
    }

    @Test
    void speechStreamSendsAWavOfUnknownLengthWithoutAContentLength() throws Exception {
        HttpResponse<InputStream> r = http.send(post("/speech/stream", "Streaming over HTTP, one chunk at a time."), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals("audio/wav", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.headers().firstValue("Content-Length").isEmpty(), "a stream has no length up front");
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readAllBytes();
        }
        Wav.Decoded wav = Wav.read(body);
        assertTrue(wav.streamingHeader(), "the stream's header has unknown sizes");
        assertEquals(24_000, wav.sampleRate());
        assertTrue(wav.samples().length > 0, "no samples");
    }

    @Test
    void theEnginesMetricsAreInTheApplicationsRegistry() throws Exception {
        http.send(post("/speech", "Counted."), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/actuator/metrics/maya1.tts.requests")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"name\":\"maya1.tts.requests\""), r.body());
        assertTrue(r.body().contains("END_OF_SPEECH"), "the finish tag of the request should be listed: " + r.body());
    }

    @Test
    void anUnknownVoiceIsABadRequestNamingTheField() throws Exception {
        HttpResponse<String> r = http.send(post("/speech?voice=no-such-voice", "Hi."), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"field\":\"voice\""), r.body());
    }
}
