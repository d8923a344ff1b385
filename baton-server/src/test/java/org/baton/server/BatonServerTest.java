package org.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import org.baton.server.config.BatonConfig;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled server over real HTTP: health, metrics, the development sign-in, and demo mode's exclusivity. */
class BatonServerTest {
    @TempDir
    Path dataDir;
    final HttpClient http = HttpClient.newHttpClient();

    BatonServer start(Map<String, String> extra) {
        var env = new HashMap<>(Map.of("BATON_PORT", "0", "BATON_BIND", "127.0.0.1", "BATON_DATA_DIR", dataDir.toString()));
        env.putAll(extra);
        return BatonServer.start(BatonConfig.fromEnvironment(env), InstantSource.system());
    }

    HttpResponse<String> call(BatonServer server, String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndMetrics_answerWithoutAToken() throws Exception {
        try (BatonServer server = start(Map.of())) {
            assertThat(call(server, "GET", "/health/live", null, null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = call(server, "GET", "/health/ready", null, null);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"database\":\"UP\"", "\"bus\":\"UP\"", "\"heartbeat\":\"UP\"", "\"store\":\"sqlite\"")
                    .as("every check is shown beside the instance's name").contains("\"instance\":\"");
            HttpResponse<String> metrics = call(server, "GET", "/metrics", null, null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void demoSignIn_issuesTokensTheApiAccepts_andTheApiRefusesOthers() throws Exception {
        try (BatonServer server = start(Map.of())) {
            JsonNode users = Json.mapper().readTree(call(server, "GET", "/api/dev/users", null, null).body());
            assertThat(users.path("users").findValuesAsText("role")).contains("attending", "resident", "nurse", "admin");
            HttpResponse<String> issued = call(server, "POST", "/api/dev/token", null, "{\"userId\":\"okafor\"}");
            assertThat(issued.statusCode()).isEqualTo(200);
            String token = Json.mapper().readTree(issued.body()).path("token").asText();

            HttpResponse<String> authed = call(server, "GET", "/api/nothing-here", token, null);
            assertThat(authed.statusCode()).isEqualTo(404);
            assertThat(authed.headers().firstValue("X-Session-Id")).hasValueSatisfying(id -> assertThat(id).startsWith("s_"));

            HttpResponse<String> anonymous = call(server, "GET", "/api/nothing-here", null, null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(Json.mapper().readTree(anonymous.body()).path("code").asText()).isEqualTo("UNAUTHENTICATED");
            HttpResponse<String> forged = call(server, "GET", "/api/nothing-here", token.substring(0, token.length() - 3) + "AAA", null);
            assertThat(forged.statusCode()).isEqualTo(401);

            HttpResponse<String> unknownUser = call(server, "POST", "/api/dev/token", null, "{\"userId\":\"mallory\"}");
            assertThat(unknownUser.statusCode()).isEqualTo(400);
            assertThat(Json.mapper().readTree(unknownUser.body()).path("code").asText()).isEqualTo("UNKNOWN_DEMO_USER");
        }
    }

    @Test
    void withARealSecret_theDevelopmentSignInDoesNotExist() throws Exception {
        try (BatonServer server = start(Map.of("BATON_JWT_SECRET", "a-real-deployment-secret-of-32-bytes+"))) {
            assertThat(server.demoSignIn()).isEmpty();
            assertThat(call(server, "POST", "/api/dev/token", null, "{\"userId\":\"sharma\"}").statusCode()).isEqualTo(401);
            assertThat(call(server, "GET", "/signin", null, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void pages_areServed_andPathTricksAreNot() throws Exception {
        try (BatonServer server = start(Map.of())) {
            HttpResponse<String> index = call(server, "GET", "/", null, null);
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(call(server, "GET", "/signin", null, null).body()).contains("Choose a demo user");
            assertThat(call(server, "GET", "/..%2F..%2Fetc%2Fpasswd", null, null).statusCode()).isEqualTo(404);
            assertThat(call(server, "GET", "/logback.xml", null, null).statusCode()).isEqualTo(404);
        }
    }
}
