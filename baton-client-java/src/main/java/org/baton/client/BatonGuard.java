package org.baton.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * taken over after its check carries a smaller token than the one the new holder writes with. The guard fails
 * closed: when Baton cannot be reached or fails, it throws {@link IOException}, and the write must be refused.
 */
public final class BatonGuard {
    private final Transport transport;

    /** A lease that may write now, and the fencing token to store with the row. */
    public record Verified(String resourceId, long fencingToken, Person holder, Instant expiresAt) {
    }

    public BatonGuard(URI batonBaseUrl) {
        this(batonBaseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(2));
    }

    public BatonGuard(URI batonBaseUrl, HttpClient http, Duration timeout) {
        this.transport = new Transport(batonBaseUrl, http, timeout);
    }

    /**
     * Verifies that {@code leaseId} is the live lease of the token's user on {@code resourceId}.
     *
     * @param fencingToken the token the client was granted, or null to accept the lease's own
     * @param bearerToken the end user's JWT (the lease must be theirs)
     * @throws LeaseRefusedException the lease may not write (NOT_LOCK_HOLDER, LEASE_EXPIRED, STALE_FENCING_TOKEN)
     * @throws BatonProblemException another refusal (UNAUTHENTICATED, INVALID_RESOURCE_ID, ...)
     * @throws IOException Baton is unreachable or failed: refuse the write
     */
    public Verified requireLease(String resourceId, String leaseId, Long fencingToken, String bearerToken)
            throws BatonProblemException, IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resourceId", resourceId);
        body.put("leaseId", leaseId);
        if (fencingToken != null) {
            body.put("fencingToken", fencingToken);
        }
        return Transport.read(transport.send("POST", "/api/guard/verify", bearerToken, Map.of(), body).body(), Verified.class);
    }

    /** {@link #requireLease(String, String, Long, String)} without a fencing token of the caller's own. */
    public Verified requireLease(String resourceId, String leaseId, String bearerToken)
            throws BatonProblemException, IOException, InterruptedException {
        return requireLease(resourceId, leaseId, null, bearerToken);
    }

    /** Convenience for frameworks that hold the token in a supplier. */
    public Verified requireLease(String resourceId, String leaseId, Supplier<String> bearerToken)
            throws BatonProblemException, IOException, InterruptedException {
        return requireLease(resourceId, leaseId, null, bearerToken.get());
    }
}
