package org.baton.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The development sign-in of demo mode: a generated secret and a handful of demo users with the seed's roles, for
 * whom it signs HS256 tokens.
 *
 * <p>It exists only in demo mode: its secret is always generated, never configured, so it can never sign tokens
 * that a configured secret or key would accept; {@code BatonServer} creates it only when no secret or key is
 * configured. The generated secret is kept in the store's shared secrets, so every instance of a scaled-out demo
 * (and a restarted one) accepts the same demo tokens.
 */
public final class DemoSignIn {
    /** A demo user: id, display name, role. */
    public record DemoUser(String userId, String name, String role) {
    }

    private static final List<DemoUser> USERS = List.of(
            new DemoUser("sharma", "Dr. Priya Sharma", "attending"),
            new DemoUser("johnson", "Dr. Alan Johnson", "attending"),
            new DemoUser("chen", "Dr. Mei Chen", "resident"),
            new DemoUser("okafor", "Nurse Grace Okafor", "nurse"),
            new DemoUser("lindqvist", "Nurse Erik Lindqvist", "nurse"),
            new DemoUser("rivera", "Sam Rivera (IT)", "admin"));

    private final byte[] secret;
    private final InstantSource clock;
    private final String audience;
    private final String issuer;

    /** A sign-in with the deployment's generated demo secret (created by the first instance that asks). */
    public DemoSignIn(org.baton.core.cluster.SharedSecrets secrets, InstantSource clock, String audience, String issuer) {
        this.secret = java.util.HexFormat.of().parseHex(secrets.getOrCreate("demo-token-secret", () -> {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            return java.util.HexFormat.of().formatHex(fresh);
        }));
        this.clock = clock;
        this.audience = audience;
        this.issuer = issuer;
    }

    public List<DemoUser> users() {
        return USERS;
    }

    public Optional<DemoUser> user(String userId) {
        return USERS.stream().filter(u -> u.userId().equals(userId)).findFirst();
    }

    /** The verifier that accepts this sign-in's tokens (and nothing else). */
    public TokenVerifier verifier(Duration skew) {
        return TokenVerifier.hs256(secret, audience, issuer, skew, clock);
    }

    /** A signed token for a demo user, valid for {@code ttl}. */
    public String issue(DemoUser user, Duration ttl) {
        Instant now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .subject(user.userId())
                .claim("name", user.name())
                .claim("roles", List.of(user.role()))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (audience != null) {
            claims.audience(audience);
        }
        if (issuer != null) {
            claims.issuer(issuer);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a demo token failed", e);
        }
    }
}
