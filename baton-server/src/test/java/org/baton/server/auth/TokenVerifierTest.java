package org.baton.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.baton.server.auth.AuthenticationException.Reason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JWT matrix of RELIABILITY.md: every forged or unacceptable token is refused, with the right reason. */
class TokenVerifierTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final InstantSource CLOCK = InstantSource.fixed(NOW);
    static final byte[] SECRET = "an-hs256-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
    static final Duration SKEW = Duration.ofSeconds(30);
    static KeyPair rsa;
    static KeyPair otherRsa;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();
        otherRsa = generator.generateKeyPair();
    }

    static TokenVerifier hs(String audience, String issuer) {
        return TokenVerifier.hs256(SECRET, audience, issuer, SKEW, CLOCK);
    }

    static TokenVerifier rs() {
        return TokenVerifier.rs256(new JWKSet(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).build()), null, null, SKEW, CLOCK);
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("sharma").claim("name", "Dr. Priya Sharma").claim("roles", List.of("Attending"))
                .expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    static String sign(JWSAlgorithm algorithm, JWSSigner signer, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        JWTClaimsSet.Builder builder = claims();
        edit.accept(builder);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(), builder.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String hsToken(Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        return sign(JWSAlgorithm.HS256, new MACSigner(SECRET), edit);
    }

    static String rsToken(KeyPair keys, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        return sign(JWSAlgorithm.RS256, new RSASSASigner((RSAPrivateKey) keys.getPrivate()), edit);
    }

    static void refused(TokenVerifier verifier, String token, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(AuthenticationException.class)
                .satisfies(e -> assertThat(((AuthenticationException) e).reason()).isEqualTo(reason))
                .satisfies(e -> {
                    if (!token.isEmpty()) {
                        assertThat(e.getMessage()).doesNotContain(token);
                    }
                });
    }

    @Test
    void validHs256Token_isAccepted_withIdentity() throws Exception {
        Identity identity = hs(null, null).verify(hsToken(b -> { }));
        assertThat(identity.userId()).isEqualTo("sharma");
        assertThat(identity.name()).isEqualTo("Dr. Priya Sharma");
        assertThat(identity.roles()).containsExactly("attending");
        assertThat(identity.expiresAt()).isEqualTo(NOW.plusSeconds(600));
    }

    @Test
    void expiredToken_isRefused() throws Exception {
        refused(hs(null, null), hsToken(b -> b.expirationTime(Date.from(NOW.minusSeconds(120)))), Reason.EXPIRED);
    }

    @Test
    void clockSkew_isRespected() throws Exception {
        assertThat(hs(null, null).verify(hsToken(b -> b.expirationTime(Date.from(NOW.minusSeconds(10))))).userId()).isEqualTo("sharma");
        refused(hs(null, null), hsToken(b -> b.expirationTime(Date.from(NOW.minusSeconds(60)))), Reason.EXPIRED);
    }

    @Test
    void tokenSignedWithAnotherSecret_isRefused() throws Exception {
        String forged = sign(JWSAlgorithm.HS256, new MACSigner("another-secret-that-is-32-bytes-long!!".getBytes(StandardCharsets.UTF_8)), b -> { });
        refused(hs(null, null), forged, Reason.BAD_SIGNATURE);
    }

    @Test
    void unsignedAlgNoneToken_isRefused() throws Exception {
        String none = new PlainJWT(claims().build()).serialize();
        refused(hs(null, null), none, Reason.ALGORITHM_NOT_ALLOWED);
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = none.split("\\.")[1];
        refused(hs(null, null), header + "." + payload + ".", Reason.ALGORITHM_NOT_ALLOWED);
        refused(rs(), none, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void algorithmConfusion_hs256SignedWithThePublicKey_isRefusedByRs256() throws Exception {
        byte[] publicKeyBytes = rsa.getPublic().getEncoded();
        String confused = sign(JWSAlgorithm.HS256, new MACSigner(publicKeyBytes), b -> { });
        refused(rs(), confused, Reason.ALGORITHM_NOT_ALLOWED);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicKeyBytes) + "\n-----END PUBLIC KEY-----\n";
        String confusedPem = sign(JWSAlgorithm.HS256, new MACSigner(pem.getBytes(StandardCharsets.UTF_8)), b -> { });
        refused(rs(), confusedPem, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rs256Token_isRefusedByAnHs256Verifier() throws Exception {
        refused(hs(null, null), rsToken(rsa, b -> { }), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rs256Token_isAccepted_viaPemAndJwks_andRefusedWithAnotherKey() throws Exception {
        assertThat(rs().verify(rsToken(rsa, b -> { })).userId()).isEqualTo("sharma");
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        var fromPem = TokenVerifier.rs256(TokenVerifier.parsePem(pem), null, null, SKEW, CLOCK);
        assertThat(fromPem.verify(rsToken(rsa, b -> { })).userId()).isEqualTo("sharma");
        var jwks = JWKSet.parse(new JWKSet(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("k1").build()).toString());
        assertThat(TokenVerifier.rs256(jwks, null, null, SKEW, CLOCK).verify(rsToken(rsa, b -> { })).userId()).isEqualTo("sharma");
        refused(rs(), rsToken(otherRsa, b -> { }), Reason.BAD_SIGNATURE);
    }

    @Test
    void missingExp_isRefused() throws Exception {
        refused(hs(null, null), hsToken(b -> b.expirationTime(null)), Reason.MISSING_CLAIM);
    }

    @Test
    void missingSub_isRefused() throws Exception {
        refused(hs(null, null), hsToken(b -> b.subject(null)), Reason.MISSING_CLAIM);
    }

    @Test
    void audience_isCheckedWhenConfigured() throws Exception {
        TokenVerifier verifier = hs("baton", null);
        assertThat(verifier.verify(hsToken(b -> b.audience("baton"))).userId()).isEqualTo("sharma");
        refused(verifier, hsToken(b -> b.audience("another-service")), Reason.WRONG_AUDIENCE);
        refused(verifier, hsToken(b -> { }), Reason.WRONG_AUDIENCE);
    }

    @Test
    void issuer_isCheckedWhenConfigured() throws Exception {
        TokenVerifier verifier = hs(null, "https://idp.hospital.example");
        assertThat(verifier.verify(hsToken(b -> b.issuer("https://idp.hospital.example"))).userId()).isEqualTo("sharma");
        refused(verifier, hsToken(b -> b.issuer("https://evil.example")), Reason.WRONG_ISSUER);
    }

    @Test
    void garbage_isRefusedAsMalformed() {
        refused(hs(null, null), "not.a.jwt", Reason.MALFORMED);
        refused(hs(null, null), "x".repeat(20_000), Reason.MALFORMED);
        refused(hs(null, null), "", Reason.MALFORMED);
    }

    @Test
    void wrongClaimTypes_areRefused() throws Exception {
        refused(hs(null, null), hsToken(b -> b.claim("roles", 42)), Reason.MALFORMED);
    }

    @Test
    void demoSignIn_tokensVerify_onlyWithItsOwnVerifier() {
        var demo = new DemoSignIn((name, generate) -> generate.get(), CLOCK, null, null);
        String token = demo.issue(demo.user("rivera").orElseThrow(), Duration.ofHours(1));
        assertThat(demo.verifier(SKEW).verify(token).roles()).containsExactly("admin");
        refused(hs(null, null), token, Reason.BAD_SIGNATURE);
        refused(new DemoSignIn((name, generate) -> generate.get(), CLOCK, null, null).verifier(SKEW), token, Reason.BAD_SIGNATURE);
    }

    /** Issue 12.11: roles from a configured claim, nested (Keycloak) or namespaced, as an array or a single string. */
    @Test
    void issue12_rolesComeFromTheConfiguredClaim_arrayOrSingleString() throws Exception {
        var keycloak = hs(null, null).rolesFrom("realm_access.roles");
        assertThat(keycloak.verify(hsToken(b -> b.claim("roles", null).claim("realm_access", java.util.Map.of("roles", List.of("Nurse", "admin")))))
                .roles()).containsExactly("nurse", "admin");
        assertThat(keycloak.verify(hsToken(b -> b.claim("roles", null).claim("realm_access", java.util.Map.of("roles", "attending")))).roles())
                .containsExactly("attending");
        assertThat(keycloak.verify(hsToken(b -> b.claim("realm_access", null))).roles()).as("absent: no roles, not the default claim").isEmpty();
        var namespaced = hs(null, null).rolesFrom("https://ehr.example.org/roles");
        assertThat(namespaced.verify(hsToken(b -> b.claim("https://ehr.example.org/roles", "admin"))).roles()).containsExactly("admin");
        assertThat(hs(null, null).verify(hsToken(b -> b.claim("roles", "resident"))).roles()).as("the default claim as one string")
                .containsExactly("resident");
        refused(keycloak, hsToken(b -> b.claim("realm_access", java.util.Map.of("roles", 7))), Reason.MALFORMED);
    }
}
