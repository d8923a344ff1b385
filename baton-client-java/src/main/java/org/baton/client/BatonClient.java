package org.baton.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Java client of Baton's REST API for one user session, so a back end can take, keep and give back edit locks and
 * save under them without hand-written HTTP calls.
 *
 * <p>A lease belongs to (user, session). The client sends the user's token (from {@code token}, asked for on every call
 * so a refreshed token is used) and keeps the session id Baton assigns on the first answer, so later calls act as
 * the same session; create one client per user session and share one {@link HttpClient} between them.
 *
 * <pre>{@code
 * BatonClient baton = BatonClient.builder(URI.create("https://baton.example.org")).token(() -> user.jwt()).build();
 * switch (baton.acquire("catheter:c-2001", true)) {
 *     case Acquisition.Acquired a -> edit(a.lease());               // heartbeat with baton.extend(lease, active)
 *     case Acquisition.Queued q -> showPlace(q.position());         // follow with baton.check(...)
 * }
 * StoredRecord saved = baton.save("catheter", "c-2001", record.version(), Map.of("site", "T9-10"), lease);
 * baton.release(lease, "dose change pending pharmacy check");
 * }</pre>
 *
 * <p>Refusals are {@link BatonProblemException}s with Baton's stable code ({@link LockHeldException},
 * {@link LeaseRefusedException}, {@link VersionConflictException}, {@link RateLimitedException} for the common ones);
 * an unreachable or failing Baton (5xx) is an {@link IOException}. The calls are thread-safe.
 */
public final class BatonClient {
    private static final String SESSION_HEADER = "X-Session-Id";
    private final Transport transport;
    private final Supplier<String> token;
    private volatile String sessionId;

    private BatonClient(Transport transport, Supplier<String> token, String sessionId) {
        this.transport = transport;
        this.token = token;
        this.sessionId = sessionId;
    }

    public static Builder builder(URI batonBaseUrl) {
        return new Builder(batonBaseUrl);
    }

