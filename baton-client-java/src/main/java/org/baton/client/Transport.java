package org.baton.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP exchange every call of this module shares: JSON in and out, the bearer token, bounded time, and the one
 * mapping from Baton's problem documents to exceptions. A 5xx or an answer that is not Baton's is an
 * {@link IOException}: callers guarding a write must then refuse it.
 */
final class Transport {
    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // Baton may add members; clients ignore them
            .build();
    private static final Set<String> HELD = Set.of("LOCK_HELD", "HELD_IN_OTHER_SESSION");
    private static final Set<String> LEASE_REFUSALS = Set.of("NOT_LOCK_HOLDER", "LEASE_EXPIRED", "STALE_FENCING_TOKEN");

    /** A successful answer: status, headers, JSON body (an empty object when there was none). */
    record Answer(int status, HttpHeaders headers, JsonNode body) {
    }

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    Transport(URI base, HttpClient http, Duration timeout) {
        this.base = base;
        this.http = http;
        this.timeout = timeout;
    }

    Answer send(String method, String pathAndQuery, String bearerToken, Map<String, String> headers, Object body)
            throws BatonProblemException, IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(timeout)
                .header("Accept", "application/json, application/problem+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (status >= 500) {
            throw new IOException("Baton answered " + status + " to " + method + " " + pathAndQuery + "; treat it as unavailable (fail closed)");
        }
        if (!type.contains("json")) {
            throw new IOException("Baton answered " + status + " with '" + type + "' to " + method + " " + pathAndQuery + "; is the base URL right?");
        }
        JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (status >= 400) {
            throw refusal(status, json, response.headers());
        }
        return new Answer(status, response.headers(), json);
    }

    static <T> T read(JsonNode node, Class<T> type) throws IOException {
        return JSON.treeToValue(node, type);
    }

    private static BatonProblemException refusal(int status, JsonNode body, HttpHeaders headers) throws IOException {
        Problem problem = new Problem(status, body.path("code").asText("HTTP_" + status), body.path("detail").asText(""), body);
        String code = problem.code();
        if (HELD.contains(code)) {
            return new LockHeldException(problem, body.hasNonNull("holder") ? read(body.get("holder"), Holder.class) : null);
        }
        if (LEASE_REFUSALS.contains(code)) {
            return new LeaseRefusedException(problem);
        }
        if (code.equals("VERSION_CONFLICT")) {
            return new VersionConflictException(problem, body.hasNonNull("current") ? read(body.get("current"), StoredRecord.class) : null);
        }
        if (status == 429) {
            long seconds = headers.firstValue("Retry-After").map(Transport::seconds).orElse(1L);
            return new RateLimitedException(problem, Duration.ofSeconds(seconds));
        }
        return new BatonProblemException(problem);
    }

    private static long seconds(String header) {
        try {
            return Math.max(1, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
