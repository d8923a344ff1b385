package org.baton.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every class of refusal answers problem+json with its stable code, over a real server on a free port. */
class ProblemResponderTest {
    record Body(String resourceId, boolean queue) {
    }

    static HttpApp app;
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = new HttpApp(new HttpApp.Options("127.0.0.1", 0, 1024), List.of(routes -> {
            routes.post("/echo", ctx -> ctx.json(Json.read(ctx.body(), Body.class)));
            routes.get("/refuse", ctx -> {
                throw new ApiException(Problem.of(429, "RATE_LIMITED", "Slow down."), 7);
            });
            routes.get("/boom", ctx -> {
                throw new IllegalStateException("secret internal detail");
            });
        })).start();
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode problem(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode node = Json.mapper().readTree(response.body());
        assertThat(node.get("status").asInt()).isEqualTo(response.statusCode());
        return node;
    }

    @Test
    void unknownRoute_isNotFoundProblem() throws Exception {
        var response = send("GET", "/nowhere", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(problem(response).get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void wrongMethod_isMethodNotAllowedProblem() throws Exception {
        var response = send("DELETE", "/echo", null);
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(problem(response).get("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    @Test
    void malformedJson_isInvalidJsonProblem() throws Exception {
        var response = send("POST", "/echo", "{\"resourceId\": ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(problem(response).get("code").asText()).isEqualTo("INVALID_JSON");
    }

    @Test
    void wrongFieldType_namesTheField() throws Exception {
        var response = send("POST", "/echo", "{\"resourceId\":\"a:b\",\"queue\":{\"x\":1}}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = problem(response);
        assertThat(problem.get("code").asText()).isEqualTo("INVALID_FIELD");
        assertThat(problem.get("detail").asText()).contains("queue");
    }

    @Test
    void oversizedBody_isPayloadTooLargeProblem() throws Exception {
        var response = send("POST", "/echo", "{\"resourceId\":\"" + "x".repeat(5000) + "\"}");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(problem(response).get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void refusalWithRetryAfter_carriesTheHeader() throws Exception {
        var response = send("GET", "/refuse", null);
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(problem(response).get("code").asText()).isEqualTo("RATE_LIMITED");
    }

    @Test
    void unexpectedFailure_hidesInternalsAndGivesAnIncidentId() throws Exception {
        var response = send("GET", "/boom", null);
        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode problem = problem(response);
        assertThat(problem.get("code").asText()).isEqualTo("INTERNAL");
        assertThat(response.body()).doesNotContain("secret internal detail").doesNotContain("IllegalStateException");
        assertThat(problem.path("incident").asText()).isNotBlank();
    }

    @Test
    void validBody_isBound() throws Exception {
        var response = send("POST", "/echo", "{\"resourceId\":\"a:b\",\"queue\":true}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()).path("queue").asBoolean()).isTrue();
    }
}
