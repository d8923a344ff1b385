package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12.11: an identity provider's keys from a JWKS URL, as Keycloak publishes them, with roles in
 * {@code realm_access.roles}. A real local HTTP server serves the key set, counts the fetches and rotates the keys.
 */
class JwksUrlTest {
    @TempDir
    Path dir;
    HttpServer provider;
    final AtomicReference<String> published = new AtomicReference<>();
    final AtomicInteger fetches = new AtomicInteger();
    TestBaton baton;
    RSAKey first;
    RSAKey second;

    @BeforeEach
    void start() throws Exception {
        first = new RSAKeyGenerator(2048).keyID("k1").generate();
        second = new RSAKeyGenerator(2048).keyID("k2").generate();
        published.set(new JWKSet(first.toPublicJWK()).toString());
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/realms/aps/protocol/openid-connect/certs", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.start();
        baton = new TestBaton(dir, Map.of("BATON_JWT_JWKS_URL", "http://127.0.0.1:" + provider.getAddress().getPort()
                + "/realms/aps/protocol/openid-connect/certs", "BATON_JWT_ROLES_CLAIM", "realm_access.roles"));
    }

    @AfterEach
    void stop() {
        baton.close();
        provider.stop(0);
    }

    @Test
    void issue12_keysFromAJwksUrl_areCached_andRotatedWithoutARestart_rolesFromKeycloaksClaim() throws Exception {
        assertThat(baton.server.demoSignIn()).as("a configured JWKS URL turns demo mode off").isEmpty();
        String nurse = token(first, "okafor", List.of("nurse"));
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", nurse, null).status()).isEqualTo(200);
        assertThat(baton.call("GET", "/api/admin/locks", nurse, null).status()).as("a nurse is no admin").isEqualTo(403);
        String admin = token(first, "rivera", "admin");
        assertThat(baton.call("GET", "/api/admin/locks", admin, null).status()).as("one role as a plain string").isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(baton.call("GET", "/api/locks/check/catheter/1", nurse, null).status()).isEqualTo(200);
        }
        assertThat(fetches.get()).as("the key set is fetched once and cached").isEqualTo(1);

        published.set(new JWKSet(second.toPublicJWK()).toString());
        String rotated = token(second, "okafor", List.of("nurse"));
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", rotated, null).status()).as("a token signed with the new key").isEqualTo(200);
        assertThat(fetches.get()).as("an unknown key id fetched the set again").isEqualTo(2);
        TestBaton.Reply old = baton.call("GET", "/api/locks/check/catheter/1", token(first, "okafor", List.of("nurse")), null);
        assertThat(old.status()).as("the retired key is no longer trusted").isEqualTo(401);
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", token(new RSAKeyGenerator(2048).keyID("k2").generate(), "okafor", List.of()), null)
                .status()).as("a forged key that borrows a known key id").isEqualTo(401);
        System.out.printf("JWKS URL: %d fetches for 10 verified requests across one key rotation%n", fetches.get());
    }

    @Test
    void issue12_anUnreachableKeyServer_isBatonsTrouble_503_notTheUsers_401() throws Exception {
        provider.stop(0);
        TestBaton.Reply reply = baton.call("GET", "/api/locks/check/catheter/1", token(first, "okafor", List.of("nurse")), null);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.code()).isEqualTo("KEYS_UNAVAILABLE");
        assertThat(reply.raw().headers().firstValue("Retry-After")).isPresent();
    }

    private String token(RSAKey key, String userId, Object roles) throws Exception {
        var claims = new JWTClaimsSet.Builder().subject(userId).claim("name", userId)
                .claim("realm_access", Map.of("roles", roles))
                .expirationTime(Date.from(baton.clock.instant().plus(Duration.ofHours(1)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
