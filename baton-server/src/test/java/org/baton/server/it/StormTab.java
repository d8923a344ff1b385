package org.baton.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.baton.server.http.Json;

/**
 * One browser tab of a reconnect storm (issue 16; {@link ReconnectStormTest}, {@link ReconnectStormClusterTest}): its
 * session, the lease of its own record, its ward's shared record, and the reconnect loop of the browser client
 * ({@code lock/backoff.js}: capped exponential backoff with equal jitter, 500 ms doubling up to 8 s) that resumes them.
 * Like the browser client it heartbeats its lease over whichever connection it has; {@link #heartbeat()} sends one now.
 */
final class StormTab {
    static final int WARD_SIZE = 50;
    static final long INITIAL_MS = 500;
    static final long MAX_MS = 8_000;

    /** What the tabs of one storm share: one WebSocket client, the retry timers, and the refusals they met. */
    record Storm(LightClient.Sockets sockets, ScheduledExecutorService retries, Map<String, Integer> refusals) {
        Storm(LightClient.Sockets sockets, ScheduledExecutorService retries) {
            this(sockets, retries, new ConcurrentHashMap<>());
        }

        void refused(String what) {
            refusals.merge(what, 1, Integer::sum);
        }

        /** A reconnect attempt that failed, counted by its cause (refused while the server was down, reset, timed out...). */
        void reconnectFailed(Throwable failure) {
            Throwable cause = failure;
            while (cause.getCause() != null && (cause instanceof java.util.concurrent.CompletionException || cause instanceof java.util.concurrent.ExecutionException)) {
                cause = cause.getCause();
            }
            refused("reconnect failed: " + cause.getClass().getSimpleName() + (cause instanceof IllegalStateException ? " " + cause.getMessage() : ""));
        }
    }

    final Storm storm;
    final String user;
    final String resource;
    final String ward;
    final String token;
    volatile String sessionId;
    volatile String leaseId;
    volatile long fence;
    volatile LightClient client;
    final CompletableFuture<JsonNode> granted = new CompletableFuture<>();
    volatile CompletableFuture<Long> reattached = new CompletableFuture<>();
    volatile CompletableFuture<JsonNode> extended = new CompletableFuture<>();
    final AtomicInteger attempts = new AtomicInteger();
    /** Every {@code lock:holder_disconnected} this tab heard about its own record (its lease put into grace while it listened). */
    final java.util.Queue<JsonNode> ownGraceNews = new java.util.concurrent.ConcurrentLinkedQueue<>();
    volatile int failures;

