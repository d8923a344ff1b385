package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY promise 5 on the real server process: an acknowledged lease survives {@code kill -9} and restart with
 * its fencing token, its holder continues it from the same session, others are still refused, and the next grant
 * gets a higher fence.
 */
class KillAndRestartTest {
    static final String SECRET = "kill-and-restart-test-secret-32-bytes!!";

    @TempDir
    Path dataDir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void acknowledgedLease_survivesKillDashNine_andItsHolderContinuesIt() throws Exception {
        int port = freePort();
        Process first = startServer(port);
        JsonNode acquired;
        String session;
        try {
            var reply = post(port, "/api/locks/acquire", token("sharma"), null, Map.of("resourceId", "catheter:77"));
            assertThat(reply.statusCode()).isEqualTo(200);
            acquired = Json.mapper().readTree(reply.body());
            session = reply.headers().firstValue("X-Session-Id").orElseThrow();
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(first.exitValue()).isEqualTo(137);

        Process second = startServer(port);
        try {
            String leaseId = acquired.at("/lease/leaseId").asText();
            var other = post(port, "/api/locks/acquire", token("okafor"), null, Map.of("resourceId", "catheter:77"));
            assertThat(other.statusCode()).isEqualTo(409);
            assertThat(Json.mapper().readTree(other.body()).at("/holder/userId").asText()).isEqualTo("sharma");

            var extended = post(port, "/api/locks/extend", token("sharma"), session,
                    Map.of("resourceId", "catheter:77", "leaseId", leaseId, "active", true));
            assertThat(extended.statusCode()).as(extended.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(extended.body()).at("/lease/fencingToken").asLong()).isEqualTo(1);

            var released = post(port, "/api/locks/release", token("sharma"), session, Map.of("resourceId", "catheter:77", "leaseId", leaseId));
            assertThat(released.statusCode()).isEqualTo(200);
            var next = post(port, "/api/locks/acquire", token("okafor"), null, Map.of("resourceId", "catheter:77"));
            assertThat(Json.mapper().readTree(next.body()).at("/lease/fencingToken").asLong()).isEqualTo(2);
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process startServer(int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "org.baton.server.Main").redirectErrorStream(true).redirectOutput(dataDir.resolve("server-" + System.nanoTime() + ".log").toFile());
        builder.environment().putAll(Map.of("BATON_PORT", Integer.toString(port), "BATON_BIND", "127.0.0.1",
                "BATON_DATA_DIR", dataDir.toString(), "BATON_JWT_SECRET", SECRET, "BATON_LOG_FORMAT", "text"));
        Process process = builder.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue());
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return process;
    }

    private HttpResponse<String> post(int port, String path, String token, String session, Object body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token);
        if (session != null) {
            request.header("X-Session-Id", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String user) throws Exception {
        var claims = new JWTClaimsSet.Builder().subject(user).claim("name", user).claim("roles", List.of("nurse"))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
