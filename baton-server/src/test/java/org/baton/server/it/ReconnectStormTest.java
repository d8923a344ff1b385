package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconnect storm (issue 16; RELIABILITY promises 4 and 9): {@value #DEFAULT_CLIENTS} WebSocket clients (2,000 under
 * {@code ./test.sh --soak}, system property {@code baton.storm.clients}), each holding the lock of its own record and
 * viewing its ward's shared record ({@value #WARD_SIZE} clients a ward). The server is killed ({@code kill -9}) and
 * started again on the same data; every client reconnects with the browser client's policy (capped exponential backoff
 * with equal jitter, 500 ms then doubling up to 15 s, as {@code lock/backoff.js}) and resumes its session. All must
 * re-attach within one backoff step and 5 s (20 s) of the new server being ready on SQLite, within 45 s on PostgreSQL
 * (see the assertion); each then extends its lease over the resumed connection and gets the same lease and fencing
 * token; a rival asking for every record is refused (0 double holders); the new server's file descriptors and memory
 * stay within bounds of the old one's at the same load.
 */
class ReconnectStormTest {
    static final int DEFAULT_CLIENTS = 300;
    /** Clients per ward (one record viewed by 2,000 would make every join a 2,000-fold presence fan-out). */
    static final int WARD_SIZE = 50;
    static final long INITIAL_MS = 500;
    static final long MAX_MS = 15_000;

    @TempDir
    Path dir;
    final HttpClient rest = HttpClient.newHttpClient();
    final HttpClient sockets = HttpClient.newHttpClient();
    final ScheduledExecutorService retries = Executors.newScheduledThreadPool(2);
    final Map<String, Integer> refusals = new ConcurrentHashMap<>();

    /** One browser tab: its session, its lease, and the reconnect loop that resumes them. */
    final class Tab {
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
        volatile int failures;

        Tab(int i) {
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
            } else if (LightClient.is(frame, "lock:extended")) {
                extended.complete(Json.readTree(frame).path("data"));
            } else if (LightClient.is(frame, "error") || LightClient.is(frame, "lock:denied") || LightClient.is(frame, "lock:queued")) {
                refusals.merge(frame.substring(0, Math.min(120, frame.length())), 1, Integer::sum);
                if (frame.contains("STORE_UNAVAILABLE")) { // fail closed: the browser client tries again after Retry-After
                    retries.schedule(() -> {
                        if (!granted.isDone()) {
                            c.sendNow("resource:join", Map.of("resourceId", resource, "mode", "editor"));
                        } else if (reattached.isDone() && c == client && !extended.isDone()) {
                            c.sendNow("lock:heartbeat", Map.of("resourceId", resource, "active", true, "leaseId", leaseId));
                        }
                    }, 1, TimeUnit.SECONDS);
                }
            }
        }

        CompletableFuture<LightClient> open(URI ws, String origin) {
            String query = "?access_token=" + token + (sessionId == null ? "" : "&sessionId=" + sessionId);
            attempts.incrementAndGet();
            return LightClient.connect(sockets, ws, origin, user, query, this::onFrame).thenCompose(c -> {
                client = c;
                return CompletableFuture.anyOf(c.sessionId, c.closed).thenApply(first -> {
                    if (!c.sessionId.isDone()) {
                        refusals.merge("closed before session:ready with " + first, 1, Integer::sum);
                        throw new IllegalStateException("closed with " + first);
                    }
                    return c;
                });
            });
        }