    /**
     * Opens every tab's connection, 100 at a time (as a ward's morning logins would), then joins each to its records
     * and waits for its grant, 50 at a time; fails naming the refusals seen when a grant does not come within 60 s.
     */
    static void connectAndHold(List<StormTab> tabs, URI ws, String origin) throws Exception {
        for (int from = 0; from < tabs.size(); from += 100) {
            List<CompletableFuture<LightClient>> batch = new ArrayList<>();
            for (StormTab tab : tabs.subList(from, Math.min(tabs.size(), from + 100))) {
                batch.add(tab.connect(ws, origin));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        for (int from = 0; from < tabs.size(); from += 50) {
            List<StormTab> batch = tabs.subList(from, Math.min(tabs.size(), from + 50));
            batch.forEach(StormTab::join);
            for (StormTab tab : batch) {
                try {
                    tab.holdGrant(tab.granted.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("no grant for " + tab.user + " within 60 s; refusals on the way: " + tab.storm.refusals(), e);
                }
            }
        }
    }

    /** Tabs 0 to {@code count - 1} of the storm, each its own user with its own record (nothing connected yet). */
    static List<StormTab> many(Storm storm, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> new StormTab(storm, i)).toList();
    }

    StormTab(Storm storm, int i) {
        this.storm = storm;
        user = "storm-" + i;
        resource = "patient:storm-" + i;
        ward = "patient:storm-ward-" + i / WARD_SIZE;
        token = ServerProcess.token(user, "nurse");
    }

    void onFrame(LightClient c, String frame) {
        if (LightClient.is(frame, "lock:acquired")) {
            JsonNode data = Json.readTree(frame).path("data");
            if (data.path("yours").asBoolean()) {
                granted.complete(data);
            }
        } else if (LightClient.is(frame, "lock:holder_disconnected")) {
            JsonNode data = Json.readTree(frame).path("data");
            if (org.baton.core.ResourceId.parse(data.path("resourceId").asText()).equals(org.baton.core.ResourceId.parse(resource))) {
                ownGraceNews.add(data);
            }
        } else if (LightClient.is(frame, "lock:extended")) {
            extended.complete(Json.readTree(frame).path("data"));
        } else if (LightClient.is(frame, "error") || LightClient.is(frame, "lock:denied") || LightClient.is(frame, "lock:queued")) {
            String code = Json.readTree(frame).at("/data/code").asText();
            storm.refused(frame.substring(10, frame.indexOf('"', 10)) + " " + code);
            if ("LEASE_EXPIRED".equals(code) || "NOT_LOCK_HOLDER".equals(code)) {
                extended.completeExceptionally(new AssertionError(user + "'s lease was refused: " + code));
            }
            if (frame.contains("STORE_UNAVAILABLE")) { // fail closed: the browser client tries again after Retry-After
                storm.retries().schedule(() -> {
                    if (!granted.isDone()) {
                        c.sendNow("resource:join", Map.of("resourceId", resource, "mode", "editor"));
                    } else if (c == client && !c.closed.isDone() && !extended.isDone()) { // a heartbeat still unanswered
                        c.sendNow("lock:heartbeat", Map.of("resourceId", resource, "active", true, "leaseId", leaseId));
                    }
                }, 1, TimeUnit.SECONDS);
            }
        }
    }

    CompletableFuture<LightClient> open(URI ws, String origin) {
        String query = "?access_token=" + token + (sessionId == null ? "" : "&sessionId=" + sessionId);
        attempts.incrementAndGet();
        return LightClient.connect(storm.sockets(), ws, origin, user, query, this::onFrame).thenCompose(c -> {
            client = c;
            return CompletableFuture.anyOf(c.sessionId, c.closed).thenApply(first -> {
                if (!c.sessionId.isDone()) {
                    storm.refused("closed before session:ready with " + first);
                    throw new IllegalStateException("closed with " + first);
                }
                return c;
            });
        });
    }

    /**
     * Opens this tab's first connection, retrying on the backoff as the browser client does when a connection is refused
     * (an instance whose store is busy closes it with 1013, try again later).
     */
    CompletableFuture<LightClient> connect(URI ws, String origin) {
        CompletableFuture<LightClient> connected = new CompletableFuture<>();
        connect(ws, origin, connected, 0);
        return connected;
    }

    private void connect(URI ws, String origin, CompletableFuture<LightClient> connected, int failed) {
        open(ws, origin).whenComplete((c, failure) -> {
            if (failure == null) {
                connected.complete(c);
            } else {
                storm.retries().schedule(() -> connect(ws, origin, connected, failed + 1), backoff(failed), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** The browser client's delay after {@code failed} failed attempts: equal jitter over a doubling step, capped. */
    static long backoff(int failed) {
        long step = Math.min(MAX_MS, INITIAL_MS << Math.min(failed, 10));
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    /** Joins the ward as a viewer and asks for the own record as its editor. */
    void join() {
        sessionId = client.sessionId.join();
        client.sendNow("resource:join", Map.of("resourceId", ward, "mode", "viewer"));
        client.sendNow("resource:join", Map.of("resourceId", resource, "mode", "editor"));
    }

    /** Keeps the lease and fence the grant gave. */
    void holdGrant(JsonNode grant) {
        JsonNode lease = grant.path("lease");
        leaseId = lease.path("leaseId").asText();
        fence = lease.path("fencingToken").asLong();
    }

    /** Heartbeats the lease now over the current connection; the answer completes the returned (fresh) future. */
    CompletableFuture<JsonNode> heartbeat() {
        extended = new CompletableFuture<>();
        if (client.closed.isDone()) {
            throw new AssertionError(user + "'s connection was closed before its heartbeat, with " + client.closed.join() + " ("
                    + client.closeReason + "); refusals on the way: " + storm.refusals());
        }
        client.sendNow("lock:heartbeat", Map.of("resourceId", resource, "active", true, "leaseId", leaseId));
        return extended;
    }

    /** Whether {@code extension} kept this tab's lease and fence. */
    boolean sameLease(JsonNode extension) {
        JsonNode lease = extension.path("lease");
        return lease.path("leaseId").asText().equals(leaseId) && lease.path("fencingToken").asLong() == fence;
    }

    /** After the connection dropped: retry with backoff until a connection resumes this session. */
    void reconnect(URI ws, String origin) {
        long delay = backoff(failures);
        storm.retries().schedule(() -> open(ws, origin).whenComplete((c, failure) -> {
            if (failure != null) {
                failures++;
                storm.reconnectFailed(failure);
                reconnect(ws, origin);
            } else if (!c.sessionId.join().equals(sessionId)) {
                reattached.completeExceptionally(new AssertionError(user + " got a new session " + c.sessionId.join()));
            } else {
                failures = 0;
                reattached.complete(System.nanoTime());
            }
        }), delay, TimeUnit.MILLISECONDS);
    }
}
