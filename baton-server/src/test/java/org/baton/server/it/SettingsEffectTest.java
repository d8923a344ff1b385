package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.baton.server.config.Setting;
import org.baton.server.config.Settings;
import org.baton.server.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Every setting of the README's configuration table does what the table says (issue 12.10): each is flipped from its
 * default against a real server and the documented effect is observed. {@link #EFFECTS} names the test that proves
 * each setting (here, or elsewhere where a test already flips it); {@link #everySetting_hasATestThatFlipsIt} fails
 * when a setting is added without one.
 */
class SettingsEffectTest {
    static final Instant T0 = Instant.parse("2026-01-13T09:00:00Z");

    /** Setting → the test that flips it and observes its effect ({@code Class#method}, class in org.baton.server). */
    static final Map<String, String> EFFECTS = Map.ofEntries(
            Map.entry("LOCK_ENABLED", "it.SettingsEffectTest#lockEnabled_false_refusesEveryLockOperation_restAndWebSocket"),
            Map.entry("LOCK_TIMEOUT", "it.SettingsEffectTest#lockTimeout_andWarningTime_setWhenTheIdleHolderIsWarnedAndReleased"),
            Map.entry("LOCK_HEARTBEAT_INTERVAL", "it.SettingsEffectTest#heartbeatAndAutosaveIntervals_reachTheBrowserClient"),
            Map.entry("LOCK_WARNING_TIME", "it.SettingsEffectTest#lockTimeout_andWarningTime_setWhenTheIdleHolderIsWarnedAndReleased"),
            Map.entry("LOCK_GRACE_PERIOD", "it.SettingsEffectTest#gracePeriod_isHowLongADroppedHolderKeepsTheLock"),
            Map.entry("QUEUE_ENABLED", "it.SettingsEffectTest#queueEnabled_false_refusesQueueing"),
            Map.entry("QUEUE_MAX_SIZE", "it.SettingsEffectTest#queueMaxSize_oneMoreGetsQueueFull_restAndWebSocket"),
            Map.entry("QUEUE_NOTIFICATION_ENABLED", "it.SettingsEffectTest#queueNotifications_off_sendNoLockAvailable"),
            Map.entry("QUEUE_AUTO_ACQUIRE", "it.SettingsEffectTest#queueAutoAcquire_false_yourTurn_thenTurnMissed_thenTheNextClaims"),
            Map.entry("QUEUE_TIMEOUT", "it.QueueRulesTest#issue13_3_everyoneBehind_seesTheirPlaceAndWaitChange_whenSomeoneAheadLeavesIsServedOrTimesOut"),
            Map.entry("AUTOSAVE_ENABLED", "it.SettingsEffectTest#autosaveEnabled_false_refusesDrafts"),
            Map.entry("AUTOSAVE_INTERVAL", "it.SettingsEffectTest#heartbeatAndAutosaveIntervals_reachTheBrowserClient"),
            Map.entry("AUTOSAVE_RETENTION_HOURS", "it.SettingsEffectTest#autosaveRetention_deletesDraftsOlderThanIt"),
            Map.entry("ALLOW_FORCE_UNLOCK", "it.SettingsEffectTest#allowForceUnlock_false_refusesEveryTakeoverPath_adminForceReleaseIncluded"),
            Map.entry("FORCE_UNLOCK_ROLES", "it.SettingsEffectTest#forceUnlockRoles_nameWhoMayTakeOver"),
            Map.entry("FORCE_UNLOCK_REQUIRES_REASON", "it.SettingsEffectTest#forceUnlockRequiresReason_false_allowsATakeoverWithoutOne"),
            Map.entry("FORCE_UNLOCK_AUDIT_LOG", "config.BatonConfigTest#badValue_stopsStartUp_withOneLineNamingKeyAndValue"),
            Map.entry("LOCK_TRACK_VIEWERS", "it.SettingsEffectTest#trackViewers_false_keepsViewersOutOfPresence"),
            Map.entry("LOCK_VIEWER_TIMEOUT", "it.SettingsEffectTest#viewerTimeout_aRestViewerThatStopsPollingLeavesPresence"),
            Map.entry("BATON_PORT", "it.SettingsEffectTest#port_isWhereBatonListens"),
            Map.entry("BATON_BIND", "it.SettingsEffectTest#bind_isTheOnlyAddressBatonAnswersOn"),
            Map.entry("BATON_DATA_DIR", "it.SettingsEffectTest#dataDir_holdsTheDatabase_createdIfMissing_andKeptAcrossRestarts"),
            Map.entry("BATON_CONFIG", "it.LockWebSocketTest#lockDenied_whenTheTypeDenies_carriesTheHolder"),
            Map.entry("BATON_RECORD_TYPES", "it.ResourceTypesTest#recordTypesFile_replacesTheDemoTypes_andOnlyItsTypesCanBeLocked"),
            Map.entry("BATON_ALLOW_ANY_RESOURCE_TYPE", "it.ResourceTypesTest#allowAnyResourceType_true_acceptsAnyWellFormedId"),
            Map.entry("BATON_JWT_SECRET", "it.SettingsEffectTest#jwtSecret_verifiesHs256Tokens_andEndsDemoMode"),
            Map.entry("BATON_JWT_PUBLIC_KEY", "it.SettingsEffectTest#jwtPublicKey_verifiesRs256Tokens"),
            Map.entry("BATON_JWT_JWKS", "it.SettingsEffectTest#jwtJwks_verifiesRs256TokensByKeyId"),
            Map.entry("BATON_JWT_AUDIENCE", "it.SettingsEffectTest#jwtAudienceAndIssuer_areRequiredWhenSet"),
            Map.entry("BATON_JWT_ISSUER", "it.SettingsEffectTest#jwtAudienceAndIssuer_areRequiredWhenSet"),
            Map.entry("BATON_JWT_CLOCK_SKEW", "it.SettingsEffectTest#jwtClockSkew_isTheGraceOnExpiry"),
            Map.entry("BATON_DEMO", "config.BatonConfigTest#demoMode_isOffWithASecret_andCannotBeForcedOn"),
            Map.entry("BATON_LEASE_TTL", "it.SettingsEffectTest#leaseTtl_isHowLongALeaseLivesWithoutAHeartbeat"),
            Map.entry("BATON_CLAIM_WINDOW", "it.SettingsEffectTest#claimWindow_isHowLongTheNextInLineHasToClaim"),
            Map.entry("BATON_MAX_LOCKS_PER_USER", "it.SettingsEffectTest#maxLocksPerUser_oneMoreGetsMaxLocksExceeded"),
            Map.entry("BATON_MAX_QUEUES_PER_USER", "it.SettingsEffectTest#maxQueuesPerUser_oneMoreGetsMaxQueuesExceeded"),
            Map.entry("BATON_TAKEOVER_REQUEST_TIMEOUT", "it.SettingsEffectTest#takeoverRequestTimeout_isWhenAnUnansweredRequestIsForced"),
            Map.entry("BATON_ASK_HOLDER_TIMEOUT", "it.SettingsEffectTest#askHolderTimeout_isWhenAnUnansweredAskExpires_andADenyIsTold"),
            Map.entry("BATON_ALLOWED_ORIGINS", "it.SettingsEffectTest#allowedOrigins_mayOpenWebSockets"),
            Map.entry("BATON_MAX_BODY_BYTES", "it.SettingsEffectTest#maxBodyBytes_refusesLargerBodies"),
            Map.entry("BATON_MAX_DRAFT_BYTES", "it.SettingsEffectTest#maxDraftBytes_refusesLargerDrafts"),
            Map.entry("BATON_RATE_LIMIT", "it.SettingsEffectTest#rateLimitAndBurst_answer429WithRetryAfter"),
            Map.entry("BATON_RATE_BURST", "it.SettingsEffectTest#rateLimitAndBurst_answer429WithRetryAfter"),
            Map.entry("BATON_ALERT_HELD_AFTER", "it.SettingsEffectTest#alertHeldAfter_raisesLockHeldLong"),
            Map.entry("BATON_ALERT_IDLE_AFTER", "it.SettingsEffectTest#alertIdleAfter_raisesLockIdle"),
            Map.entry("BATON_ALERT_QUEUE_LENGTH", "it.SettingsEffectTest#alertQueueLength_raisesQueueLong"),
            Map.entry("BATON_ALERT_OVERRIDE_BURST", "it.SettingsEffectTest#alertOverrideBurstAndWindow_countOverridesInTheWindow"),
            Map.entry("BATON_ALERT_OVERRIDE_WINDOW", "it.SettingsEffectTest#alertOverrideBurstAndWindow_countOverridesInTheWindow"),
            Map.entry("BATON_JWT_JWKS_URL", "it.JwksUrlTest#issue12_keysFromAJwksUrl_areCached_andRotatedWithoutARestart_rolesFromKeycloaksClaim"),
            Map.entry("BATON_JWT_ROLES_CLAIM", "it.JwksUrlTest#issue12_keysFromAJwksUrl_areCached_andRotatedWithoutARestart_rolesFromKeycloaksClaim"),
            Map.entry("BATON_MAX_CONNECTIONS_PER_USER", "it.WebSocketLimitsTest#issue12_connectionsPerUser_areCapped_atTheUpgrade_andAtAuthentication"),
            Map.entry("BATON_SEND_BUFFER_BYTES", "it.SlowConsumerTest#aViewerBehindASlowLink_isCutOffWith1013_andTheOthersFanOutStaysFast"),
            Map.entry("BATON_STORE", "it.ScaledOutClusterTest#twoUsersOnTwoInstances_neverBothGetTheRecord_andAThirdInstanceSeesItAllInOrder"),
            Map.entry("BATON_DB_URL", "it.ScaledOutClusterTest#twoUsersOnTwoInstances_neverBothGetTheRecord_andAThirdInstanceSeesItAllInOrder"),
            Map.entry("BATON_DB_USER", "it.ScaledOutClusterTest#databaseCredentials_andPoolSize_areWhatAnInstanceConnectsWith"),
            Map.entry("BATON_DB_PASSWORD", "it.ScaledOutClusterTest#databaseCredentials_andPoolSize_areWhatAnInstanceConnectsWith"),
            Map.entry("BATON_DB_PASSWORD_FILE", "it.ScaledOutClusterTest#databaseCredentials_andPoolSize_areWhatAnInstanceConnectsWith"),
            Map.entry("BATON_DB_POOL_SIZE", "it.ScaledOutClusterTest#databaseCredentials_andPoolSize_areWhatAnInstanceConnectsWith"),
            Map.entry("BATON_DB_TIMEOUT", "it.ScaledOutClusterTest#frozenPostgres_isAnswered503WithinSeconds_nothingIsExtendedLocally_andItRecovers"),
            Map.entry("BATON_INSTANCE_ID", "it.ScaledOutClusterTest#aClientCutOffFromItsInstance_resumesElsewhereWithinTheGrace_andBeyondItTheQueueIsServed"),
            Map.entry("BATON_INSTANCE_TIMEOUT", "it.ScaledOutClusterTest#aDeadInstancesHolder_losesTheLockAfterTheGrace_notAfterTheLeaseTtl_andTheQueueIsServed"),
            Map.entry("BATON_AUDIT_KEY_FILE", "it.AuditSealSettingsTest#auditKeyFile_isTheKeyThatSealsTheChain_andCheckpointsGoWhereTheSettingSays"),
            Map.entry("BATON_AUDIT_CHECKPOINTS", "it.AuditSealSettingsTest#auditKeyFile_isTheKeyThatSealsTheChain_andCheckpointsGoWhereTheSettingSays"),
            Map.entry("BATON_LOG_FORMAT", "it.SettingsEffectTest#logFormat_switchesBetweenJsonAndTextLines"));

    @TempDir
    Path dir;
    private final List<TestBaton> started = new ArrayList<>();

    private TestBaton with(Map<String, String> env) {
        TestBaton baton = new TestBaton(dir.resolve("baton-" + started.size()), env);
        started.add(baton);
        return baton;
    }

    @AfterEach
    void stopAll() {
        started.forEach(TestBaton::close);
    }

    @Test
    void everySetting_hasATestThatFlipsIt() throws Exception {
        List<String> keys = Settings.ALL.stream().map(Setting::key).toList();
        assertThat(EFFECTS.keySet()).as("settings without a test of their effect (add one to EFFECTS)").containsAll(keys);
        assertThat(keys).as("EFFECTS names settings that do not exist").containsAll(EFFECTS.keySet());
        for (var entry : EFFECTS.entrySet()) {
            String[] parts = entry.getValue().split("#");
            Class<?> type = Class.forName("org.baton.server." + parts[0]);
            Method method = java.util.Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(parts[1])).findFirst()
                    .orElseThrow(() -> new AssertionError(entry.getKey() + ": no test " + entry.getValue()));
            assertThat(method.isAnnotationPresent(Test.class) || method.isAnnotationPresent(ParameterizedTest.class))
                    .as(entry.getValue() + " is a test").isTrue();
        }
    }

    // ---- locks -------------------------------------------------------------------------------------------------

    @Test
    void lockEnabled_false_refusesEveryLockOperation_restAndWebSocket() {
        TestBaton off = with(Map.of("LOCK_ENABLED", "false"));
        String nurse = off.token("okafor");
        String admin = off.token("rivera");
        Map<String, Object> rid = Map.of("resourceId", "catheter:1");
        List<TestBaton.Reply> replies = List.of(
                off.call("POST", "/api/locks/acquire", nurse, rid),
                off.call("POST", "/api/locks/release", nurse, Map.of("resourceId", "catheter:1", "leaseId", "l")),
                off.call("POST", "/api/locks/extend", nurse, Map.of("resourceId", "catheter:1", "leaseId", "l")),
                off.call("GET", "/api/locks/check/catheter/1", nurse, null),
                off.call("POST", "/api/locks/queue/join", nurse, rid),
                off.call("DELETE", "/api/locks/queue/leave", nurse, rid),
                off.call("GET", "/api/locks/queue/catheter/1", nurse, null),
                off.call("POST", "/api/locks/claim", nurse, rid),
                off.call("POST", "/api/locks/view", nurse, rid),
                off.call("POST", "/api/locks/ask-holder", nurse, rid),
                off.call("POST", "/api/locks/force-release", off.token("johnson"), Map.of("resourceId", "catheter:1", "reason", "x", "emergency", true)),
                off.call("GET", "/api/admin/locks", admin, null),
                off.call("POST", "/api/admin/locks/force-release", admin, Map.of("resourceId", "catheter:1", "reason", "x")),
                off.call("POST", "/api/guard/verify", nurse, Map.of("resourceId", "catheter:1", "leaseId", "l")));
        for (TestBaton.Reply reply : replies) {
            assertThat(reply.status()).as(reply.raw().request().method() + " " + reply.raw().request().uri()).isEqualTo(503);
            assertThat(reply.code()).isEqualTo("LOCKS_DISABLED");
        }
        var ws = off.connect("okafor");
        for (String event : List.of("resource:join", "lock:request", "queue:join", "lock:heartbeat", "presence:get")) {
            JsonNode answer = ws.answer(ws.send(event, Map.of("resourceId", "catheter:1", "mode", "editor")));
            assertThat(answer.at("/data/code").asText()).as(event).isEqualTo("LOCKS_DISABLED");
            assertThat(answer.at("/data/status").asInt()).isEqualTo(503);
        }
        assertThat(off.call("GET", "/api/client-config", nurse, null).body().path("locksEnabled").asBoolean()).isFalse();
        TestBaton on = with(Map.of());
        assertThat(on.call("GET", "/api/client-config", on.token("okafor"), null).body().path("locksEnabled").asBoolean()).isTrue();
        assertThat(on.call("POST", "/api/locks/acquire", on.token("okafor"), rid).status()).isEqualTo(200);
    }

    @Test
    void lockTimeout_andWarningTime_setWhenTheIdleHolderIsWarnedAndReleased() {
        TestBaton baton = with(Map.of("LOCK_TIMEOUT", "600", "LOCK_WARNING_TIME", "120"));
        var holder = baton.connect("sharma");
        holder.answer(holder.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "editor")));
        for (int minute = 1; minute <= 7; minute++) {
            baton.advance(Duration.ofMinutes(1));
            holder.answer(holder.send("lock:heartbeat", Map.of("resourceId", "catheter:1", "active", false)));
        }
        holder.sync();
        assertThat(holder.count("lock:expiring", d -> true)).as("not before 10 - 2 minutes").isZero();
        baton.advance(Duration.ofMinutes(1));
        assertThat(holder.await("lock:expiring").at("/data/idleExpiresAt").asText()).isEqualTo("2026-01-13T09:10:00Z");
        holder.await("notification", d -> d.path("type").asText().equals("lock_expiring")); // issue 13.9
        holder.answer(holder.send("lock:heartbeat", Map.of("resourceId", "catheter:1", "active", false)));
        baton.advance(Duration.ofMinutes(2));
        assertThat(holder.await("lock:released").at("/data/reason").asText()).isEqualTo("IDLE_TIMEOUT");
    }

    @Test
    void heartbeatAndAutosaveIntervals_reachTheBrowserClient() {
        TestBaton defaults = with(Map.of());
        JsonNode config = defaults.call("GET", "/api/client-config", defaults.token("okafor"), null).body();
        assertThat(config.path("heartbeatSeconds").asInt()).isEqualTo(60);
        assertThat(config.path("autosaveSeconds").asInt()).isEqualTo(120);
        TestBaton flipped = with(Map.of("LOCK_HEARTBEAT_INTERVAL", "15", "AUTOSAVE_INTERVAL", "10"));
        JsonNode changed = flipped.call("GET", "/api/client-config", flipped.token("okafor"), null).body();
        assertThat(changed.path("heartbeatSeconds").asInt()).isEqualTo(15);
        assertThat(changed.path("autosaveSeconds").asInt()).isEqualTo(10);
    }

    @Test
    void gracePeriod_isHowLongADroppedHolderKeepsTheLock() {
        TestBaton baton = with(Map.of("LOCK_GRACE_PERIOD", "5"));
        var holder = baton.connect("sharma");
        holder.answer(holder.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "editor")));
        var viewer = baton.connect("okafor");
        viewer.answer(viewer.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "viewer")));
        holder.abort();
        assertThat(viewer.await("lock:holder_disconnected").at("/data/graceEndsAt").asText()).isEqualTo("2026-01-13T09:00:05Z");
        baton.advance(Duration.ofSeconds(5));
        assertThat(viewer.await("lock:released").at("/data/reason").asText()).isEqualTo("GRACE_PERIOD_EXPIRED");
    }

    @Test
    void leaseTtl_isHowLongALeaseLivesWithoutAHeartbeat() {
        TestBaton baton = with(Map.of("BATON_LEASE_TTL", "60", "LOCK_HEARTBEAT_INTERVAL", "20"));
        var holder = baton.connect("sharma");
        JsonNode lease = holder.answer(holder.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "editor"))).at("/data/lease");
        assertThat(lease.path("expiresAt").asText()).isEqualTo("2026-01-13T09:01:00Z");
        baton.advance(Duration.ofSeconds(60));
        assertThat(holder.await("lock:released").at("/data/reason").asText()).isEqualTo("EXPIRED");
    }

    @Test
    void maxLocksPerUser_oneMoreGetsMaxLocksExceeded() {
        TestBaton baton = with(Map.of("BATON_MAX_LOCKS_PER_USER", "2"));
        var nurse = baton.tab("okafor");
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "catheter:1")).status()).isEqualTo(200);
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "catheter:2")).status()).isEqualTo(200);
        var third = nurse.post("/api/locks/acquire", Map.of("resourceId", "catheter:3"));
        assertThat(third.status()).isEqualTo(409);
        assertThat(third.code()).isEqualTo("MAX_LOCKS_EXCEEDED");
    }

    @Test
    void takeoverRequestTimeout_isWhenAnUnansweredRequestIsForced() {
        TestBaton baton = with(Map.of("BATON_TAKEOVER_REQUEST_TIMEOUT", "10"));
        var holder = baton.connect("okafor");
        holder.answer(holder.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "editor")));
        var requester = baton.connect("johnson");
        JsonNode pending = requester.answer(requester.send("lock:takeover", Map.of("resourceId", "catheter:1", "reason", "Ward round")));
        assertThat(pending.at("/data/autoForceAt").asText()).isEqualTo("2026-01-13T09:00:10Z");
        baton.advance(Duration.ofSeconds(10));
        requester.await("lock:acquired", d -> d.path("yours").asBoolean() && d.path("via").asText().equals("TAKEOVER_FORCED"));
        holder.await("lock:taken_by_admin");
    }

    @Test
    void askHolderTimeout_isWhenAnUnansweredAskExpires_andADenyIsTold() {
        TestBaton baton = with(Map.of("BATON_ASK_HOLDER_TIMEOUT", "30"));
        var holder = baton.connect("sharma");
        holder.answer(holder.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "editor")));
        var asker = baton.connect("okafor");
        JsonNode sent = asker.answer(asker.send("lock:ask_holder", Map.of("resourceId", "catheter:1", "message", "Pain score due")));
        assertThat(sent.at("/data/expiresAt").asText()).isEqualTo("2026-01-13T09:00:30Z");
        baton.advance(Duration.ofSeconds(30));
        JsonNode timedOut = asker.await("lock:request_answered");
        assertThat(timedOut.at("/data/approved").asBoolean()).isFalse();
        assertThat(timedOut.at("/data/timedOut").asBoolean()).isTrue();

        var other = baton.connect("chen"); // issue 13.9: a deny reaches the asker
        other.answer(other.send("lock:ask_holder", Map.of("resourceId", "catheter:1", "message", "Need the catheter site")));
        JsonNode received = holder.await("lock:request_received", d -> d.at("/from/userId").asText().equals("chen"));
        holder.answer(holder.send("lock:answer_request", Map.of("resourceId", "catheter:1", "requestId", received.at("/data/requestId").asText(),
                "approve", false)));
        JsonNode denied = other.await("lock:request_answered");
        assertThat(denied.at("/data/approved").asBoolean()).isFalse();
        assertThat(denied.at("/data/timedOut").asBoolean()).isFalse();
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", baton.token("chen"), null).body().at("/holder/userId").asText()).isEqualTo("sharma");
    }

    // ---- queue -------------------------------------------------------------------------------------------------

    @Test
    void queueEnabled_false_refusesQueueing() {
        TestBaton baton = with(Map.of("QUEUE_ENABLED", "false"));
        baton.tab("sharma").post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        var joined = baton.tab("okafor").post("/api/locks/queue/join", Map.of("resourceId", "catheter:1"));
        assertThat(joined.status()).isEqualTo(409);
        assertThat(joined.code()).isEqualTo("QUEUE_DISABLED");
    }

    @Test
    void queueMaxSize_oneMoreGetsQueueFull_restAndWebSocket() {
        TestBaton baton = with(Map.of("QUEUE_MAX_SIZE", "2"));
        baton.tab("sharma").post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        assertThat(baton.tab("okafor").post("/api/locks/queue/join", Map.of("resourceId", "catheter:1")).status()).isEqualTo(202);
        assertThat(baton.tab("chen").post("/api/locks/queue/join", Map.of("resourceId", "catheter:1")).status()).isEqualTo(202);
        var full = baton.tab("lindqvist").post("/api/locks/queue/join", Map.of("resourceId", "catheter:1"));
        assertThat(full.status()).isEqualTo(409);
        assertThat(full.code()).isEqualTo("QUEUE_FULL");
        var ws = baton.connect("johnson");
        assertThat(ws.answer(ws.send("queue:join", Map.of("resourceId", "catheter:1"))).at("/data/code").asText()).isEqualTo("QUEUE_FULL");
    }

    @Test
    void queueNotifications_off_sendNoLockAvailable() {
        TestBaton baton = with(Map.of("QUEUE_NOTIFICATION_ENABLED", "false"));
        var holder = baton.tab("sharma");
        String leaseId = holder.post("/api/locks/acquire", Map.of("resourceId", "catheter:1")).body().at("/lease/leaseId").asText();
        var waiter = baton.tab("okafor");
        waiter.post("/api/locks/queue/join", Map.of("resourceId", "catheter:1"));
        holder.post("/api/locks/release", Map.of("resourceId", "catheter:1", "leaseId", leaseId));
        JsonNode inbox = waiter.call("GET", "/api/notifications", null).body().path("notifications");
        assertThat(inbox.findValuesAsText("type")).as("told only that they are editing").containsExactly("lock_acquired");
    }

    @Test
    void queueAutoAcquire_false_yourTurn_thenTurnMissed_thenTheNextClaims() {
        TestBaton baton = with(Map.of("QUEUE_AUTO_ACQUIRE", "false"));
        var holder = baton.connect("sharma");
        holder.answer(holder.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "editor")));
        var first = baton.connect("okafor");
        first.answer(first.send("queue:join", Map.of("resourceId", "catheter:1")));
        var second = baton.connect("chen");
        second.answer(second.send("queue:join", Map.of("resourceId", "catheter:1")));
        holder.send("lock:release", Map.of("resourceId", "catheter:1"));
        assertThat(first.await("lock:your_turn").at("/data/claimBy").asText()).isEqualTo("2026-01-13T09:00:30Z");
        assertThat(first.await("notification", d -> d.path("type").asText().equals("lock_available")).at("/data/message").asText())
                .contains("claim it before");
        baton.advance(Duration.ofSeconds(30));
        first.await("lock:turn_missed");
        second.await("lock:your_turn");
        JsonNode claimed = second.answer(second.send("lock:claim", Map.of("resourceId", "catheter:1")));
        assertThat(claimed.path("event").asText()).isEqualTo("lock:acquired");
        assertThat(claimed.at("/data/lease/holder/userId").asText()).isEqualTo("chen");
    }

    @Test
    void claimWindow_isHowLongTheNextInLineHasToClaim() {
        TestBaton baton = with(Map.of("QUEUE_AUTO_ACQUIRE", "false", "BATON_CLAIM_WINDOW", "10"));
        var holder = baton.tab("sharma");
        String leaseId = holder.post("/api/locks/acquire", Map.of("resourceId", "catheter:1")).body().at("/lease/leaseId").asText();
        var waiter = baton.connect("okafor");
        waiter.answer(waiter.send("queue:join", Map.of("resourceId", "catheter:1")));
        holder.post("/api/locks/release", Map.of("resourceId", "catheter:1", "leaseId", leaseId));
        assertThat(waiter.await("lock:your_turn").at("/data/claimBy").asText()).isEqualTo("2026-01-13T09:00:10Z");
        baton.advance(Duration.ofSeconds(10));
        waiter.await("lock:turn_missed");
    }

    @Test
    void maxQueuesPerUser_oneMoreGetsMaxQueuesExceeded() {
        TestBaton baton = with(Map.of("BATON_MAX_QUEUES_PER_USER", "1"));
        var holder = baton.tab("sharma");
        holder.post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        holder.post("/api/locks/acquire", Map.of("resourceId", "catheter:2"));
        var waiter = baton.tab("okafor");
        assertThat(waiter.post("/api/locks/queue/join", Map.of("resourceId", "catheter:1")).status()).isEqualTo(202);
        var second = waiter.post("/api/locks/queue/join", Map.of("resourceId", "catheter:2"));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.code()).isEqualTo("MAX_QUEUES_EXCEEDED");
    }

    // ---- drafts ------------------------------------------------------------------------------------------------

    @Test
    void autosaveEnabled_false_refusesDrafts() {
        TestBaton baton = with(Map.of("AUTOSAVE_ENABLED", "false"));
        var saved = baton.call("POST", "/api/autosave/save", baton.token("okafor"), Map.of("resourceId", "catheter:c-2001", "data", Map.of("a", 1)));
        assertThat(saved.status()).isEqualTo(409);
        assertThat(saved.code()).isEqualTo("AUTOSAVE_DISABLED");
        var ws = baton.connect("okafor");
        assertThat(ws.answer(ws.send("draft:save", Map.of("resourceId", "catheter:c-2001", "data", Map.of("a", 1)))).at("/data/code").asText())
                .isEqualTo("AUTOSAVE_DISABLED");
        assertThat(baton.call("GET", "/api/client-config", baton.token("okafor"), null).body().path("autosaveEnabled").asBoolean()).isFalse();
    }

    @Test
    void autosaveRetention_deletesDraftsOlderThanIt() {
        TestBaton baton = with(Map.of("AUTOSAVE_RETENTION_HOURS", "1"));
        String nurse = baton.token("okafor");
        assertThat(baton.call("POST", "/api/autosave/save", nurse, Map.of("resourceId", "catheter:c-2001", "data", Map.of("a", 1))).status())
                .isEqualTo(200);
        baton.advance(Duration.ofMinutes(59));
        assertThat(baton.call("GET", "/api/autosave/restore/catheter/c-2001", nurse, null).status()).isEqualTo(200);
        baton.advance(Duration.ofMinutes(62));
        var gone = baton.call("GET", "/api/autosave/restore/catheter/c-2001", nurse, null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.code()).isEqualTo("DRAFT_NOT_FOUND");
    }

    @Test
    void maxDraftBytes_refusesLargerDrafts() {
        TestBaton baton = with(Map.of("BATON_MAX_DRAFT_BYTES", "2048"));
        String nurse = baton.token("okafor");
        var large = baton.call("POST", "/api/autosave/save", nurse, Map.of("resourceId", "catheter:c-2001", "data", Map.of("notes", "x".repeat(3_000))));
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(baton.call("POST", "/api/autosave/save", nurse, Map.of("resourceId", "catheter:c-2001", "data", Map.of("notes", "x".repeat(1_000))))
                .status()).isEqualTo(200);
    }

    // ---- takeover ----------------------------------------------------------------------------------------------

    @Test
    void allowForceUnlock_false_refusesEveryTakeoverPath_adminForceReleaseIncluded() {
        TestBaton baton = with(Map.of("ALLOW_FORCE_UNLOCK", "false"));
        baton.tab("okafor").post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        List<TestBaton.Reply> replies = List.of(
                baton.call("POST", "/api/locks/force-release", baton.token("johnson"),
                        Map.of("resourceId", "catheter:1", "reason", "Code blue", "emergency", true)),
                baton.call("POST", "/api/locks/force-release", baton.token("johnson"), Map.of("resourceId", "catheter:1", "reason", "Ward round")),
                baton.call("POST", "/api/admin/locks/force-release", baton.token("rivera"), Map.of("resourceId", "catheter:1", "reason", "stuck")));
        for (TestBaton.Reply reply : replies) {
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.code()).isEqualTo("TAKEOVER_DISABLED");
        }
        var ws = baton.connect("sharma");
        assertThat(ws.answer(ws.send("lock:takeover", Map.of("resourceId", "catheter:1", "reason", "Code blue", "emergency", true)))
                .at("/data/code").asText()).isEqualTo("TAKEOVER_DISABLED");
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", baton.token("chen"), null).body().at("/holder/userId").asText()).isEqualTo("okafor");
    }

    @Test
    void forceUnlockRoles_nameWhoMayTakeOver() {
        TestBaton baton = with(Map.of("FORCE_UNLOCK_ROLES", "admin"));
        baton.tab("okafor").post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        var attending = baton.call("POST", "/api/locks/force-release", baton.token("johnson"),
                Map.of("resourceId", "catheter:1", "reason", "Code blue", "emergency", true));
        assertThat(attending.status()).isEqualTo(403);
        assertThat(attending.code()).isEqualTo("FORBIDDEN_ROLE");
        var admin = baton.call("POST", "/api/locks/force-release", baton.token("rivera"),
                Map.of("resourceId", "catheter:1", "reason", "Code blue", "emergency", true));
        assertThat(admin.status()).isEqualTo(200);
        assertThat(baton.call("GET", "/api/client-config", baton.token("okafor"), null).body().path("forceUnlockRoles").toString())
                .isEqualTo("[\"admin\"]");
    }

    @Test
    void forceUnlockRequiresReason_false_allowsATakeoverWithoutOne() {
        TestBaton baton = with(Map.of("FORCE_UNLOCK_REQUIRES_REASON", "false"));
        baton.tab("okafor").post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        var taken = baton.call("POST", "/api/locks/force-release", baton.token("johnson"), Map.of("resourceId", "catheter:1", "emergency", true));
        assertThat(taken.status()).isEqualTo(200);
        assertThat(taken.body().at("/lease/holder/userId").asText()).isEqualTo("johnson");
    }

    @Test
    void forceUnlockRequiresReason_false_aPendingRequestWithoutOne_showsInTheAdminView() {
        TestBaton baton = with(Map.of("FORCE_UNLOCK_REQUIRES_REASON", "false"));
        baton.tab("okafor").post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        var requested = baton.call("POST", "/api/locks/force-release", baton.token("johnson"), Map.of("resourceId", "catheter:1"));
        assertThat(requested.status()).isEqualTo(202);
        var locks = baton.call("GET", "/api/admin/locks", baton.token("rivera"), null);
        assertThat(locks.status()).as("the admin view of a takeover requested without a reason").isEqualTo(200);
        JsonNode pending = locks.body().at("/locks/0/takeoverPending");
        assertThat(pending.at("/from/userId").asText()).isEqualTo("johnson");
        assertThat(pending.path("reason").asText("missing")).as("no reason was given: " + pending).isEmpty();
    }

    // ---- presence ----------------------------------------------------------------------------------------------

    @Test
    void trackViewers_false_keepsViewersOutOfPresence() {
        TestBaton baton = with(Map.of("LOCK_TRACK_VIEWERS", "false"));
        var viewer = baton.connect("okafor");
        viewer.answer(viewer.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "viewer")));
        var holder = baton.connect("sharma");
        holder.answer(holder.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "editor")));
        JsonNode presence = holder.answer(holder.send("presence:get", Map.of("resourceId", "catheter:1")));
        assertThat(presence.at("/data/users").findValuesAsText("userId")).containsExactly("sharma");
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", baton.token("chen"), null).body().path("viewers").asInt()).isZero();
    }

    @Test
    void viewerTimeout_aRestViewerThatStopsPollingLeavesPresence() {
        TestBaton baton = with(Map.of("LOCK_VIEWER_TIMEOUT", "60"));
        var watcher = baton.connect("sharma");
        watcher.answer(watcher.send("resource:join", Map.of("resourceId", "catheter:1", "mode", "viewer")));
        var rest = baton.tab("lindqvist");
        assertThat(rest.post("/api/locks/view", Map.of("resourceId", "catheter:1")).status()).isEqualTo(200);
        watcher.await("presence:update", d -> d.path("users").findValuesAsText("userId").contains("lindqvist"));
        baton.advance(Duration.ofSeconds(40));
        assertThat(rest.check("catheter", "1").body().path("presence").findValuesAsText("userId")).as("polling keeps it").contains("lindqvist");
        baton.advance(Duration.ofSeconds(40));
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", baton.token("chen"), null).body().path("presence").findValuesAsText("userId"))
                .contains("lindqvist");
        baton.advance(Duration.ofSeconds(25)); // 65 s since the last poll
        watcher.await("presence:update", d -> !d.path("users").findValuesAsText("userId").contains("lindqvist"));
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", baton.token("chen"), null).body().path("viewers").asInt()).isEqualTo(1);
    }

    // ---- transport ---------------------------------------------------------------------------------------------

    @Test
    void port_isWhereBatonListens() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestBaton baton = with(Map.of("BATON_PORT", Integer.toString(port)));
        assertThat(baton.server.port()).isEqualTo(port);
        assertThat(get("http://127.0.0.1:" + port + "/health/live", baton).statusCode()).isEqualTo(200);
    }

    @Test
    void bind_isTheOnlyAddressBatonAnswersOn() throws Exception {
        TestBaton baton = with(Map.of("BATON_BIND", "127.0.0.2"));
        assertThat(get("http://127.0.0.2:" + baton.server.port() + "/health/live", baton).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get("http://127.0.0.1:" + baton.server.port() + "/health/live", baton)).isInstanceOf(ConnectException.class);
    }

    @Test
    void dataDir_holdsTheDatabase_createdIfMissing_andKeptAcrossRestarts() {
        Path data = dir.resolve("not/yet/there");
        TestBaton first = new TestBaton(data, Map.of());
        long fence;
        try {
            fence = first.call("POST", "/api/locks/acquire", first.token("okafor"), Map.of("resourceId", "catheter:1")).body()
                    .at("/lease/fencingToken").asLong();
        } finally {
            first.close();
        }
        if (!TestBaton.POSTGRES) { // on PostgreSQL the database is elsewhere and the data directory unused: the restart below is the test
            assertThat(data.resolve("baton.db")).exists();
        }
        TestBaton second = new TestBaton(data, Map.of());
        try {
            assertThat(second.call("GET", "/api/locks/check/catheter/1", second.token("chen"), null).body().at("/holder/userId").asText())
                    .isEqualTo("okafor");
            assertThat(fence).isEqualTo(1);
        } finally {
            second.close();
        }
    }

    @Test
    void allowedOrigins_mayOpenWebSockets() throws Exception {
        TestBaton baton = with(Map.of("BATON_ALLOWED_ORIGINS", "https://ehr.example.org"));
        assertThat(upgrades(baton, "https://ehr.example.org")).isTrue();
        assertThat(upgrades(baton, "https://other.example.org")).isFalse();
        TestBaton defaults = with(Map.of());
        assertThat(upgrades(defaults, "https://ehr.example.org")).isFalse();
    }

    @Test
    void maxBodyBytes_refusesLargerBodies() {
        TestBaton baton = with(Map.of("BATON_MAX_BODY_BYTES", "2048"));
        var large = baton.call("POST", "/api/locks/acquire", baton.token("okafor"), Map.of("resourceId", "catheter:1", "pad", "x".repeat(3_000)));
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(baton.call("POST", "/api/locks/acquire", baton.token("okafor"), Map.of("resourceId", "catheter:1", "pad", "x".repeat(1_000)))
                .status()).isEqualTo(200);
    }

    @Test
    void rateLimitAndBurst_answer429WithRetryAfter() {
        TestBaton baton = with(Map.of("BATON_RATE_LIMIT", "1", "BATON_RATE_BURST", "2"));
        String nurse = baton.token("okafor");
        long started = System.nanoTime(); // the limiter runs on real time: bound what may pass by the time it took
        List<TestBaton.Reply> replies = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            replies.add(baton.call("GET", "/api/locks/check/catheter/1", nurse, null));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long passed = replies.stream().filter(r -> r.status() == 200).count();
        assertThat(passed).as("burst 2 plus 1/s over %.1f s", seconds).isLessThanOrEqualTo(2 + (long) Math.ceil(seconds));
        TestBaton.Reply limited = replies.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
        assertThat(limited.code()).as("issue 13.9: REST 429 through the real server").isEqualTo("RATE_LIMITED");
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(baton.call("GET", "/api/locks/check/catheter/1", baton.token("chen"), null).status()).as("per user").isEqualTo(200);
    }

    @Test
    void logFormat_switchesBetweenJsonAndTextLines() throws Exception {
        for (String format : List.of("json", "text")) {
            Path data = Files.createDirectories(dir.resolve("log-" + format));
            try (ServerProcess server = new ServerProcess(data, Map.of("BATON_LOG_FORMAT", format)).start()) {
                List<String> lines = Files.readAllLines(data.resolve("server-1.log"));
                String ready = lines.stream().filter(l -> l.contains("baton ready")).findFirst().orElseThrow(); // Main's log line
                if (format.equals("json")) {
                    JsonNode entry = Json.mapper().readTree(ready);
                    assertThat(entry.path("level").asText()).isEqualTo("INFO");
                    assertThat(entry.path("loggerName").asText()).isEqualTo("org.baton.server.Main");
                } else {
                    assertThat(ready).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO .*baton ready.*");
                    assertThat(lines).noneMatch(l -> l.startsWith("{"));
                }
            }
        }
    }

    // ---- tokens ------------------------------------------------------------------------------------------------

    static final String SECRET = "settings-effect-test-secret-of-32-bytes!";

    static String token(JWSAlgorithm algorithm, JWSSigner signer, String keyId, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        var claims = new JWTClaimsSet.Builder().subject("sharma").claim("name", "Dr. Priya Sharma").claim("roles", List.of("attending"))
                .expirationTime(Date.from(T0.plus(Duration.ofHours(1))));
        edit.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build(), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String hs(Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        return token(JWSAlgorithm.HS256, new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), null, edit);
    }

    private static int status(TestBaton baton, String token) {
        return baton.call("GET", "/api/locks/check/catheter/1", token, null).status();
    }

    @Test
    void jwtSecret_verifiesHs256Tokens_andEndsDemoMode() throws Exception {
        TestBaton baton = with(Map.of("BATON_JWT_SECRET", SECRET));
        assertThat(baton.server.demoSignIn()).isEmpty();
        assertThat(status(baton, hs(c -> { }))).isEqualTo(200);
        String otherSecret = token(JWSAlgorithm.HS256, new MACSigner("another-secret-that-is-32-bytes-long!!".getBytes(StandardCharsets.UTF_8)), null, c -> { });
        assertThat(status(baton, otherSecret)).isEqualTo(401);
        assertThat(baton.call("POST", "/api/dev/token", null, Map.of("userId", "sharma")).status()).isEqualTo(401);
    }

    @Test
    void jwtPublicKey_verifiesRs256Tokens() throws Exception {
        KeyPair keys = rsa();
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        TestBaton baton = with(Map.of("BATON_JWT_PUBLIC_KEY", pem.toString()));
        assertThat(status(baton, token(JWSAlgorithm.RS256, new RSASSASigner((RSAPrivateKey) keys.getPrivate()), null, c -> { }))).isEqualTo(200);
        assertThat(status(baton, token(JWSAlgorithm.RS256, new RSASSASigner((RSAPrivateKey) rsa().getPrivate()), null, c -> { }))).isEqualTo(401);
    }

    @Test
    void jwtJwks_verifiesRs256TokensByKeyId() throws Exception {
        KeyPair keys = rsa();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic()).keyID("k1").build()).toString());
        TestBaton baton = with(Map.of("BATON_JWT_JWKS", jwks.toString()));
        assertThat(status(baton, token(JWSAlgorithm.RS256, new RSASSASigner((RSAPrivateKey) keys.getPrivate()), "k1", c -> { }))).isEqualTo(200);
        assertThat(status(baton, token(JWSAlgorithm.RS256, new RSASSASigner((RSAPrivateKey) rsa().getPrivate()), "k1", c -> { }))).isEqualTo(401);
    }

    @Test
    void jwtAudienceAndIssuer_areRequiredWhenSet() throws Exception {
        TestBaton baton = with(Map.of("BATON_JWT_SECRET", SECRET, "BATON_JWT_AUDIENCE", "baton", "BATON_JWT_ISSUER", "https://idp.example.org"));
        assertThat(status(baton, hs(c -> c.audience("baton").issuer("https://idp.example.org")))).isEqualTo(200);
        assertThat(status(baton, hs(c -> c.audience("another-app").issuer("https://idp.example.org")))).isEqualTo(401);
        assertThat(status(baton, hs(c -> c.audience("baton").issuer("https://evil.example.org")))).isEqualTo(401);
        assertThat(status(baton, hs(c -> { }))).isEqualTo(401);
        TestBaton unset = with(Map.of("BATON_JWT_SECRET", SECRET));
        assertThat(status(unset, hs(c -> c.audience("another-app").issuer("https://evil.example.org")))).isEqualTo(200);
    }

    @Test
    void jwtClockSkew_isTheGraceOnExpiry() throws Exception {
        String expiredTenSecondsAgo = hs(c -> c.expirationTime(Date.from(T0.minusSeconds(10))));
        TestBaton lenient = with(Map.of("BATON_JWT_SECRET", SECRET));
        assertThat(status(lenient, expiredTenSecondsAgo)).as("within the default 30 s").isEqualTo(200);
        TestBaton strict = with(Map.of("BATON_JWT_SECRET", SECRET, "BATON_JWT_CLOCK_SKEW", "0"));
        assertThat(status(strict, expiredTenSecondsAgo)).isEqualTo(401);
    }

    // ---- alerts ------------------------------------------------------------------------------------------------

    private static List<String> alertKinds(TestBaton baton) {
        return baton.call("GET", "/api/admin/alerts", baton.token("rivera"), null).body().path("alerts").findValuesAsText("kind");
    }

    @Test
    void alertHeldAfter_raisesLockHeldLong() {
        TestBaton baton = with(Map.of("BATON_ALERT_HELD_AFTER", "120"));
        var admin = baton.connect("rivera");
        admin.await("session:ready");
        var holder = baton.tab("sharma");
        String leaseId = holder.post("/api/locks/acquire", Map.of("resourceId", "catheter:1")).body().at("/lease/leaseId").asText();
        baton.advance(Duration.ofMinutes(1));
        holder.post("/api/locks/extend", Map.of("resourceId", "catheter:1", "leaseId", leaseId, "active", true));
        assertThat(alertKinds(baton)).doesNotContain("LOCK_HELD_LONG");
        baton.advance(Duration.ofMinutes(1));
        JsonNode alert = admin.await("admin:alert", d -> d.path("kind").asText().equals("LOCK_HELD_LONG"));
        assertThat(alert.at("/data/resourceId").asText()).isEqualTo("catheter:1:main");
    }

    @Test
    void alertIdleAfter_raisesLockIdle() {
        TestBaton baton = with(Map.of("BATON_ALERT_IDLE_AFTER", "300"));
        var admin = baton.connect("rivera");
        admin.await("session:ready");
        var holder = baton.tab("sharma");
        String leaseId = holder.post("/api/locks/acquire", Map.of("resourceId", "catheter:1")).body().at("/lease/leaseId").asText();
        for (int minute = 1; minute <= 4; minute++) {
            baton.advance(Duration.ofMinutes(1));
            holder.post("/api/locks/extend", Map.of("resourceId", "catheter:1", "leaseId", leaseId, "active", false));
        }
        assertThat(alertKinds(baton)).doesNotContain("LOCK_IDLE");
        baton.advance(Duration.ofMinutes(1));
        JsonNode alert = admin.await("admin:alert", d -> d.path("kind").asText().equals("LOCK_IDLE"));
        assertThat(alert.at("/data/message").asText()).contains("idle for 5 min");
    }

    @Test
    void alertQueueLength_raisesQueueLong() {
        TestBaton baton = with(Map.of("BATON_ALERT_QUEUE_LENGTH", "2"));
        var admin = baton.connect("rivera");
        admin.await("session:ready");
        baton.tab("sharma").post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        baton.tab("okafor").post("/api/locks/queue/join", Map.of("resourceId", "catheter:1"));
        assertThat(alertKinds(baton)).doesNotContain("QUEUE_LONG");
        baton.tab("chen").post("/api/locks/queue/join", Map.of("resourceId", "catheter:1"));
        JsonNode alert = admin.await("admin:alert", d -> d.path("kind").asText().equals("QUEUE_LONG"));
        assertThat(alert.at("/data/message").asText()).startsWith("2 people are waiting");
    }

    @Test
    void alertOverrideBurstAndWindow_countOverridesInTheWindow() {
        TestBaton baton = with(Map.of("BATON_ALERT_OVERRIDE_BURST", "2", "BATON_ALERT_OVERRIDE_WINDOW", "60"));
        var admin = baton.connect("rivera");
        admin.await("session:ready");
        for (int i = 1; i <= 3; i++) {
            baton.tab("okafor").post("/api/locks/acquire", Map.of("resourceId", "catheter:" + i));
        }
        takeOver(baton, admin, 1);
        baton.advance(Duration.ofMinutes(2));
        takeOver(baton, admin, 2);
        admin.sync();
        assertThat(admin.count("admin:alert", d -> d.path("kind").asText().equals("OVERRIDE_BURST"))).as("2 min apart: outside the window").isZero();
        baton.advance(Duration.ofSeconds(30));
        takeOver(baton, admin, 3);
        assertThat(admin.await("admin:alert", d -> d.path("kind").asText().equals("OVERRIDE_BURST")).at("/data/message").asText())
                .contains("2 locks were overridden in the last 1 min");
    }

    /**
     * An emergency release of catheter {@code i}, once the alert watch has seen it: the answer can come before the
     * decision's fan-out, and the watch dates an override when it sees it, so the test's clock moves only after.
     */
    private static void takeOver(TestBaton baton, TestBaton.Client admin, int i) {
        assertThat(baton.call("POST", "/api/locks/force-release", baton.token("johnson"),
                Map.of("resourceId", "catheter:" + i, "emergency", true, "reason", "ward round " + i)).status()).isEqualTo(200);
        // the watch is a listener before the admin feed, in the same delivery
        admin.await("admin:lock_changed", d -> d.path("resourceId").asText().equals("catheter:" + i + ":main")
                && d.path("change").asText().equals("taken_over"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static HttpResponse<String> get(String url, TestBaton baton) throws Exception {
        return baton.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean upgrades(TestBaton baton, String origin) throws Exception {
        try {
            WebSocket ws = baton.http.newWebSocketBuilder().header("Origin", origin)
                    .buildAsync(URI.create("ws://127.0.0.1:" + baton.server.port() + "/ws?access_token=" + baton.token("sharma")),
                            new WebSocket.Listener() { })
                    .get(5, TimeUnit.SECONDS);
            ws.abort();
            return true;
        } catch (ExecutionException e) {
            return false;
        }
    }
}
