package ai.maya1.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Bearer-token authentication with nimbus-jose-jwt: HS256 with a shared secret, or RS256 with public keys from a
 * JWK set file (the usual export of an identity provider's {@code jwks_uri}). Signature, audience ({@code aud}
 * must contain the configured value), expiry ({@code exp} required, 60 s clock skew) and, when configured, the
 * issuer are checked; {@code sub} is required and becomes the rate-limit key.
 */
public final class JwtAuthenticator {
    /** Who called: the token's subject and, for the audit log, its id. */
    public record Principal(String subject, String tokenId) {
    }

    private final ConfigurableJWTProcessor<SecurityContext> processor;

    private JwtAuthenticator(ConfigurableJWTProcessor<SecurityContext> processor) {
        this.processor = processor;
    }

    /** HS256 with a shared secret of at least 32 bytes. */
    public static JwtAuthenticator hs256(byte[] secret, String audience, String issuer) {
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("the HS256 secret must have at least 32 bytes (256 bits)");
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret.clone())));
        return finish(p, audience, issuer);
    }

    /** RS256 with the public keys of a JWK set file ({@code {"keys": [...]}}). */
    public static JwtAuthenticator jwksFile(Path jwks, String audience, String issuer) {
        JWKSet set;
        try {
            set = JWKSet.load(jwks.toFile());
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot read JWK set " + jwks + ": " + e.getMessage(), e);
        }
        if (set.getKeys().isEmpty()) {
            throw new IllegalArgumentException("JWK set " + jwks + " has no keys");
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(set.toPublicJWKSet())));
        return finish(p, audience, issuer);
    }

    private static JwtAuthenticator finish(DefaultJWTProcessor<SecurityContext> p, String audience, String issuer) {
        Objects.requireNonNull(audience, "audience");
        if (audience.isBlank()) {
            throw new IllegalArgumentException("a JWT audience is required");
        }
        JWTClaimsSet exact = issuer == null || issuer.isBlank() ? null : new JWTClaimsSet.Builder().issuer(issuer).build();
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(audience, exact, Set.of("sub", "exp"));
        p.setJWTClaimsSetVerifier(verifier);
        return new JwtAuthenticator(p);
    }

    /**
     * Checks an {@code Authorization} header value.
     *
     * @throws ApiException 401 with code {@code missing_token}, {@code token_expired}, {@code wrong_audience} or
     *                      {@code invalid_token}
     */
    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiException.unauthorized("missing_token", "missing bearer token (Authorization: Bearer <JWT>)");
        }
        String a = authorization.strip();
        if (a.length() < 7 || !a.substring(0, 7).equalsIgnoreCase("bearer ")) {
            throw ApiException.unauthorized("missing_token", "the Authorization header is not a bearer token");
        }
        String token = a.substring(7).strip();
        if (token.length() > 16_384) {
            throw ApiException.unauthorized("invalid_token", "bearer token too long");
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            return new Principal(claims.getSubject(), claims.getJWTID());
        } catch (BadJWTException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("expired")) {
                throw ApiException.unauthorized("token_expired", "token expired");
            }
            if (m.contains("audience") || m.contains(" aud ")) {
                throw ApiException.unauthorized("wrong_audience", "token audience not accepted");
            }
            throw ApiException.unauthorized("invalid_token", "token rejected: " + e.getMessage());
        } catch (ParseException e) {
            throw ApiException.unauthorized("invalid_token", "bearer token is not a JWT");
        } catch (BadJOSEException | JOSEException e) {
            throw ApiException.unauthorized("invalid_token", "token signature or algorithm not accepted");
        }
    }
}