    /** Configures a {@link BatonClient}; only the token is required. */
    public static final class Builder {
        private final URI base;
        private Supplier<String> token;
        private HttpClient http;
        private Duration timeout = Duration.ofSeconds(5);
        private String sessionId;

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "batonBaseUrl");
        }

        /** The user's JWT, asked for before every call (so it may be refreshed). */
        public Builder token(Supplier<String> token) {
            this.token = token;
            return this;
        }

        public Builder token(String token) {
            return token(() -> token);
        }

        /** Share one HttpClient between clients (default: a new one with a 2 s connect timeout). */
        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        /** How long one call may take (default 5 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Act as an existing session (for example the browser tab's, from its session:ready). */
        public Builder sessionId(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public BatonClient build() {
            Objects.requireNonNull(token, "token");
            HttpClient client = http != null ? http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            return new BatonClient(new Transport(base, client, timeout), token, sessionId);
        }
    }

    /** The session this client acts as: given to the builder, or assigned by Baton on the first answer (null before). */
    public String sessionId() {
        return sessionId;
    }

    /** Takes the editor lock; refused with {@link LockHeldException} when someone else holds it. */
    public Acquisition.Acquired acquire(String resourceId) throws BatonProblemException, IOException, InterruptedException {
        return (Acquisition.Acquired) acquire(resourceId, false);
    }

    /**
     * Takes the editor lock, or with {@code queueIfHeld} joins the FIFO queue when it is held.
     *
     * @param resourceId {@code type:id} (the main section) or {@code type:id:child}
     */
    public Acquisition acquire(String resourceId, boolean queueIfHeld) throws BatonProblemException, IOException, InterruptedException {
        JsonNode body = call("POST", "/api/locks/acquire", Map.of("resourceId", resourceId, "queue", queueIfHeld), Map.of());
        if (body.path("status").asText().equals("queued")) {
            return new Acquisition.Queued(body.path("position").asInt(), Duration.ofSeconds(body.path("estimatedWaitSeconds").asLong()));
        }
        return new Acquisition.Acquired(Transport.read(body.get("lease"), Lease.class),
                Optional.ofNullable(body.path("handoverNote").asText(null)));
    }

    /**
     * Heartbeat: renews the lease's {@code expiresAt}, and its {@code idleExpiresAt} too when {@code userWasActive}
     * (real typing or clicking since the last heartbeat). Call it every {@code heartbeatSeconds} of
     * {@code GET /api/client-config} (60 s by default).
     */
    public Lease extend(Lease lease, boolean userWasActive) throws BatonProblemException, IOException, InterruptedException {
        JsonNode body = call("POST", "/api/locks/extend",
                Map.of("resourceId", lease.resourceId(), "leaseId", lease.leaseId(), "active", userWasActive), Map.of());
        return Transport.read(body.get("lease"), Lease.class);
    }

    /** Gives the lock back; the next in the queue gets it. */
    public void release(Lease lease) throws BatonProblemException, IOException, InterruptedException {
        release(lease, null);
    }

    /** Gives the lock back with a handover note (at most 280 characters) that the next editor sees first. */
    public void release(Lease lease, String note) throws BatonProblemException, IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resourceId", lease.resourceId());
        body.put("leaseId", lease.leaseId());
        if (note != null) {
            body.put("note", note);
        }
        call("POST", "/api/locks/release", body, Map.of());
    }

    /** Who holds the lock, this session's lease if it is the holder, the queue and who is present. */
    public LockStatus check(String resourceId) throws BatonProblemException, IOException, InterruptedException {
        String[] parts = split(resourceId);
        JsonNode body = call("GET", "/api/locks/check/" + encode(parts[0]) + "/" + encode(parts[1])
                + (parts[2] == null ? "" : "?child=" + encode(parts[2])), null, Map.of());
        List<LockStatus.Presence> presence = new ArrayList<>();
        for (JsonNode p : body.path("presence")) {
            presence.add(Transport.read(p, LockStatus.Presence.class));
        }
        return new LockStatus(body.path("resourceId").asText(), body.path("locked").asBoolean(),
                body.hasNonNull("holder") ? Optional.of(Transport.read(body.get("holder"), Holder.class)) : Optional.empty(),
                body.hasNonNull("lease") ? Optional.of(Transport.read(body.get("lease"), Lease.class)) : Optional.empty(),
                body.path("queue").path("length").asInt(), body.path("queue").path("position").asInt(), body.path("viewers").asInt(),
                List.copyOf(presence));
    }

    /** The current version of a record kept by Baton's record API. */
    public StoredRecord getRecord(String type, String id) throws BatonProblemException, IOException, InterruptedException {
        return Transport.read(call("GET", "/api/records/" + encode(type) + "/" + encode(id), null, Map.of()), StoredRecord.class);
    }

    /**
     * Guarded save: applies {@code fields} (a patch; a null value clears a field) to version {@code expectedVersion},
     * under {@code lease} (its section: the lease's child, {@code main} by default). Baton checks the version, the lease
     * and its fencing token in the same atomic step as the write.
     *
     * @throws VersionConflictException someone saved first: show {@code current()} and the merge proposal
     * @throws LeaseRefusedException the lease ended or was taken over: nothing was written
     */
    public StoredRecord save(String type, String id, long expectedVersion, Map<String, ?> fields, Lease lease)
            throws BatonProblemException, IOException, InterruptedException {
        String section = split(lease.resourceId())[2];
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("fields", fields);
        JsonNode saved = call("PUT", "/api/records/" + encode(type) + "/" + encode(id)
                        + (section == null || section.equals("main") ? "" : "?child=" + encode(section)), body,
                Map.of("If-Match", "\"" + expectedVersion + "\"", "X-Lease-Id", lease.leaseId(),
                        "X-Fencing-Token", Long.toString(lease.fencingToken())));
        return Transport.read(saved, StoredRecord.class);
    }

    private JsonNode call(String method, String path, Object body, Map<String, String> headers)
            throws BatonProblemException, IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        String session = sessionId;
        if (session != null) {
            all.put(SESSION_HEADER, session);
        }
        Transport.Answer answer = transport.send(method, path, token.get(), all, body);
        answer.headers().firstValue(SESSION_HEADER).ifPresent(id -> sessionId = id);
        return answer.body();
    }

    /** {@code type:id[:child]} as [type, id, child or null]. */
    private static String[] split(String resourceId) {
        String[] parts = resourceId.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("a resource id is type:id or type:id:child, not '" + resourceId + "'");
        }
        return new String[] {parts[0], parts[1], parts.length == 3 ? parts[2] : null};
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
