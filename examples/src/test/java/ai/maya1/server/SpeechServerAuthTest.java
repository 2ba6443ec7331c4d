package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWT bearer auth against a real server on loopback: HS256 and RS256 from a JWK set file. */
class SpeechServerAuthTest {
    static SpeechServer hsServer;
    static SpeechServer rsServer;
    static RSAKey rsKey;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        hsServer = SpeechServer.serve(ServerConfig.builder().port(0).model("test").auth("hs256").jwtSecret(Tokens.SECRET)
                .audience(Tokens.AUDIENCE).build(), TestEngine.shared());
        rsKey = Tokens.rsaKey("k1");
        Path jwks = tmp.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(rsKey.toPublicJWK()).toString());
        rsServer = SpeechServer.serve(ServerConfig.builder().port(0).model("test").auth("jwks").jwksFile(jwks)
                .audience(Tokens.AUDIENCE).issuer("https://issuer.example").build(), TestEngine.shared());
        assertTrue(hsServer.awaitReady(Duration.ofMinutes(2)));
        assertTrue(rsServer.awaitReady(Duration.ofMinutes(2)));
    }

    @AfterAll
    static void stop() {
        hsServer.close();
        rsServer.close();
    }

    private static void assert401(HttpResponse<byte[]> r, String code) throws Exception {
        assertEquals(401, r.statusCode(), () -> new String(r.body()));
        assertEquals("application/json", r.headers().firstValue("content-type").orElse("").split(";")[0]);
        assertTrue(r.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
        JsonNode e = Http.json(r).get("error");
        assertEquals("authentication_error", e.get("type").asText());
        assertEquals(code, e.get("code").asText());
        assertTrue(e.has("param") && e.has("message"));
    }

    @Test
    void missingTokenIs401() throws Exception {
        Http h = new Http(hsServer.port());
        assert401(h.speech(Http.body("Hello.", null), null), "missing_token");
        assert401(h.get("/v1/audio/voices", null), "missing_token");
    }

    @Test
    void expiredTokenIs401() throws Exception {
        Http h = new Http(hsServer.port());
        assert401(h.speech(Http.body("Hello.", null), Tokens.hs256("alice", Tokens.AUDIENCE, Duration.ofMinutes(-10))), "token_expired");
    }

    @Test
    void wrongAudienceIs401() throws Exception {
        Http h = new Http(hsServer.port());
        assert401(h.speech(Http.body("Hello.", null), Tokens.hs256("alice", "another-service", Duration.ofMinutes(5))), "wrong_audience");
    }

    @Test
    void wrongSignatureOrGarbageIs401() throws Exception {
        Http h = new Http(hsServer.port());
        String forged = Tokens.hs256("another-secret-of-at-least-32-bytes!!", Tokens.claims("alice", Tokens.AUDIENCE, Duration.ofMinutes(5)));
        assert401(h.speech(Http.body("Hello.", null), forged), "invalid_token");
        assert401(h.speech(Http.body("Hello.", null), "not.a.jwt"), "invalid_token");
        // an RS256 token is not accepted by the HS256 server (no algorithm confusion)
        assert401(h.speech(Http.body("Hello.", null), Tokens.rs256(rsKey, Tokens.claims("alice", Tokens.AUDIENCE, Duration.ofMinutes(5)))),
                "invalid_token");
    }

    @Test
    void validHs256TokenIsServed() throws Exception {
        Http h = new Http(hsServer.port());
        HttpResponse<byte[]> r = h.speech(Http.body("Hello there.", "\"seed\":7"), Tokens.hs256("alice", Tokens.AUDIENCE, Duration.ofMinutes(5)));
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("audio/wav", r.headers().firstValue("content-type").orElse(""));
        assertEquals(200, h.get("/v1/audio/voices", Tokens.hs256("alice", Tokens.AUDIENCE, Duration.ofMinutes(5))).statusCode());
    }

    @Test
    void rs256FromJwksFile() throws Exception {
        Http h = new Http(rsServer.port());
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder(Tokens.claims("bob", Tokens.AUDIENCE, Duration.ofMinutes(5)))
                .issuer("https://issuer.example").build();
        HttpResponse<byte[]> ok = h.get("/v1/audio/voices", Tokens.rs256(rsKey, claims));
        assertEquals(200, ok.statusCode(), () -> new String(ok.body()));
        assert401(h.get("/v1/audio/voices", Tokens.rs256(Tokens.rsaKey("k1"), claims)), "invalid_token"); // same kid, other key
        var otherIssuer = new com.nimbusds.jwt.JWTClaimsSet.Builder(claims).issuer("https://evil.example").build();
        HttpResponse<byte[]> r = h.get("/v1/audio/voices", Tokens.rs256(rsKey, otherIssuer));
        assertEquals(401, r.statusCode());
        assert401(h.get("/v1/audio/voices", Tokens.hs256("bob", Tokens.AUDIENCE, Duration.ofMinutes(5))), "invalid_token");
        assertNotEquals(200, h.get("/v1/audio/voices", null).statusCode());
    }
}
