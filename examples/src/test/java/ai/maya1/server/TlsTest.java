package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PKCS#12 key store made by keytool; a client trusting that certificate gets audio. */
class TlsTest {

    @Test
    void servesHttpsFromAPkcs12KeyStore(@TempDir Path tmp) throws Exception {
        Path ks = tmp.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "maya1", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "test-pass", "-keypass", "test-pass")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), out);

        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            server.load(in, "test-pass".toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("maya1", server.getCertificate("maya1"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);

        try (SpeechServer s = SpeechServer.serve(ServerConfig.builder().port(0).model("test").tls(ks, "test-pass").build(), TestEngine.shared())) {
            assertTrue(s.awaitReady(Duration.ofMinutes(2)));
            HttpClient client = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.port() + "/v1/audio/speech"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Http.body("Over TLS.", null))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), () -> new String(r.body()));
            assertTrue(r.body().length > 44);
            // a client that does not trust the certificate is refused by the handshake
            HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertThrows(java.io.IOException.class, () -> untrusting.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + s.port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString()));
        }
    }
}