        /** After the connection dropped: retry with backoff until a connection resumes this session. */
        void reconnect(URI ws, String origin) {
            long step = Math.min(MAX_MS, INITIAL_MS << Math.min(failures, 10));
            long delay = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
            retries.schedule(() -> open(ws, origin).whenComplete((c, failure) -> {
                if (failure != null) {
                    failures++;
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

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void afterAKill_everyClientReattachesWithin15s_withItsLeaseAndFence_andNoRecordHasTwoHolders() throws Exception {
        int n = Integer.getInteger("baton.storm.clients", DEFAULT_CLIENTS);
        try (ServerProcess server = new ServerProcess(dir, Map.of("BATON_MAX_CONNECTIONS_PER_USER", "20"))) {
            server.start();
            String origin = server.base().toString().replaceAll("/$", "");
            URI ws = URI.create("ws://127.0.0.1:" + server.port + "/ws");
            List<Tab> tabs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tabs.add(new Tab(i));
            }
            long t0 = System.nanoTime();
            for (int from = 0; from < n; from += 100) { // in batches, as a ward's morning logins would
                List<CompletableFuture<LightClient>> batch = new ArrayList<>();
                for (Tab tab : tabs.subList(from, Math.min(n, from + 100))) {
                    batch.add(tab.open(ws, origin));
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
            for (int from = 0; from < n; from += 50) {
                List<Tab> batch = tabs.subList(from, Math.min(n, from + 50));
                for (Tab tab : batch) {
                    tab.sessionId = tab.client.sessionId.join();
                    tab.client.sendNow("resource:join", Map.of("resourceId", tab.ward, "mode", "viewer"));
                    tab.client.sendNow("resource:join", Map.of("resourceId", tab.resource, "mode", "editor"));
                }
                for (Tab tab : batch) {
                    JsonNode lease = within(tab.granted, tab.user + "'s grant").path("lease");
                    tab.leaseId = lease.path("leaseId").asText();
                    tab.fence = lease.path("fencingToken").asLong();
                }
            }
            System.out.printf("storm: %d clients connected, each holding its record and viewing its ward, in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            long fdsBefore = fileDescriptors(server);
            long rssBefore = residentKb(server);

            int exit = server.kill();
            long killedAt = System.nanoTime();
            for (Tab tab : tabs) {
                tab.client.closed.get(30, TimeUnit.SECONDS);
                tab.reconnect(ws, origin);
            }
            server.start();
            long readyAt = System.nanoTime();
            long reattachedAll = 0;
            for (Tab tab : tabs) {
                reattachedAll = Math.max(reattachedAll, within(tab.reattached, tab.user + " re-attached"));
            }
            double afterReady = (reattachedAll - readyAt) / 1e9;
            double afterKill = (reattachedAll - killedAt) / 1e9;

            int sameLease = 0;
            for (Tab tab : tabs) {
                tab.client.sendNow("lock:heartbeat", Map.of("resourceId", tab.resource, "active", true, "leaseId", tab.leaseId));
            }
            for (Tab tab : tabs) {
                JsonNode lease = within(tab.extended, tab.user + "'s extension").path("lease");
                if (lease.path("leaseId").asText().equals(tab.leaseId) && lease.path("fencingToken").asLong() == tab.fence) {
                    sameLease++;
                }
            }
            String rival = ServerProcess.token("storm-rival", "nurse");
            int refused = 0;
            int doubleHolders = 0;
            for (Tab tab : tabs) {
                HttpResponse<String> answer = rest.send(HttpRequest.newBuilder(server.base().resolve("/api/locks/acquire"))
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("resourceId", tab.resource))))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + rival).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 409 && Json.readTree(answer.body()).at("/holder/userId").asText().equals(tab.user)) {
                    refused++;
                } else if (answer.statusCode() == 200) {
                    doubleHolders++;
                }
            }
            long fdsAfter = fileDescriptors(server);
            long rssAfter = residentKb(server);
            int attempts = tabs.stream().mapToInt(t -> t.attempts.get()).sum() - n;
            System.out.printf("storm: %d clients; kill -9 (exit %d), restart; all %d re-attached %.1f s after the new server was ready"
                            + " (%.1f s after the kill), %d connection attempts (backoff with jitter); %d of %d extended the same lease"
                            + " with the same fence; a rival refused on %d of %d records, %d double holders; server FDs %d before, %d after;"
                            + " RSS %d MiB before, %d MiB after; refusals and retries on the way: %s%n",
                    n, exit, n, afterReady, afterKill, attempts, sameLease, n, refused, n, doubleHolders, fdsBefore, fdsAfter,
                    rssBefore >> 10, rssAfter >> 10, refusals);
            try (var log = Files.lines(dir.resolve("server-2.log"))) {
                log.filter(l -> l.contains(" ERROR ") || l.startsWith("Caused by") || l.contains("Exception:")).limit(12).forEach(l -> System.out.println("storm: server error: " + l));
            }
            // SQLite: one full backoff step (15 s) and 5 s of handshakes. PostgreSQL: its pool (10 connections) is starved by
            // the resumes on two cores, answers wait up to BATON_DB_TIMEOUT and the instance briefly fences itself (503), so
            // clients back off further; measured ~24 s, bounded here at 45 s (docs/reliability.md says so).
            double bound = TestBaton.POSTGRES ? 45 : MAX_MS / 1000.0 + 5;
            assertThat(afterReady).as("every client re-attached within %.0f s after the restart", bound).isLessThan(bound);
            assertThat(sameLease).as("leases and fences intact").isEqualTo(n);
            assertThat(doubleHolders).as("double holders").isZero();
            assertThat(refused).as("the rival is refused by the original holder on every record").isEqualTo(n);
            assertThat(fdsAfter).as("file descriptors bounded").isLessThan(fdsBefore + 100);
            assertThat(rssAfter).as("memory bounded (KiB)").isLessThan(rssBefore * 2);
            tabs.forEach(t -> t.client.abort());
        } finally {
            retries.shutdownNow();
        }
    }

    private <T> T within(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no " + what + " within 60 s; refusals on the way: " + refusals, e);
        }
    }

    static long fileDescriptors(ServerProcess server) throws Exception {
        try (var fds = Files.list(Path.of("/proc", Long.toString(server.pid()), "fd"))) {
            return fds.count();
        }
    }

    static long residentKb(ServerProcess server) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }
}
