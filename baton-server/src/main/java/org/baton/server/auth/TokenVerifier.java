package org.baton.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies bearer tokens: the signature with the one configured algorithm (HS256 with a shared secret, or RS256
 * with an RSA public key or JWK set), then the claims: {@code exp} and {@code sub} required, {@code aud} and
 * {@code iss} checked when configured, a small clock skew allowed.
 *
 * <p>The algorithm is pinned: {@code alg=none}, an RS256 token when HS256 is configured and an HS256 token when
 * RS256 is configured (the "algorithm confusion" attack that signs with the public key as an HMAC secret) are all
 * refused. Nimbus accepts a token without {@code exp} unless told otherwise, so the claims verifier is set up
 * explicitly (STACK.md).
 *
 * <p>Roles come from the claim named by {@link #rolesFrom} ({@code roles} unless configured): an identity provider
 * may nest them ({@code realm_access.roles} in Keycloak) and may send one role as a plain string. RS256 keys may come
 * from a JWKS URL ({@link #jwksFrom(URL)}), cached and re-fetched when a token names a key id not yet seen, so the
 * provider can rotate its keys without a restart.
 */
public final class TokenVerifier {
    /** The default claim that lists a user's roles. */
    public static final String ROLES = "roles";
    private static final int KEY_FETCH_TIMEOUT_MS = 5_000;
    private static final int MAX_JWKS_BYTES = 512 * 1024;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final JWSAlgorithm algorithm;
    private final String rolesClaim;

    private TokenVerifier(DefaultJWTProcessor<SecurityContext> processor, JWSAlgorithm algorithm, String rolesClaim) {
        this.processor = processor;
        this.algorithm = algorithm;
        this.rolesClaim = rolesClaim;
    }

    /**
     * The same verifier reading roles from {@code claim}: a top-level claim of that exact name (namespaced claim names
     * may contain dots) or else a dotted path into nested objects ({@code realm_access.roles}).
     */
    public TokenVerifier rolesFrom(String claim) {
        return new TokenVerifier(processor, algorithm, claim);
    }

    /**
     * The RSA keys published at {@code url}, as identity providers publish them: fetched on first use (5 s timeouts,
     * at most 512 KiB), cached for 5 minutes, re-fetched at once when a token names an unknown key id (key rotation),
     * and at most twice per 30 seconds so unknown key ids cannot make Baton hammer the provider.
     */
    public static JWKSource<SecurityContext> jwksFrom(URL url) {
        return JWKSourceBuilder.<SecurityContext>create(url, new DefaultResourceRetriever(KEY_FETCH_TIMEOUT_MS, KEY_FETCH_TIMEOUT_MS, MAX_JWKS_BYTES))
                .build();
    }

    /** An RSA public key from a PEM {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo). */
    public static JWKSet parsePem(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            byte[] der = java.util.Base64.getDecoder().decode(base64);
            var key = (java.security.interfaces.RSAPublicKey) java.security.KeyFactory.getInstance("RSA")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(der));
            return new JWKSet(new com.nimbusds.jose.jwk.RSAKey.Builder(key).build());
        } catch (IllegalArgumentException | java.security.GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a PEM-encoded RSA public key", e);
        }
    }

    /** An HS256 verifier; the secret must be at least 32 bytes. */
    public static TokenVerifier hs256(byte[] secret, String audience, String issuer, Duration skew, InstantSource clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret needs at least 32 bytes");
        }
        var selector = new JWSVerificationKeySelector<SecurityContext>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret));
        return build(selector, JWSAlgorithm.HS256, audience, issuer, skew, clock);
    }

    /** An RS256 verifier over the RSA keys of a JWK set (one key from a PEM file, or a JWKS document). */
    public static TokenVerifier rs256(JWKSet keys, String audience, String issuer, Duration skew, InstantSource clock) {
        return rs256(new ImmutableJWKSet<>(keys), audience, issuer, skew, clock);
    }

    /** An RS256 verifier over the RSA keys of a key source (a fixed set, or {@link #jwksFrom(URL)}). */
    public static TokenVerifier rs256(JWKSource<SecurityContext> keys, String audience, String issuer, Duration skew, InstantSource clock) {
        var selector = new JWSVerificationKeySelector<SecurityContext>(JWSAlgorithm.RS256, keys);
        return build(selector, JWSAlgorithm.RS256, audience, issuer, skew, clock);
    }

    private static TokenVerifier build(JWSVerificationKeySelector<SecurityContext> selector, JWSAlgorithm algorithm,
                                       String audience, String issuer, Duration skew, InstantSource clock) {
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSKeySelector(selector);
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null) {
            exact.issuer(issuer);
        }
        var verifier = new DefaultJWTClaimsVerifier<SecurityContext>(
                audience == null ? null : Set.of(audience), exact.build(), new HashSet<>(List.of("exp", "sub")), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew((int) skew.toSeconds());
        processor.setJWTClaimsSetVerifier(verifier);
        return new TokenVerifier(processor, algorithm, ROLES);
    }

    /** The caller a valid token names; throws {@link AuthenticationException} for anything else. */
    public Identity verify(String token) {
        if (token == null || token.isBlank() || token.length() > 16_384) {
            throw new AuthenticationException(AuthenticationException.Reason.MALFORMED, "The token is missing or too long.");
        }
        com.nimbusds.jwt.JWT parsed;
        try {
            parsed = com.nimbusds.jwt.JWTParser.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationException(AuthenticationException.Reason.MALFORMED, "The token is not a well-formed JWT.");
        }
        if (!(parsed instanceof com.nimbusds.jwt.SignedJWT signed) || !algorithm.equals(signed.getHeader().getAlgorithm())) {
            throw new AuthenticationException(AuthenticationException.Reason.ALGORITHM_NOT_ALLOWED,
                    "The token's signing algorithm is not accepted (expected " + algorithm + ").");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(signed, null);
        } catch (BadJWTException e) {
            throw claimProblem(e.getMessage());
        } catch (BadJOSEException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("no matching key")) {
                throw new AuthenticationException(AuthenticationException.Reason.BAD_SIGNATURE, "The token was not signed by a key this service trusts.");
            }
            if (message.contains("not allowed") || message.contains("Unsigned") || message.contains("algorithm")) {
                throw new AuthenticationException(AuthenticationException.Reason.ALGORITHM_NOT_ALLOWED, "The token's signing algorithm is not accepted.");
            }
            throw new AuthenticationException(AuthenticationException.Reason.BAD_SIGNATURE, "The token's signature is not valid.");
        } catch (com.nimbusds.jose.jwk.source.RateLimitReachedException e) {
            // the key set was fetched moments ago and does not hold this token's key id
            throw new AuthenticationException(AuthenticationException.Reason.BAD_SIGNATURE, "The token was not signed by a key this service trusts.");
        } catch (KeySourceException e) {
            throw new AuthenticationException(AuthenticationException.Reason.KEYS_UNAVAILABLE,
                    "The identity provider's signing keys could not be fetched; try again shortly.");
        } catch (JOSEException e) {
            throw new AuthenticationException(AuthenticationException.Reason.BAD_SIGNATURE, "The token's signature could not be checked.");
        }
        return identityOf(claims, rolesClaim);
    }

    private static AuthenticationException claimProblem(String message) {
        String m = String.valueOf(message).toLowerCase(Locale.ROOT);
        if (m.contains("expired")) {
            return new AuthenticationException(AuthenticationException.Reason.EXPIRED, "The token has expired.");
        }
        if (m.contains("aud")) {
            return new AuthenticationException(AuthenticationException.Reason.WRONG_AUDIENCE, "The token is not meant for this service (audience).");
        }
        if (m.contains("missing")) {
            return new AuthenticationException(AuthenticationException.Reason.MISSING_CLAIM, "The token lacks a required claim (exp and sub are required).");
        }
        if (m.contains("iss")) {
            return new AuthenticationException(AuthenticationException.Reason.WRONG_ISSUER, "The token comes from an issuer this service does not trust.");
        }
        return new AuthenticationException(AuthenticationException.Reason.MALFORMED, "The token's claims are not acceptable.");
    }

    private static Identity identityOf(JWTClaimsSet claims, String rolesClaim) {
        String userId = claims.getSubject();
        if (userId == null || userId.isBlank() || userId.length() > 128) {
            throw new AuthenticationException(AuthenticationException.Reason.MISSING_CLAIM, "The token's subject is missing or too long.");
        }
        String name;
        List<String> roles = new ArrayList<>();
        try {
            name = claims.getStringClaim("name");
            for (String role : rolesIn(claims, rolesClaim)) {
                if (role != null && !role.isBlank() && role.length() <= 64) {
                    roles.add(role.toLowerCase(Locale.ROOT));
                }
            }
        } catch (ParseException e) {
            throw new AuthenticationException(AuthenticationException.Reason.MALFORMED, "The token's name or roles claim has the wrong type.");
        }
        if (name == null || name.isBlank()) {
            name = userId;
        }
        if (name.length() > 200) {
            name = name.substring(0, 200);
        }
        Instant expiresAt = claims.getExpirationTime().toInstant();
        return new Identity(userId, name, roles, expiresAt);
    }

    /** The roles named by {@code claim}: an array of strings or one string; absent means none. */
    private static List<String> rolesIn(JWTClaimsSet claims, String claim) throws ParseException {
        Object value = claims.getClaim(claim);
        if (value == null && claim.contains(".")) {
            Object node = claims.getClaims();
            for (String step : claim.split("\\.")) {
                node = node instanceof java.util.Map<?, ?> object ? object.get(step) : null;
            }
            value = node;
        }
        if (value == null) {
            return List.of();
        }
        if (value instanceof String single) {
            return List.of(single);
        }
        if (value instanceof List<?> list && list.stream().allMatch(item -> item instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new ParseException("the roles claim '" + claim + "' is neither a string nor a list of strings", 0);
    }
}
