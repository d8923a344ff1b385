package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.baton.core.ResourceId;
import org.baton.server.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a restarted Baton gives its predecessor's clients their whole disconnect grace, counted from when it can
 * answer them. {@value #HOLDERS} clients each hold a record; an observer views all of them. After {@code kill -9} and a
 * restart on the same data, {@value #QUICK} holders and the observer reconnect as fast as they can; the others stay away.
 * Every away holder's grace must end no earlier than (the last moment the new server refused a connection) + the grace;
 * the quick ones keep their lease and fence, and none hears its own lease put into grace after it came back (a resume
 * and the release of the same orphaned session never interleave). Before the fix the new server released every orphan
 * before it served, so the graces started while no client could reach it.
 */
class RestartGraceTest {
    static final int HOLDERS = 150;
    static final int QUICK = 10;
    static final Duration GRACE = Duration.ofSeconds(30);
    /** The server's clock and the test's are the same machine's (on PostgreSQL the database's, on the same machine). */
    static final Duration CLOCK_TOLERANCE = Duration.ofMillis(100);

    @TempDir
    Path dir;
    final HttpClient rest = HttpClient.newHttpClient();
    final ScheduledExecutorService retries = Executors.newScheduledThreadPool(2);
    final StormTab.Storm storm = new StormTab.Storm(new LightClient.Sockets(), retries);

    @AfterEach
    void stopRetries() {
        retries.shutdownNow();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void issue16_aRestartedServerStartsItsPredecessorsGracesOnlyOnceItServes_andNeverGracesAClientThatCameBackFirst() throws Exception {
        try (ServerProcess server = new ServerProcess(dir, Map.of("LOCK_GRACE_PERIOD", Long.toString(GRACE.toSeconds()),
                // a named instance, as a deployment runs them: the restart is its own predecessor by name
                "BATON_INSTANCE_ID", "baton-restart"))) {
            server.start();
            String origin = server.base().toString().replaceAll("/$", "");
            URI ws = URI.create("ws://127.0.0.1:" + server.port + "/ws");
            List<StormTab> tabs = StormTab.many(storm, HOLDERS);
            StormTab.connectAndHold(tabs, ws, origin);
            List<StormTab> quick = tabs.subList(0, QUICK);
            List<StormTab> away = tabs.subList(QUICK, HOLDERS);

            Queue<JsonNode> graceNews = new ConcurrentLinkedQueue<>();
            String observerToken = ServerProcess.token("restart-observer", "nurse");
            LightClient observer = LightClient.connect(storm.sockets(), ws, origin, "restart-observer", "?access_token=" + observerToken,
                    (c, frame) -> { }).get(30, TimeUnit.SECONDS);
            String observerSession = observer.sessionId.get(30, TimeUnit.SECONDS);
            for (StormTab tab : away) {
                observer.sendNow("resource:join", Map.of("resourceId", tab.resource, "mode", "viewer"));
            }
            // session:ready, then one answer to each join
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> observer.frames.get() >= 1 + away.size());

            assertThat(server.kill()).isEqualTo(137);
            for (StormTab tab : tabs) {
                tab.client.closed.get(30, TimeUnit.SECONDS);
            }
            quick.forEach(tab -> tab.ownGraceNews.clear());
            // Come back as soon as anything listens: every 20 ms, from before the new server starts.
            CompletableFuture<LightClient> observerBack = new CompletableFuture<>();
            reconnectEagerly(() -> LightClient.connect(storm.sockets(), ws, origin, "restart-observer",
                    "?access_token=" + observerToken + "&sessionId=" + observerSession, (c, frame) -> {
                        if (LightClient.is(frame, "lock:holder_disconnected")) {
                            graceNews.add(Json.readTree(frame).path("data"));
                        }
                    }).thenCompose(c -> c.sessionId.thenApply(id -> c)), observerBack);
            List<CompletableFuture<LightClient>> quickBack = new ArrayList<>();
            for (StormTab tab : quick) {
                CompletableFuture<LightClient> back = new CompletableFuture<>();
                reconnectEagerly(() -> tab.open(ws, origin), back);
                quickBack.add(back);
            }
            server.start();
            Instant refused = server.lastRefusedAt();
            assertThat(refused).as("the new server was seen not listening yet").isNotNull();
            Instant earliestGraceEnd = refused.plus(GRACE).minus(CLOCK_TOLERANCE);
            for (int i = 0; i < QUICK; i++) {
                assertThat(quickBack.get(i).get(60, TimeUnit.SECONDS).sessionId.get()).as("resumed").isEqualTo(quick.get(i).sessionId);
            }
            assertThat(observerBack.get(60, TimeUnit.SECONDS).sessionId.get()).isEqualTo(observerSession);

            // The new server releases what its predecessor left: every away holder's lease enters its grace.
            Map<String, Instant> disconnectedAt = new HashMap<>();
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                disconnectedAt.clear();
                disconnectedAt.putAll(holderDisconnections(server));
                return away.stream().allMatch(tab -> disconnectedAt.containsKey(canonical(tab.resource)));
            });
            Instant earliest = away.stream().map(tab -> disconnectedAt.get(canonical(tab.resource))).min(Instant::compareTo).orElseThrow();
            long quickNeverInGrace = quick.stream().filter(tab -> !disconnectedAt.containsKey(canonical(tab.resource))).count();
            List<Instant> observedGraceEnds = graceNews.stream().map(d -> Instant.parse(d.path("graceEndsAt").asText())).toList();
            Map<String, Integer> quickHeard = new java.util.TreeMap<>();
            quick.forEach(tab -> quickHeard.put(tab.user, tab.ownGraceNews.size()));
            ReconnectStormTest.Round round = ReconnectStormTest.heartbeatRound(quick);
            System.out.printf("restart grace (%s): new server last refused a connection at %s; first grace of %d away holders started %d ms"
                            + " after that; the observer heard %d graces put in place, the earliest ending %s; %d of %d quick clients came"
                            + " back before the release reached them; graces the quick ones heard about their own lease after coming back: %s;"
                            + " %d of %d quick ones extended the same lease with the same fence (%s)%n",
                    TestBaton.POSTGRES ? "PostgreSQL" : "SQLite", refused, away.size(), Duration.between(refused, earliest).toMillis(),
                    observedGraceEnds.size(), observedGraceEnds.stream().min(Instant::compareTo).orElse(null), quickNeverInGrace, QUICK,
                    quickHeard, round.sameLease(), QUICK, round.failures());

            assertThat(earliest.plus(GRACE)).as("every away holder's grace ends at least %s after the new server could answer", GRACE)
                    .isAfterOrEqualTo(earliestGraceEnd);
            assertThat(observedGraceEnds).as("a viewer that came back at once sees the graces put in place").isNotEmpty()
                    .allSatisfy(end -> assertThat(end).isAfterOrEqualTo(earliestGraceEnd));
            assertThat(quickHeard.values()).as("no quick client hears its own lease put into grace after it resumed").containsOnly(0);
            assertThat(round.sameLease()).as("the quick clients keep their lease and fence (%s)", round.failures()).isEqualTo(QUICK);
            assertThat(quickNeverInGrace).as("a client back before the release reached it is never put into grace").isPositive();
            tabs.forEach(t -> t.client.abort());
        }
    }

    /** Tries {@code attempt} every 20 ms until one succeeds, and completes {@code done} with it. */
    private <T> void reconnectEagerly(java.util.function.Supplier<CompletableFuture<T>> attempt, CompletableFuture<T> done) {
        attempt.get().whenComplete((value, failure) -> {
            if (failure == null) {
                done.complete(value);
            } else if (!retries.isShutdown()) {
                retries.schedule(() -> reconnectEagerly(attempt, done), 20, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Each resource's latest {@code HOLDER_DISCONNECTED} entry in the audit trail, by canonical resource id. */
    private Map<String, Instant> holderDisconnections(ServerProcess server) throws Exception {
        Map<String, Instant> at = new HashMap<>();
        for (JsonNode entry : get(server, "/api/admin/audit?action=HOLDER_DISCONNECTED&limit=1000").path("entries")) {
            at.putIfAbsent(canonical(entry.path("resourceId").asText()), Instant.parse(entry.path("at").asText()));
        }
        return at;
    }

    private JsonNode get(ServerProcess server, String path) throws Exception {
        HttpResponse<String> answer = rest.send(HttpRequest.newBuilder(server.base().resolve(path))
                .header("Authorization", "Bearer " + ServerProcess.token("restart-admin", "admin")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.readTree(answer.body());
    }

    private static String canonical(String resource) {
        return ResourceId.parse(resource).toString();
    }
}
