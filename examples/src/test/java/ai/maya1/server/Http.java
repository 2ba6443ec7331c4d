package ai.maya1.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client against a server on loopback. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpRequest.Builder speechRequest(String json, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/audio/speech")).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    HttpResponse<byte[]> speech(String json, String token) throws IOException, InterruptedException {
        return client.send(speechRequest(json, token).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<InputStream> speechStream(String json, String token) throws IOException, InterruptedException {
        return client.send(speechRequest(json, token).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<byte[]> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    static String body(String input, String extra) {
        return "{\"model\":\"tts-1\",\"input\":" + JSON.valueToTree(input) + ",\"voice\":\"alloy\",\"response_format\":\"wav\""
                + (extra == null || extra.isEmpty() ? "" : "," + extra) + "}";
    }
}
