package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Three real Baton processes on one real PostgreSQL behind a real HAProxy (issue 11): they behave as one service —
 * one editor at a time across instances, news from one instance seen on the others in order, a session resumed on
 * another instance with its lease and joined records — and they keep RELIABILITY's scaled-out promises under
 * faults: an instance killed or frozen, PostgreSQL frozen or killed mid-save, a client cut off from its instance, and
 * an instance whose clock is 10 minutes off. Each scenario prints what it measured.
 */
@RunsAlone
@OneStore
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScaledOutClusterTest {
    @TempDir
    static Path dir;
    Cluster cluster;
    int resources;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new Cluster(dir, 3);
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.close();
    }

    private URI instance(int index) {
        return cluster.instance(index).base();
    }

    private String freshResource() {
        return "patient:c" + (++resources) + "x" + System.nanoTime() % 100_000 + ":main";
    }

    private static Map<String, Object> data(Object... pairs) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /**
     * Every test starts on a settled cluster: the one before may have killed or frozen PostgreSQL or an instance, and
     * until every instance answers ready and HAProxy has seen it pass a check, requests meet 503s that belong to the
     * previous test's fault, not to this one.
     */
    @BeforeEach
    void settled() throws Exception {
        for (int i = 1; i <= 3; i++) {
            restartIfDown(i);
            int index = i;
            Awaitility.await("instance " + i + " ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> cluster.call(instance(index), "GET", "/health/ready", "sharma", "attending", null, Map.of()).status() == 200);
        }
        cluster.balancer.awaitAllUp(Duration.ofSeconds(30));
    }

    private void restartIfDown(int index) throws Exception {
        ServerProcess instance = cluster.instance(index);
        if (!instance.isAlive()) {
            instance.start();
        }
    }

    @Test
    void twoUsersOnTwoInstances_neverBothGetTheRecord_andAThirdInstanceSeesItAllInOrder() throws Exception {
        String rid = freshResource();
        TestBaton.Client watcher = cluster.connect(instance(2), "okafor", "nurse", null);
        watcher.send("resource:join", data("resourceId", rid, "mode", "viewer"));
        watcher.await("presence:update");
        TestBaton.Client sharma = cluster.connect(instance(1), "sharma", "attending", null);
        TestBaton.Client chen = cluster.connect(instance(3), "chen", "resident", null);
        long started = System.nanoTime();
        String sharmaRef = sharma.send("lock:request", data("resourceId", rid));
        String chenRef = chen.send("lock:request", data("resourceId", rid));
        JsonNode a = sharma.answer(sharmaRef);
        JsonNode b = chen.answer(chenRef);
        long granted = List.of(a, b).stream().filter(m -> m.path("event").asText().equals("lock:acquired")).count();
        assertThat(granted).as("exactly one of two simultaneous acquires on two instances wins: %s / %s", a, b).isEqualTo(1);
        JsonNode seen = watcher.await("lock:acquired", d -> d.path("resourceId").asText().equals(rid));
        double millis = (System.nanoTime() - started) / 1e6;
        assertThat(seen.path("data").path("yours").asBoolean()).isFalse();
        assertThat(seen.at("/data/lease/leaseId").isMissingNode()).as("another's lease id never travels").isTrue();
        TestBaton.Client winner = a.path("event").asText().equals("lock:acquired") ? sharma : chen;
        winner.send("lock:release", data("resourceId", rid));
        watcher.await("lock:released", d -> d.path("resourceId").asText().equals(rid));
        List<Long> versions = new ArrayList<>();
        for (JsonNode m : watcher.received) {
            if (m.path("data").path("resourceId").asText().equals(rid) && m.path("data").has("version")) {
                versions.add(m.path("data").path("version").asLong());
            }
        }
        assertThat(versions).as("every event carries its version, in the order the state changed").isSorted().isNotEmpty();
        System.out.printf("cluster: grant on one instance seen on another after %.1f ms (incl. the race); %d versioned events in order%n",
                millis, versions.size());
    }

    @Test
    void aClientResumesItsSessionOnAnotherInstance_withItsLeaseAndItsJoinedRecords() throws Exception {
        String rid = freshResource();
        try {
            TestBaton.Client sharma = cluster.connect(instance(1), "sharma", "attending", null);
            String sessionId = sharma.await("session:ready").at("/data/sessionId").asText();
            JsonNode lease = sharma.answer(sharma.send("resource:join", data("resourceId", rid, "mode", "editor")));
            long fence = lease.at("/data/lease/fencingToken").asLong();
            assertThat(fence).isPositive();
            cluster.instance(1).kill();
            TestBaton.Client again = cluster.connect(instance(3), "sharma", "attending", sessionId);
            assertThat(again.await("session:ready").at("/data/sessionId").asText()).isEqualTo(sessionId);
            JsonNode extended = again.answer(again.send("lock:heartbeat", data("resourceId", rid, "active", true)));
            assertThat(extended.path("event").asText()).as(extended.toString()).isEqualTo("lock:extended");
            assertThat(extended.at("/data/lease/fencingToken").asLong()).as("the same lease, the same fence").isEqualTo(fence);
            TestBaton.Client okafor = cluster.connect(instance(2), "okafor", "nurse", null);
            okafor.send("resource:join", data("resourceId", rid, "mode", "viewer"));
            okafor.send("lock:ask_holder", data("resourceId", rid, "message", "May I chart the pain score?"));
            JsonNode asked = again.await("lock:request_received", d -> d.path("resourceId").asText().equals(rid));
            assertThat(asked.at("/data/message").asText()).isEqualTo("May I chart the pain score?");
        } finally {
            restartIfDown(1);
        }
    }

    @Test
    void aDeadInstancesHolder_losesTheLockAfterTheGrace_notAfterTheLeaseTtl_andTheQueueIsServed() throws Exception {
        String rid = freshResource();
        try {
            TestBaton.Client sharma = cluster.connect(instance(1), "sharma", "attending", null);
            sharma.answer(sharma.send("resource:join", data("resourceId", rid, "mode", "editor")));
            TestBaton.Client chen = cluster.connect(instance(2), "chen", "resident", null);
            chen.send("resource:join", data("resourceId", rid, "mode", "viewer"));
            JsonNode queued = chen.answer(chen.send("queue:join", data("resourceId", rid)));
            assertThat(queued.path("event").asText()).as(queued.toString()).isEqualTo("lock:queued");
            long killed = System.nanoTime();
            cluster.instance(1).kill();
            JsonNode handedOver = chen.await("lock:acquired", Duration.ofSeconds(40), d -> d.path("resourceId").asText().equals(rid)
                    && d.path("yours").asBoolean());
            double seconds = (System.nanoTime() - killed) / 1e9;
            assertThat(handedOver).isNotNull();
            assertThat(seconds).as("dead-instance timeout + grace + slack, far below the %s lease", Cluster.LEASE_TTL)
                    .isLessThan(Cluster.INSTANCE_TIMEOUT.plus(Cluster.GRACE).toSeconds() + 12);
            System.out.printf("cluster: holder's instance killed -> lock handed to the next in line on another instance after %.1f s"
                    + " (instance timeout %d s + grace %d s; lease TTL %d s)%n", seconds, Cluster.INSTANCE_TIMEOUT.toSeconds(),
                    Cluster.GRACE.toSeconds(), Cluster.LEASE_TTL.toSeconds());
        } finally {
            restartIfDown(1);
        }
    }

    @Test
    void aFrozenInstance_thatWakesUp_actsOnNothingItRemembered() throws Exception {
        String rid = freshResource();
        String record = rid.split(":")[1];
        var created = cluster.call(instance(2), "POST", "/api/records/patient", "sharma", "attending",
                data("id", record, "fields", data("name", "Ada Frozen", "mrn", "MRN-" + record)), Map.of());
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        TestBaton.Client sharma = cluster.connect(instance(1), "sharma", "attending", null);
        JsonNode granted = sharma.answer(sharma.send("resource:join", data("resourceId", rid, "mode", "editor")));
        String leaseId = granted.at("/data/lease/leaseId").asText();
        TestBaton.Client chen = cluster.connect(instance(2), "chen", "resident", null);
        chen.send("resource:join", data("resourceId", rid, "mode", "viewer"));
        chen.answer(chen.send("queue:join", data("resourceId", rid)));
        cluster.instance(1).pause();
        try {
            chen.await("lock:acquired", Duration.ofSeconds(40), d -> d.path("resourceId").asText().equals(rid) && d.path("yours").asBoolean());
        } finally {
            cluster.instance(1).resume();
        }
        // Instance 1 wakes up still holding Sharma's connection and her old lease id in memory.
        int refused = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            var save = cluster.call(instance(1), "PUT", "/api/records/patient/" + record, "sharma", "attending",
                    data("fields", data("name", "Ada (stale write)")), Map.of("If-Match", "\"1\"", "X-Lease-Id", leaseId));
            assertThat(save.status()).as("a stale save through the woken instance: %s", save.body()).isIn(423, 503);
            refused++;
        }
        var current = cluster.call(instance(3), "GET", "/api/records/patient/" + record, "chen", "resident", null, Map.of());
        assertThat(current.body().at("/fields/name").asText()).isEqualTo("Ada Frozen");
        Awaitility.await("the woken instance is ready again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.call(instance(1), "GET", "/health/ready", "sharma", "attending", null, Map.of()).status() == 200);
        var check = cluster.call(instance(1), "GET", "/api/locks/check/patient/" + record, "sharma", "attending", null, Map.of());
        assertThat(check.body().at("/holder/userId").asText()).as("the woken instance shows the truth, not its memory").isEqualTo("chen");
        System.out.printf("cluster: frozen instance woke up; stale saves accepted = 0, refused = %d%n", refused);
    }

    @Test
    void frozenPostgres_isAnswered503WithinSeconds_nothingIsExtendedLocally_andItRecovers() throws Exception {
        String rid = freshResource();
        String record = rid.split(":")[1];
        var acquired = cluster.call(instance(1), "POST", "/api/locks/acquire", "sharma", "attending", data("resourceId", rid), Map.of());
        assertThat(acquired.status()).isEqualTo(200);
        String leaseId = acquired.body().at("/lease/leaseId").asText();
        String expiresBefore = acquired.body().at("/lease/expiresAt").asText();
        String session = acquired.raw().headers().firstValue("X-Session-Id").orElseThrow();
        cluster.postgres.pause();
        long started = System.nanoTime();
        TestBaton.Reply extend;
        int notReady = 0;
        try {
            extend = cluster.call(instance(1), "POST", "/api/locks/extend", "sharma", "attending", data("resourceId", rid, "leaseId", leaseId),
                    Map.of("X-Session-Id", session));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(seconds).as("answered within the database timeout, not hanging").isLessThan(8);
            // PostgreSQL stays frozen for 10 s; meanwhile every instance reports itself not ready to the balancer.
            while (System.nanoTime() - started < Duration.ofSeconds(10).toNanos()) {
                assertThat(cluster.call(instance(2), "GET", "/health/ready", "sharma", "attending", null, Map.of()).status()).isEqualTo(503);
                notReady++;
            }
            System.out.printf("cluster: PostgreSQL frozen 10 s: an extend was answered 503 after %.1f s; /health/ready 503 %d times in a row%n",
                    seconds, notReady);
        } finally {
            cluster.postgres.resume();
        }
        assertThat(extend.status()).isEqualTo(503);
        assertThat(extend.body().path("code").asText()).isEqualTo("STORE_UNAVAILABLE");
        assertThat(extend.raw().headers().firstValue("Retry-After")).isPresent();
        Awaitility.await("recovered").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                cluster.call(instance(1), "GET", "/api/locks/check/patient/" + record, "sharma", "attending", null,
                        Map.of("X-Session-Id", session)).status() == 200);
        var check = cluster.call(instance(2), "GET", "/api/locks/check/patient/" + record, "sharma", "attending", null, Map.of("X-Session-Id", session));
        assertThat(check.body().at("/lease/expiresAt").asText()).as("the failed extend extended nothing").isEqualTo(expiresBefore);
    }

    @Test
    void killedPostgres_midSaves_losesNoAcknowledgedSave() throws Exception {
        String rid = freshResource();
        String record = rid.split(":")[1];
        assertThat(cluster.call(instance(1), "POST", "/api/records/patient", "sharma", "attending",
                data("id", record, "fields", data("name", "Ada", "mrn", "MRN-" + record)), Map.of()).status()).isEqualTo(201);
        var acquired = cluster.call(instance(1), "POST", "/api/locks/acquire", "sharma", "attending", data("resourceId", rid), Map.of());
        String leaseId = acquired.body().at("/lease/leaseId").asText();
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Void> saver = CompletableFuture.runAsync(() -> {
            int n = 0;
            while (running.get()) {
                try {
                    var current = cluster.call(instance(1 + n % 3), "GET", "/api/records/patient/" + record, "sharma", "attending", null, Map.of());
                    if (current.status() != 200) {
                        failures.incrementAndGet();
                        continue;
                    }
                    String note = "save-" + (++n);
                    var save = cluster.call(instance(1 + n % 3), "PUT", "/api/records/patient/" + record, "sharma", "attending",
                            data("fields", data("name", note)), Map.of("If-Match", "\"" + current.body().path("version").asLong() + "\"",
                                    "X-Lease-Id", leaseId));
                    if (save.status() == 200) {
                        acknowledged.add(note);
                    } else {
                        failures.incrementAndGet();
                    }
                } catch (IllegalStateException e) {
                    failures.incrementAndGet();
                }
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 20);
        cluster.postgres.kill();
        int beforeRestart = acknowledged.size();
        cluster.postgres.start();
        Awaitility.await("saves flow again").atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= beforeRestart + 20);
        running.set(false);
        saver.get(30, TimeUnit.SECONDS);
        JsonNode history = cluster.call(instance(2), "GET", "/api/records/patient/" + record + "/history", "sharma", "attending", null, Map.of())
                .body().path("versions");
        List<String> stored = new ArrayList<>();
        history.forEach(v -> stored.add(v.at("/fields/name").asText()));
        assertThat(stored).as("every acknowledged save survived the crash").containsAll(acknowledged);
        System.out.printf("cluster: PostgreSQL kill -9 mid-save: %d acknowledged saves, 0 lost; %d refused or failed while it was down%n",
                acknowledged.size(), failures.get());
    }

    @ParameterizedTest(name = "clock {0}")
    @ValueSource(strings = {"+10m", "-10m"})
    void anInstanceWithItsClockTenMinutesOff_expiresNothingEarly_andGrantsOnTheDatabasesClock(String skew) throws Exception {
        ServerProcess skewed = cluster.instance(3);
        try {
            skewed.kill();
            skewed.environment("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
            skewed.environment("FAKETIME", skew);
            skewed.environment("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            // The glibc workaround libfaketime switches on by itself makes the JVM's timed waits return at once: every
            // waiting thread spins, and on a busy 2-core machine the instance took minutes to start.
            skewed.environment("FAKETIME_FORCE_MONOTONIC_FIX", "0");
            skewed.start();
            String rid = freshResource();
            String record = rid.split(":")[1];
            var onTime = cluster.call(instance(1), "POST", "/api/locks/acquire", "sharma", "attending", data("resourceId", rid), Map.of());
            Instant expires = Instant.parse(onTime.body().at("/lease/expiresAt").asText());
            var seenFromSkewed = cluster.call(instance(3), "GET", "/api/locks/check/patient/" + record, "chen", "resident", null, Map.of());
            assertThat(seenFromSkewed.body().path("locked").asBoolean()).as("not expired early by the instance at " + skew).isTrue();
            String other = freshResource();
            var grantedBySkewed = cluster.call(instance(3), "POST", "/api/locks/acquire", "chen", "resident", data("resourceId", other), Map.of());
            Instant skewedExpiry = Instant.parse(grantedBySkewed.body().at("/lease/expiresAt").asText());
            assertThat(Duration.between(expires, skewedExpiry).abs()).as("both leases run on the database's clock").isLessThan(Duration.ofSeconds(10));
            var seenFromOnTime = cluster.call(instance(1), "GET", "/api/locks/check/patient/" + other.split(":")[1], "sharma", "attending", null, Map.of());
            assertThat(seenFromOnTime.body().path("locked").asBoolean()).isTrue();
            System.out.printf("cluster: an instance with its clock at %s granted a lease expiring %s s apart from one granted on time%n",
                    skew, Duration.between(expires, skewedExpiry).toSeconds());
        } finally {
            skewed.kill();
            skewed.environment("LD_PRELOAD", null);
            skewed.environment("FAKETIME", null);
            skewed.environment("FAKETIME_DONT_FAKE_MONOTONIC", null);
            skewed.environment("FAKETIME_FORCE_MONOTONIC_FIX", null);
            skewed.start();
        }
    }

    @Test
    void aClientCutOffFromItsInstance_resumesElsewhereWithinTheGrace_andBeyondItTheQueueIsServed() throws Exception {
        String rid = freshResource();
        URI lb = cluster.balancer.base();
        assertThat(cluster.balancer.backendStates()).as("HAProxy routes to all three").hasSize(3).allSatisfy((server, state) -> assertThat(state).startsWith("UP"));
        TestBaton.Client sharma = cluster.connect(lb, "sharma", "attending", null);
        String sessionId = sharma.await("session:ready").at("/data/sessionId").asText();
        JsonNode granted = sharma.answer(sharma.send("resource:join", data("resourceId", rid, "mode", "editor")));
        long fence = granted.at("/data/lease/fencingToken").asLong();
        int servedBy = whichInstanceHolds(sessionId);
        cluster.balancer.cutOff(servedBy);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sharma.closeCode != -1 || sharma.socket.isInputClosed());
            TestBaton.Client again = cluster.connect(lb, "sharma", "attending", sessionId);
            JsonNode extended = again.answer(again.send("lock:heartbeat", data("resourceId", rid, "active", true)));
            assertThat(extended.at("/data/lease/fencingToken").asLong()).as("resumed within the grace: same fence").isEqualTo(fence);
            int nowServedBy = whichInstanceHolds(sessionId);
            assertThat(nowServedBy).isNotEqualTo(servedBy);
            // Beyond the grace: Chen waits in line; Sharma's connection is cut and she does not come back.
            TestBaton.Client chen = cluster.connect(instance(servedBy), "chen", "resident", null);
            chen.send("resource:join", data("resourceId", rid, "mode", "viewer"));
            chen.answer(chen.send("queue:join", data("resourceId", rid)));
            cluster.balancer.restore(servedBy);
            cluster.balancer.cutOff(nowServedBy);
            JsonNode handedOver = chen.await("lock:acquired", Duration.ofSeconds(30), d -> d.path("resourceId").asText().equals(rid)
                    && d.path("yours").asBoolean());
            assertThat(handedOver.at("/data/lease/fencingToken").asLong()).isGreaterThan(fence);
            JsonNode released = chen.await("lock:released", d -> d.path("resourceId").asText().equals(rid));
            assertThat(released.at("/data/reason").asText()).isIn("GRACE_PERIOD_EXPIRED", "DISCONNECT");
        } finally {
            for (int i = 1; i <= 3; i++) {
                cluster.balancer.restore(i);
            }
        }
    }

    /**
     * The database settings do what they say: a wrong password (from BATON_DB_PASSWORD_FILE) stops start-up, the
     * right one (file or BATON_DB_PASSWORD) connects as BATON_DB_USER, and BATON_DB_POOL_SIZE bounds the connections one
     * instance opens, however many requests arrive at once.
     */
    @Test
    void databaseCredentials_andPoolSize_areWhatAnInstanceConnectsWith() throws Exception {
        cluster.postgres.createPasswordUser("baton_app", "s3cret-pw", "baton_app_db");
        Path passwords = Files.createDirectories(dir.resolve("passwords"));
        Path wrong = Files.writeString(passwords.resolve("wrong"), "not-it\n");
        Path right = Files.writeString(passwords.resolve("right"), "s3cret-pw\n");
        Map<String, String> env = new java.util.HashMap<>(Map.of("BATON_STORE", "postgres", "BATON_DB_URL", cluster.postgres.url("baton_app_db"),
                "BATON_DB_USER", "baton_app", "BATON_DB_PASSWORD_FILE", wrong.toString(), "BATON_INSTANCE_ID", "baton-pw",
                "BATON_DB_POOL_SIZE", "3", "BATON_AUDIT_KEY_FILE", TestBaton.auditKeyFile(dir).toString(),
                // 40 requests queue for 3 connections: a loaded test machine must not turn the wait into a 503
                "BATON_DB_TIMEOUT", "30"));
        try (ServerProcess refused = new ServerProcess(Files.createDirectories(dir.resolve("pw-wrong")), env)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(refused::start)).as("a wrong password stops start-up")
                    .hasStackTraceContaining("exited with 3");
        }
        env.put("BATON_DB_PASSWORD_FILE", right.toString());
        try (ServerProcess fromFile = new ServerProcess(Files.createDirectories(dir.resolve("pw-file")), env)) {
            fromFile.start();
            List<CompletableFuture<TestBaton.Reply>> burst = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String rid = freshResource();
                burst.add(CompletableFuture.supplyAsync(() -> cluster.call(fromFile.base(), "POST", "/api/locks/acquire", "chen", "resident",
                        data("resourceId", rid), Map.of())));
            }
            // The instance's connections, sampled every 20 ms until the burst is answered.
            java.util.concurrent.atomic.AtomicInteger sampled = new java.util.concurrent.atomic.AtomicInteger();
            org.awaitility.Awaitility.await("the burst is answered").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        sampled.accumulateAndGet(connectionsOf("baton_app"), Math::max);
                        return burst.stream().allMatch(CompletableFuture::isDone);
                    });
            int maxConnections = sampled.get();
            assertThat(burst).allSatisfy(f -> assertThat(f.join().status()).isIn(200, 409));
            assertThat(maxConnections).as("connections of one instance under a burst of 40 requests").isBetween(1, 3);
        }
        env.remove("BATON_DB_PASSWORD_FILE");
        env.put("BATON_DB_PASSWORD", "s3cret-pw");
        try (ServerProcess fromVariable = new ServerProcess(Files.createDirectories(dir.resolve("pw-var")), env)) {
            fromVariable.start();
            assertThat(cluster.call(fromVariable.base(), "GET", "/health/ready", "chen", "resident", null, Map.of()).status()).isEqualTo(200);
        }
    }

    /** Pooled connections (application name "baton") the given user has open now. */
    private int connectionsOf(String user) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(cluster.postgres.url(), org.baton.store.tck.TestPostgres.USER, null);
             var s = c.prepareStatement("select count(*) from pg_stat_activity where usename = ? and application_name = 'baton'")) {
            s.setString(1, user);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Which instance (1-based) the store says holds {@code sessionId}'s connection. */
    private int whichInstanceHolds(String sessionId) throws Exception {
        String[] holder = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (var c = java.sql.DriverManager.getConnection(cluster.postgres.url(), org.baton.store.tck.TestPostgres.USER, null);
                 var s = c.prepareStatement("select instance_id from client_sessions where session_id = ?")) {
                s.setString(1, sessionId);
                try (var rs = s.executeQuery()) {
                    holder[0] = rs.next() ? rs.getString(1) : null;
                }
            }
            return holder[0] != null;
        });
        return Integer.parseInt(holder[0].substring("baton-".length(), holder[0].indexOf('#')));
    }
}
