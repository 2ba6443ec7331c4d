package ai.maya1.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Mints test JWTs. */
final class Tokens {
    static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
    static final String AUDIENCE = "maya1-speech";

    private Tokens() {
    }

    static JWTClaimsSet claims(String subject, String audience, Duration expiresIn) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).audience(audience).issueTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(expiresIn))).jwtID(UUID.randomUUID().toString()).build();
    }

    static String hs256(String subject, String audience, Duration expiresIn) {
        return hs256(SECRET, claims(subject, audience, expiresIn));
    }

    static String hs256(String secret, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
