package org.baton.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.baton.core.time.ManualClock;
import org.baton.server.BatonServer;
import org.baton.server.config.BatonConfig;
import org.baton.server.timers.ManualTimers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against a real Baton (own data directory, free port, manual clock): the lock life cycle of one
 * session, refusals as typed exceptions, guarded saves with If-Match and the lease, and failing closed.
 */
class BatonClientTest {
    static final Instant START = Instant.parse("2026-01-13T09:00:00Z");
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(START);
    final ManualTimers timers = new ManualTimers(START);
    final HttpClient http = HttpClient.newHttpClient();
    BatonServer baton;
    URI base;

    @BeforeEach
    void start() {
        baton = BatonServer.start(BatonConfig.fromEnvironment(Map.of("BATON_PORT", "0", "BATON_BIND", "127.0.0.1",
                "BATON_DATA_DIR", dir.toString())), clock, timers);
        base = URI.create("http://127.0.0.1:" + baton.port());
    }

    @AfterEach
    void stop() {
        baton.close();
    }

    @Test
    void oneSession_acquiresChecksExtendsAndReleases_withAHandoverNote() throws Exception {
        BatonClient sharma = client("sharma");
        Acquisition.Acquired acquired = sharma.acquire("catheter:c-2001");
        Lease lease = acquired.lease();
        assertThat(lease.resourceId()).isEqualTo("catheter:c-2001:main");
        assertThat(lease.fencingToken()).isPositive();
        assertThat(lease.holder()).isEqualTo(new Person("sharma", "Dr. Priya Sharma", "attending"));
        assertThat(sharma.sessionId()).as("the session Baton assigned").isNotBlank();

        LockStatus status = sharma.check("catheter:c-2001");
        assertThat(status.locked()).isTrue();
        assertThat(status.holder()).hasValueSatisfying(h -> assertThat(h.name()).isEqualTo("Dr. Priya Sharma"));
        assertThat(status.yourLease()).as("this session holds it").hasValueSatisfying(l -> assertThat(l.leaseId()).isEqualTo(lease.leaseId()));
        assertThat(status.presence()).extracting(LockStatus.Presence::userId).contains("sharma");

        advance(Duration.ofMinutes(2));
        Lease extended = sharma.extend(lease, true);
        assertThat(extended.expiresAt()).isAfter(lease.expiresAt());
        assertThat(extended.idleExpiresAt()).isAfter(lease.idleExpiresAt());
        assertThat(extended.fencingToken()).isEqualTo(lease.fencingToken());

        sharma.release(extended, "dose change pending pharmacy check");
        assertThat(sharma.check("catheter:c-2001").locked()).isFalse();
        Acquisition.Acquired next = client("okafor").acquire("catheter:c-2001");
        assertThat(next.handoverNote()).hasValue("dose change pending pharmacy check");
        assertThat(next.lease().fencingToken()).isGreaterThan(lease.fencingToken());
    }

    @Test
    void aHeldLock_isRefusedWithItsHolder_orQueued_andHandedOverInOrder() throws Exception {
        BatonClient sharma = client("sharma");
        Lease lease = sharma.acquire("patient:p-1001:allergies").lease();
        BatonClient okafor = client("okafor");

        assertThatThrownBy(() -> okafor.acquire("patient:p-1001:allergies")).isInstanceOfSatisfying(LockHeldException.class, e -> {
            assertThat(e.code()).isEqualTo("LOCK_HELD");
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.holder().name()).isEqualTo("Dr. Priya Sharma");
            assertThat(e.holder().connected()).isTrue();
        });
        assertThat(okafor.acquire("patient:p-1001:allergies", true)).isInstanceOfSatisfying(Acquisition.Queued.class,
                queued -> assertThat(queued.position()).isEqualTo(1));
        assertThat(okafor.check("patient:p-1001:allergies").queuePosition()).isEqualTo(1);

