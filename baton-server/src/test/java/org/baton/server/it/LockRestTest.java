package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** REST-only clients: contention, queue by polling check, hand-over, extend/release rules, refusals that change nothing. */
class LockRestTest extends RunningBaton {
    String sharma;
    String okafor;
    String johnson;

    @BeforeEach
    void setUp() {
        sharma = baton.token("sharma");
        okafor = baton.token("okafor");
        johnson = baton.token("johnson");
    }

    @Test
    void twoUsers_contend_theSecondIsRefusedWithTheHolder_thenQueues_andGetsItOnRelease() {
        var acquired = baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "catheter:42"));
        assertThat(acquired.status()).isEqualTo(200);
        assertThat(acquired.body().path("status").asText()).isEqualTo("acquired");
        var lease = acquired.body().path("lease");
        assertThat(lease.path("resourceId").asText()).isEqualTo("catheter:42:main");
        assertThat(lease.path("fencingToken").asLong()).isEqualTo(1);

        var refused = baton.call("POST", "/api/locks/acquire", okafor, Map.of("resourceId", "catheter:42"));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("LOCK_HELD");
        assertThat(refused.body().path("holder").path("name").asText()).isEqualTo("Dr. Priya Sharma");
        assertThat(refused.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");

        var queued = baton.call("POST", "/api/locks/acquire", okafor, Map.of("resourceId", "catheter:42", "queue", true),
                Map.of("X-Session-Id", refused.raw().headers().firstValue("X-Session-Id").orElseThrow()));
        assertThat(queued.status()).isEqualTo(202);
        assertThat(queued.body().path("position").asInt()).isEqualTo(1);
        String okaforSession = queued.raw().headers().firstValue("X-Session-Id").orElseThrow();

        var released = baton.call("POST", "/api/locks/release", sharma,
                Map.of("resourceId", "catheter:42", "leaseId", lease.path("leaseId").asText(), "note", "pump rate changed"),
                Map.of("X-Session-Id", acquired.raw().headers().firstValue("X-Session-Id").orElseThrow()));
        assertThat(released.status()).isEqualTo(200);

        var check = baton.call("GET", "/api/locks/check/catheter/42", okafor, null, Map.of("X-Session-Id", okaforSession));
        assertThat(check.body().path("locked").asBoolean()).isTrue();
        assertThat(check.body().path("holder").path("userId").asText()).isEqualTo("okafor");
        assertThat(check.body().path("lease").path("fencingToken").asLong()).isEqualTo(2);
    }

    @Test
    void release_andExtend_byAnotherSessionOrUser_areRefused_andChangeNothing() {
        var acquired = baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "patient:7:allergies"));
        String leaseId = acquired.body().path("lease").path("leaseId").asText();
        var otherUser = baton.call("POST", "/api/locks/release", okafor, Map.of("resourceId", "patient:7:allergies", "leaseId", leaseId));
        assertThat(otherUser.status()).isEqualTo(403);
        assertThat(otherUser.code()).isEqualTo("NOT_LOCK_HOLDER");
        var otherTab = baton.call("POST", "/api/locks/extend", sharma, Map.of("resourceId", "patient:7:allergies", "leaseId", leaseId));
        assertThat(otherTab.status()).as("a new session of the same user").isEqualTo(403);
        var check = baton.call("GET", "/api/locks/check/patient/7?child=allergies", okafor, null);
        assertThat(check.body().path("holder").path("userId").asText()).isEqualTo("sharma");
    }

    @Test
    void leaseLapses_withoutHeartbeat_andTheLateHolderLearnsLeaseExpired() {
        var acquired = baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "catheter:1"));
        String session = acquired.raw().headers().firstValue("X-Session-Id").orElseThrow();
        String leaseId = acquired.body().path("lease").path("leaseId").asText();
        baton.advance(Duration.ofMinutes(2));
        var extended = baton.call("POST", "/api/locks/extend", sharma, Map.of("resourceId", "catheter:1", "leaseId", leaseId, "active", true),
                Map.of("X-Session-Id", session));
        assertThat(extended.status()).isEqualTo(200);
        baton.advance(Duration.ofMinutes(5));
        var late = baton.call("POST", "/api/locks/extend", sharma, Map.of("resourceId", "catheter:1", "leaseId", leaseId),
                Map.of("X-Session-Id", session));
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.code()).isEqualTo("LEASE_EXPIRED");
    }

    @Test
    void emergencyForceRelease_byAnAttending_withAReason_takesTheLock() {
        baton.call("POST", "/api/locks/acquire", okafor, Map.of("resourceId", "catheter:5"));
        var noReason = baton.call("POST", "/api/locks/force-release", johnson, Map.of("resourceId", "catheter:5", "emergency", true));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.code()).isEqualTo("REASON_REQUIRED");
        var nurse = baton.call("POST", "/api/locks/force-release", baton.token("lindqvist"),
                Map.of("resourceId", "catheter:5", "emergency", true, "reason", "urgent"));
        assertThat(nurse.status()).isEqualTo(403);
        assertThat(nurse.code()).isEqualTo("FORBIDDEN_ROLE");
        var taken = baton.call("POST", "/api/locks/force-release", johnson,
                Map.of("resourceId", "catheter:5", "emergency", true, "reason", "Emergency surgery update"));
        assertThat(taken.status()).isEqualTo(200);
        assertThat(taken.body().path("lease").path("holder").path("userId").asText()).isEqualTo("johnson");
        assertThat(taken.body().path("lease").path("fencingToken").asLong()).isEqualTo(2);
    }

    @Test
    void badInput_getsTheRightProblemCode() {
        assertThat(baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "Patient:1")).code()).isEqualTo("INVALID_RESOURCE_ID");
        assertThat(baton.call("POST", "/api/locks/acquire", sharma, Map.of()).code()).isEqualTo("INVALID_RESOURCE_ID");
        assertThat(baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", 42)).code()).isEqualTo("INVALID_RESOURCE_ID");
        assertThat(baton.call("POST", "/api/locks/acquire", sharma, "[1,2]").code()).isEqualTo("INVALID_JSON");
        assertThat(baton.call("POST", "/api/locks/acquire", sharma, "{nope").code()).isEqualTo("INVALID_JSON");
        assertThat(baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "a:b", "queue", "yes")).code()).isEqualTo("INVALID_FIELD");
        assertThat(baton.call("POST", "/api/locks/release", sharma, Map.of("resourceId", "a:b")).code()).isEqualTo("INVALID_FIELD");
        assertThat(baton.call("POST", "/api/locks/acquire", null, Map.of("resourceId", "a:b")).code()).isEqualTo("UNAUTHENTICATED");
        assertThat(baton.call("GET", "/api/locks/check/a/b%20c", sharma, null).code()).isEqualTo("INVALID_RESOURCE_ID");
        assertThat(baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "a:" + "x".repeat(70_000))).status()).isEqualTo(413);
        assertThat(baton.call("GET", "/api/admin/locks", sharma, null).code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(baton.call("GET", "/api/locks/check/catheter/b", sharma, null).body().path("locked").asBoolean()).isFalse();
    }

    @Test
    void sixthLock_isRefused_maxLocksExceeded() {
        for (int i = 1; i <= 5; i++) {
            assertThat(baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "catheter:12" + i)).status()).isEqualTo(200);
        }
        var sixth = baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "catheter:126"));
        assertThat(sixth.status()).isEqualTo(409);
        assertThat(sixth.code()).isEqualTo("MAX_LOCKS_EXCEEDED");
    }

    @Test
    void adminSeesActiveLocks_andForceReleasesWithAReason() {
        baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "catheter:9"));
        String admin = baton.token("rivera");
        var locks = baton.call("GET", "/api/admin/locks", admin, null);
        assertThat(locks.body().path("locks").findValuesAsText("resourceId")).contains("catheter:9:main");
        var released = baton.call("POST", "/api/admin/locks/force-release", admin, Map.of("resourceId", "catheter:9", "reason", "left for the day"));
        assertThat(released.status()).isEqualTo(200);
        assertThat(baton.call("GET", "/api/locks/check/catheter/9", admin, null).body().path("locked").asBoolean()).isFalse();
    }
}
