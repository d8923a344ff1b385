package org.baton.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Lets an application that keeps records in its own database refuse stale writers. Its save handler calls
 * {@link #requireLease} with the lease the browser presents, then writes with the version check in the same
 * statement and stores the fencing token beside the row:
 *
 * <pre>{@code
 * long fence = guard.requireLease("patient:" + id, leaseId, userToken).fencingToken();
 * int rows = jdbc.update("UPDATE patient SET ..., version = version + 1, fence = ?"
 *         + " WHERE id = ? AND version = ? AND fence <= ?", fence, id, expectedVersion, fence);
 * if (rows == 0) -> 412: someone saved first (or a newer lease already wrote)
 * }</pre>
 *
 * The {@code fence <= ?} clause closes the window between the check and the write: a writer whose lease was
 * taken over after its check carries a smaller token than the one the new holder writes with.
 */
public final class BatonGuard {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final URI verifyUri;
    private final Duration timeout;

    /** A lease that may write now, and the fencing token to store with the row. */
    public record Lease(String resourceId, long fencingToken, String holderUserId) {
    }

    /** The lease may not write: {@code code} is Baton's (NOT_LOCK_HOLDER, LEASE_EXPIRED, STALE_FENCING_TOKEN, ...). */
    public static final class LeaseRefusedException extends Exception {
        private final String code;
        private final int status;

        LeaseRefusedException(int status, String code, String detail) {
            super(code + ": " + detail);
            this.code = code;
            this.status = status;
        }

        public String code() {
            return code;
        }

        public int status() {
            return status;
        }
    }

    public BatonGuard(URI batonBaseUrl) {
        this(batonBaseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(2));
    }

    public BatonGuard(URI batonBaseUrl, HttpClient http, Duration timeout) {
        this.http = http;
        this.verifyUri = batonBaseUrl.resolve("/api/guard/verify");
        this.timeout = timeout;
    }

    /**
     * Verifies that {@code leaseId} is the live lease of the token's user on {@code resourceId}. Fails closed: when
     * Baton cannot be reached the write must be refused, so this throws {@link IOException}.
     *
     * @param fencingToken the token the client was granted, or null to accept the lease's own
     * @param bearerToken the end user's JWT (the lease must be theirs)
     */
    public Lease requireLease(String resourceId, String leaseId, Long fencingToken, String bearerToken)
            throws LeaseRefusedException, IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("resourceId", resourceId).put("leaseId", leaseId);
        if (fencingToken != null) {
            body.put("fencingToken", fencingToken);
        }
        HttpRequest request = HttpRequest.newBuilder(verifyUri).timeout(timeout)
                .header("Authorization", "Bearer " + bearerToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode answer = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() == 200) {
            return new Lease(answer.path("resourceId").asText(), answer.path("fencingToken").asLong(),
                    answer.path("holder").path("userId").asText());
        }
        if (response.statusCode() >= 500) {
            throw new IOException("Baton answered " + response.statusCode() + "; refuse the write (fail closed)");
        }
        throw new LeaseRefusedException(response.statusCode(), answer.path("code").asText("UNKNOWN"), answer.path("detail").asText(""));
    }

    /** {@link #requireLease(String, String, Long, String)} without a fencing token of the caller's own. */
    public Lease requireLease(String resourceId, String leaseId, String bearerToken)
            throws LeaseRefusedException, IOException, InterruptedException {
        return requireLease(resourceId, leaseId, null, bearerToken);
    }

    /** Convenience for frameworks that hold the token in a supplier. */
    public Lease requireLease(String resourceId, String leaseId, Supplier<String> bearerToken)
            throws LeaseRefusedException, IOException, InterruptedException {
        return requireLease(resourceId, leaseId, null, bearerToken.get());
    }
}