        sharma.release(lease);
        LockStatus turn = okafor.check("patient:p-1001:allergies");
        assertThat(turn.yourLease()).as("the queue's first got the lock (QUEUE_AUTO_ACQUIRE)").isPresent();
        assertThat(turn.yourLease().orElseThrow().holder().userId()).isEqualTo("okafor");
    }

    @Test
    void aLease_isUsableOnlyByItsSession_andOnlyWhileAlive() throws Exception {
        BatonClient tab1 = client("sharma");
        Lease lease = tab1.acquire("drug_regime:d-3001").lease();
        BatonClient tab2 = client("sharma");

        assertThatThrownBy(() -> tab2.extend(lease, false)).isInstanceOfSatisfying(LeaseRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("NOT_LOCK_HOLDER"));
        assertThatThrownBy(() -> tab2.acquire("drug_regime:d-3001")).isInstanceOfSatisfying(LockHeldException.class,
                e -> assertThat(e.code()).isEqualTo("HELD_IN_OTHER_SESSION"));
        assertThat(BatonClient.builder(base).token(token("sharma")).sessionId(tab1.sessionId()).build().extend(lease, false).leaseId())
                .as("a client resuming tab 1's session may use its lease").isEqualTo(lease.leaseId());

        advance(Duration.ofMinutes(6)); // past the 5-minute lease TTL without a heartbeat
        assertThatThrownBy(() -> tab1.extend(lease, true)).isInstanceOfSatisfying(LeaseRefusedException.class,
                e -> assertThat(e.code()).isIn("LEASE_EXPIRED", "NOT_LOCK_HOLDER"));
    }

    @Test
    void guardedSave_writesUnderTheLease_andRefusesAStaleVersionAndADisplacedLease() throws Exception {
        BatonClient chen = client("chen");
        StoredRecord record = chen.getRecord("catheter", "c-2002");
        Lease lease = chen.acquire("catheter:c-2002").lease();

        StoredRecord saved = chen.save("catheter", "c-2002", record.version(), Map.of("notes", "Dressing changed."), lease);
        assertThat(saved.version()).isEqualTo(record.version() + 1);
        assertThat(saved.fields()).containsEntry("notes", "Dressing changed.");
        assertThat(saved.updatedBy()).isEqualTo("chen");

        assertThatThrownBy(() -> chen.save("catheter", "c-2002", record.version(), Map.of("notes", "Written on the old version."), lease))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.status()).isEqualTo(412);
                    assertThat(e.current().version()).isEqualTo(saved.version());
                    assertThat(e.current().fields()).containsEntry("notes", "Dressing changed.");
                    assertThat(e.merge().path("theirsVersion").asLong()).isEqualTo(saved.version());
                });

        post("/api/locks/force-release", "johnson", "{\"resourceId\":\"catheter:c-2002\",\"emergency\":true,\"reason\":\"Patient deteriorating\"}");
        assertThatThrownBy(() -> chen.save("catheter", "c-2002", saved.version(), Map.of("notes", "After the takeover."), lease))
                .isInstanceOfSatisfying(LeaseRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(423);
                    assertThat(e.code()).isIn("STALE_FENCING_TOKEN", "NOT_LOCK_HOLDER");
                });
        assertThat(chen.getRecord("catheter", "c-2002").version()).as("nothing was written").isEqualTo(saved.version());
    }

    @Test
    void refusals_carryBatonsCode_andAnUnreachableBatonIsAnIOException() throws Exception {
        BatonClient forged = BatonClient.builder(base).token("not-a-jwt").build();
        assertThatThrownBy(() -> forged.check("patient:p-1001")).isInstanceOfSatisfying(BatonProblemException.class, e -> {
            assertThat(e.code()).isEqualTo("UNAUTHENTICATED");
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.problem().detail()).isNotBlank();
        });
        assertThatThrownBy(() -> client("sharma").acquire("Patient:has spaces")).isInstanceOfSatisfying(BatonProblemException.class,
                e -> assertThat(e.code()).isEqualTo("INVALID_RESOURCE_ID"));

        BatonClient nowhere = BatonClient.builder(URI.create("http://127.0.0.1:1")).token(token("sharma")).build();
        assertThatThrownBy(() -> nowhere.acquire("patient:p-1001")).as("fails closed").isInstanceOf(IOException.class);
    }

    private BatonClient client(String user) {
        return BatonClient.builder(base).token(() -> token(user)).httpClient(http).build();
    }

    private String token(String user) {
        var demo = baton.demoSignIn().orElseThrow();
        return demo.issue(demo.user(user).orElseThrow(), Duration.ofHours(8));
    }

    private void advance(Duration by) {
        clock.advance(by);
        timers.runDue(clock.instant());
    }

    private void post(String path, String user, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token(user))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
