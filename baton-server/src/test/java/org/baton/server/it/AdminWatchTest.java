package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Proactive alerts pushed to admins, live metrics, and the server's own housekeeping, driven by the manual clock. */
class AdminWatchTest extends RunningBaton {

    @Test
    void burstOfOverrides_isPushedToConnectedAdmins() {
        var admin = baton.connect("rivera");
        admin.await("session:ready");
        for (int i = 1; i <= 3; i++) {
            baton.call("POST", "/api/locks/acquire", baton.token("okafor"), Map.of("resourceId", "catheter:" + i));
            baton.call("POST", "/api/locks/force-release", baton.token("johnson"),
                    Map.of("resourceId", "catheter:" + i, "emergency", true, "reason", "ward round " + i));
        }
        JsonNode alert = admin.await("admin:alert", d -> d.path("kind").asText().equals("OVERRIDE_BURST"));
        assertThat(alert.at("/data/message").asText()).contains("3 locks were overridden");
        var nurse = baton.connect("okafor");
        nurse.await("session:ready");
        assertThat(nurse.events()).doesNotContain("admin:alert");
    }

    @Test
    void lockHeldOverAnHour_raisesAnAlert_listedUntilItClears() {
        var held = baton.call("POST", "/api/locks/acquire", baton.token("sharma"), Map.of("resourceId", "patient:4"));
        String session = held.raw().headers().firstValue("X-Session-Id").orElseThrow();
        String leaseId = held.body().at("/lease/leaseId").asText();
        for (int minute = 1; minute <= 61; minute++) {
            baton.advance(Duration.ofMinutes(1));
            baton.call("POST", "/api/locks/extend", baton.token("sharma"), Map.of("resourceId", "patient:4", "leaseId", leaseId, "active", true),
                    Map.of("X-Session-Id", session));
        }
        JsonNode alerts = baton.call("GET", "/api/admin/alerts", baton.token("rivera"), null).body().path("alerts");
        assertThat(alerts.findValuesAsText("kind")).contains("LOCK_HELD_LONG");
        baton.call("POST", "/api/locks/release", baton.token("sharma"), Map.of("resourceId", "patient:4", "leaseId", leaseId),
                Map.of("X-Session-Id", session));
        baton.advance(Duration.ofMinutes(1));
        assertThat(baton.call("GET", "/api/admin/alerts", baton.token("rivera"), null).body().path("alerts").findValuesAsText("kind"))
                .doesNotContain("LOCK_HELD_LONG");
    }

    @Test
    void metrics_countGrantsReleasesAndOverrides() {
        var held = baton.call("POST", "/api/locks/acquire", baton.token("okafor"), Map.of("resourceId", "catheter:11"));
        baton.call("POST", "/api/locks/acquire", baton.token("chen"), Map.of("resourceId", "catheter:11"));
        baton.call("POST", "/api/locks/force-release", baton.token("johnson"), Map.of("resourceId", "catheter:11", "emergency", true, "reason", "x"));
        String metrics = baton.call("GET", "/metrics", null, null).raw().body();
        assertThat(metrics).contains("baton_lock_acquired_total{via=\"DIRECT\"} 1.0")
                .contains("baton_lock_acquired_total{via=\"EMERGENCY\"} 1.0")
                .contains("baton_lock_released_total{cause=\"TAKEOVER\"} 1.0")
                .contains("baton_lock_overridden_total{kind=\"emergency\"} 1.0")
                .contains("baton_lock_refused_total{code=\"LOCK_HELD\"} 1.0")
                .contains("baton_locks_active 1.0");
        assertThat(held.status()).isEqualTo(200);
    }

    @Test
    void dashboardFigures_andLiveLockChanges_reachAdminsOnly() {
        var admin = baton.connect("rivera");
        admin.await("session:ready");
        var nurse = baton.connect("okafor");
        nurse.await("session:ready");
        baton.call("POST", "/api/locks/acquire", baton.token("chen"), Map.of("resourceId", "catheter:21"));
        baton.call("POST", "/api/locks/acquire", baton.token("okafor"), Map.of("resourceId", "catheter:21", "queue", true));
        baton.advance(Duration.ofMinutes(4));
        baton.call("POST", "/api/admin/locks/force-release", baton.token("rivera"), Map.of("resourceId", "catheter:21", "reason", "stuck"));
        admin.await("admin:lock_changed", d -> d.path("change").asText().equals("admin_released"));
        assertThat(admin.await("admin:lock_changed", d -> d.path("change").asText().equals("acquired")).at("/data/resourceId").asText())
                .isEqualTo("catheter:21:main");
        JsonNode figures = baton.call("GET", "/api/admin/metrics", baton.token("rivera"), null).body();
        assertThat(figures.path("forceUnlocks").asDouble()).isEqualTo(1.0);
        assertThat(figures.path("averageQueueWaitSeconds").asDouble()).isEqualTo(240.0);
        assertThat(figures.path("locksActive").asLong()).as("okafor holds it now").isEqualTo(1);
        assertThat(baton.call("GET", "/api/admin/metrics", baton.token("okafor"), null).status()).isEqualTo(403);
        assertThat(nurse.events()).doesNotContain("admin:lock_changed");
    }
}
