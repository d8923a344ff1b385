package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.baton.store.tck.TestPostgres;

/**
 * Issue 16: a scaled-out instance whose request pool is saturated keeps its own heartbeat. Every pooled connection
 * (BATON_DB_POOL_SIZE=2) is held by a decision waiting on the audit chain's row lock, which an outside transaction
 * holds, and more decisions queue for a connection; the instance's heartbeat must still reach the database (its own
 * small pool), so it is never silent longer than the instance timeout, is never declared dead and never rejoins.
 * When the outside lock is let go, every queued decision completes and the instance takes new requests at once.
 * Before the fix the heartbeat queued for a connection with the requests, the instance found itself silent too long
 * and refused to act (503).
 */
@RunsAlone
@OneStore
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HeartbeatStarvationClusterTest {
    private static final int QUEUED_DECISIONS = 6;

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void issue16_aSaturatedRequestPool_doesNotStarveTheHeartbeat_andTheQueuedDecisionsCompleteAfterwards() throws Exception {
        // Database calls may wait 30 s, so the queued decisions wait for the row lock instead of failing; the instance
        // is dead after 3 s of silence (Cluster.INSTANCE_TIMEOUT) and refuses to act after half of that.
        try (Cluster cluster = new Cluster(dir, 1, Map.of("BATON_DB_POOL_SIZE", "2", "BATON_DB_TIMEOUT", "30"));
             Connection blocker = DriverManager.getConnection(cluster.postgres.url(), TestPostgres.USER, null);
             Connection observer = DriverManager.getConnection(cluster.postgres.url(), TestPostgres.USER, null)) {
            URI base = cluster.instance(1).base();
            assertThat(acquire(base, "starve-warmup", "patient:starve-warmup").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.executeQuery("select last_seq from audit_head where id = 1 for update").close();
            }
            long blockedAt = System.currentTimeMillis();
            List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
            for (int i = 0; i < QUEUED_DECISIONS; i++) {
                queued.add(acquire(base, "starve-" + i, "patient:starve-" + i));
            }
            Awaitility.await("both pooled connections wait on the audit chain's row lock").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).until(() -> waitingOnLocks(observer) >= 2);

            Duration timeout = Cluster.INSTANCE_TIMEOUT;
            AtomicLong oldestBeat = new AtomicLong();
            AtomicLong polls = new AtomicLong();
            Awaitility.await("the heartbeat goes on for two instance timeouts while the pool is saturated").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        Beat beat = beat(observer);
                        long age = System.currentTimeMillis() - beat.heartbeatAt;
                        oldestBeat.accumulateAndGet(age, Math::max);
                        polls.incrementAndGet();
                        assertThat(beat.incarnations).as("incarnations of baton-1 (a rejoin means it was declared dead)").isEqualTo(1);
                        assertThat(beat.dead).as("baton-1 declared dead").isFalse();
                        assertThat(age).as("age of baton-1's heartbeat (ms) while its pool is saturated").isLessThan(timeout.toMillis());
                        return beat.heartbeatAt >= blockedAt + 2 * timeout.toMillis();
                    });
            long stillQueued = queued.stream().filter(f -> !f.isDone()).count();
            int waiting = waitingOnLocks(observer);
            assertThat(stillQueued).as("decisions still queued when the saturation ends").isEqualTo(QUEUED_DECISIONS);

            blocker.commit();
            long releasedAt = System.nanoTime();
            int granted = 0;
            for (CompletableFuture<HttpResponse<String>> decision : queued) {
                HttpResponse<String> answer = decision.get(60, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as("a queued decision after the release: %s", answer.body()).isEqualTo(200);
                granted++;
            }
            double drained = (System.nanoTime() - releasedAt) / 1e9;
            HttpResponse<String> fresh = acquire(base, "starve-after", "patient:starve-after").get(30, TimeUnit.SECONDS);
            System.out.printf("heartbeat starvation: pool of 2 saturated for %.1f s (%d decisions queued, %d connections waiting on the audit"
                            + " chain's row lock); %d heartbeat reads, oldest heartbeat seen %d ms (instance timeout %d ms), 1 incarnation;"
                            + " after the release %d of %d queued decisions granted in %.1f s; a fresh acquire answered %d%n",
                    (System.currentTimeMillis() - blockedAt) / 1e3, QUEUED_DECISIONS, waiting, polls.get(), oldestBeat.get(), timeout.toMillis(),
                    granted, QUEUED_DECISIONS, drained, fresh.statusCode());
            assertThat(fresh.statusCode()).as("the instance acts at once: %s", fresh.body()).isEqualTo(200);
        }
    }

    private CompletableFuture<HttpResponse<String>> acquire(URI base, String user, String resource) {
        return http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/locks/acquire")).timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("resourceId", resource))))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ServerProcess.token(user, "nurse")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Baton's pooled connections (application name "baton") now waiting for a lock. */
    private static int waitingOnLocks(Connection observer) throws Exception {
        try (Statement s = observer.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where application_name = 'baton' and wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private record Beat(int incarnations, long heartbeatAt, boolean dead) {
    }

    /** baton-1's registration as the instances table shows it: how many incarnations, the newest one's heartbeat. */
    private static Beat beat(Connection observer) throws Exception {
        try (PreparedStatement s = observer.prepareStatement("select heartbeat_at, dead_at is not null, count(*) over ()"
                + " from instances where name = 'baton-1' order by started_at desc")) {
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("baton-1 registered").isTrue();
                return new Beat(rs.getInt(3), rs.getLong(1), rs.getBoolean(2));
            }
        }
    }
}
