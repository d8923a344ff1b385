package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.baton.server.config.BatonConfig;
import org.baton.server.demo.DemoMonth;
import org.baton.server.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: the statistics come from the durable audit trail — live traffic through the real API is counted (queue
 * wait with the waiter's join time, hold time, a draft actually restored), a generated month survives a restart with
 * the same figures, every chart answers as JSON and CSV, only admins may ask, exports are audited, and the health
 * panel shows the store, the bus, the instances and the last audit verification.
 */
class AnalyticsApiTest {
    static final List<String> CHARTS = List.of("summary", "lock-durations", "queue-waits", "overrides", "override-reasons", "timeouts",
            "draft-recoveries", "contentious-records", "edit-patterns");
    @TempDir
    Path dir;

    @Test
    void issue15_liveTraffic_isCounted_queueWaitFromTheJoin_holdTimes_andOnlyRestoredDraftsAsRecoveries() {
        try (TestBaton baton = new TestBaton(dir, Map.of())) {
            String admin = baton.token("rivera");
            TestBaton.RestTab sharma = baton.tab("sharma");
            TestBaton.RestTab okafor = baton.tab("okafor");
            String lease = sharma.post("/api/locks/acquire", Map.of("resourceId", "drug_regime:d-3001")).body().at("/lease/leaseId").asText();
            baton.advance(Duration.ofMinutes(1));
            assertThat(okafor.post("/api/locks/queue/join", Map.of("resourceId", "drug_regime:d-3001")).status()).isEqualTo(202);
            baton.advance(Duration.ofMinutes(3));
            sharma.post("/api/locks/release", Map.of("resourceId", "drug_regime:d-3001", "leaseId", lease));
            String second = okafor.check("drug_regime", "d-3001").body().at("/lease/leaseId").asText();
            assertThat(second).as("okafor was served from the queue").isNotBlank();
            baton.advance(Duration.ofMinutes(2));
            okafor.post("/api/locks/release", Map.of("resourceId", "drug_regime:d-3001", "leaseId", second));
            // Looking a draft up is not a recovery; the editor says what the user did with it.
            okafor.post("/api/autosave/save", Map.of("resourceId", "drug_regime:d-3001", "data", Map.of("fields", Map.of("notes", "x"))));
            assertThat(okafor.call("GET", "/api/autosave/restore/drug_regime/d-3001", null).status()).isEqualTo(200);
            assertThat(okafor.post("/api/autosave/recovery", Map.of("resourceId", "drug_regime:d-3001", "outcome", "restored", "source", "server"))
                    .status()).isEqualTo(200);
            assertThat(sharma.post("/api/autosave/recovery", Map.of("resourceId", "drug_regime:d-3001", "outcome", "discarded", "source", "device"))
                    .status()).isEqualTo(200);
            assertThat(sharma.post("/api/autosave/recovery", Map.of("resourceId", "drug_regime:d-3001", "outcome", "maybe", "source", "device"))
                    .code()).isEqualTo("INVALID_FIELD");
            baton.advance(Duration.ofSeconds(1)); // a range ending now excludes its end: what happened this instant counts from the next

            JsonNode summary = baton.call("GET", "/api/admin/analytics/summary?range=24h", admin, null).body();
            assertThat(summary.path("edits").asLong()).isEqualTo(2);
            assertThat(summary.path("waits").asLong()).isEqualTo(1);
            assertThat(summary.path("medianWaitSeconds").asDouble()).as("joined at +1 min, served at +4 min").isEqualTo(180.0);
            assertThat(summary.path("averageHoldSeconds").asDouble()).as("4 and 2 minutes").isEqualTo(180.0);
            assertThat(summary.path("draftsRestored").asLong()).isEqualTo(1);
            assertThat(summary.path("draftsDiscarded").asLong()).isEqualTo(1);
            assertThat(summary.path("recoveryRate").asDouble()).isEqualTo(0.5);
            assertThat(baton.call("GET", "/api/admin/metrics", admin, null).body().path("autosaveRecoveries").asDouble())
                    .as("the live counter counts restores, not lookups").isEqualTo(1.0);

            JsonNode contention = baton.call("GET", "/api/admin/analytics/contentious-records?range=24h&type=drug_regime", admin, null).body();
            assertThat(contention.at("/records/0/record").asText()).isEqualTo("drug_regime:d-3001");
            assertThat(contention.at("/records/0/link").asText()).isEqualTo("/record?type=drug_regime&id=d-3001");
            assertThat(contention.at("/records/0/totalWaitSeconds").asDouble()).isEqualTo(180.0);
            assertThat(baton.call("GET", "/api/admin/analytics/lock-durations?range=24h&ward=Surgical%204B", admin, null).body().path("count")
                    .asLong()).as("d-3001 belongs to p-1001 on Surgical 4B").isEqualTo(2);
            assertThat(baton.call("GET", "/api/admin/analytics/lock-durations?range=24h&role=nurse", admin, null).body().path("count").asLong())
                    .isEqualTo(1);
        }
    }

    @Test
    void issue15_aGeneratedMonth_survivesARestart_everyChartAnswersJsonAndCsv_andTheChainVerifies() {
        Instant end = Instant.parse("2026-01-13T09:00:00Z");
        DemoMonth.Written written;
        Map<String, String> env = new HashMap<>(Map.of("BATON_DATA_DIR", dir.toString()));
        env.putAll(TestBaton.storeEnvironment(dir));
        try (Stores stores = Stores.open(BatonConfig.fromEnvironment(env))) {
            written = DemoMonth.writeIfEmpty(stores.records, stores.audit, end, 15);
            assertThat(DemoMonth.writeIfEmpty(stores.records, stores.audit, end, 15)).as("never twice").isNull();
        }
        assertThat(written.auditEntries()).isGreaterThan(5_000);
        Map<String, JsonNode> before = new HashMap<>();
        try (TestBaton baton = new TestBaton(dir, Map.of())) {
            String admin = baton.token("rivera");
            for (String chart : CHARTS) {
                TestBaton.Reply reply = baton.call("GET", "/api/admin/analytics/" + chart + "?range=30d&zone=Europe/London", admin, null);
                assertThat(reply.status()).as(chart).isEqualTo(200);
                before.put(chart, reply.body());
                TestBaton.Reply csv = baton.call("GET", "/api/admin/analytics/" + chart + "?range=30d&format=csv", admin, null);
                assertThat(csv.raw().headers().firstValue("Content-Type").orElse("")).as(chart).startsWith("text/csv");
                assertThat(csv.raw().body().lines().count()).as(chart + " has a header and rows").isGreaterThan(1);
            }
            JsonNode summary = before.get("summary");
            assertThat(summary.path("edits").asLong()).isGreaterThan(2_000);
            assertThat(summary.path("waits").asLong()).isPositive();
            assertThat(summary.path("overrides").asLong()).isPositive();
            assertThat(summary.path("lockTimeouts").asLong()).isPositive();
            assertThat(summary.path("draftsRestored").asLong()).isGreaterThan(summary.path("draftsDiscarded").asLong());
            assertThat(before.get("overrides").at("/totals/EMERGENCY").asLong()).as("a few emergencies").isBetween(3L, 20L);
            assertThat(before.get("override-reasons").path("overrides").findValuesAsText("reason")).anyMatch(r -> r.contains("Hypotension")
                    || r.contains("naloxone") || r.contains("Motor block") || r.contains("concentration") || r.contains("haematoma"));
            assertThat(before.get("timeouts").path("totals").findValuesAsText("IDLE_TIMEOUT")).isNotNull();
            assertThat(before.get("edit-patterns").path("roles").findValuesAsText("")).isEmpty();
            assertThat(before.get("edit-patterns").path("roles").toString()).contains("attending", "nurse", "resident");
            assertThat(before.get("contentious-records").path("records").size()).isEqualTo(20);
            assertThat(before.get("queue-waits").path("days").size()).isEqualTo(31);
            TestBaton.Reply verify = baton.call("GET", "/api/admin/audit/verify", admin, null);
            assertThat(verify.status()).isEqualTo(200);
            assertThat(verify.body().path("entries").asLong()).isGreaterThanOrEqualTo(written.auditEntries());
        }
        try (TestBaton restarted = new TestBaton(dir, Map.of())) {
            String admin = restarted.token("rivera");
            for (String chart : List.of("summary", "lock-durations", "overrides", "contentious-records")) {
                JsonNode after = restarted.call("GET", "/api/admin/analytics/" + chart + "?range=30d&zone=Europe/London", admin, null).body();
                assertThat(after).as(chart + " after a restart").isEqualTo(before.get(chart));
            }
        }
    }

    @Test
    void issue15_onlyAdmins_badQueriesRefusedByName_csvExportsAudited_andTheHealthPanel() {
        try (TestBaton baton = new TestBaton(dir, Map.of())) {
            String admin = baton.token("rivera");
            assertThat(baton.call("GET", "/api/admin/analytics/summary", baton.token("johnson"), null).code()).isEqualTo("FORBIDDEN_ROLE");
            assertThat(baton.call("GET", "/api/admin/health", baton.token("okafor"), null).code()).isEqualTo("FORBIDDEN_ROLE");
            for (String bad : List.of("range=1y", "zone=Mars/Base", "from=2026-01-01T00:00:00Z", "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                    "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "format=xml", "range=7d&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z")) {
                assertThat(baton.call("GET", "/api/admin/analytics/queue-waits?" + bad, admin, null).code()).as(bad).isEqualTo("INVALID_FIELD");
            }
            baton.call("GET", "/api/admin/analytics/timeouts?range=7d&format=csv", admin, null);
            JsonNode exported = baton.call("GET", "/api/admin/audit?action=ANALYTICS_EXPORTED", admin, null).body().path("entries");
            assertThat(exported.size()).isEqualTo(1);
            assertThat(exported.at("/0/details/query").asText()).contains("/api/admin/analytics/timeouts", "format=csv");

            JsonNode none = baton.call("GET", "/api/admin/health", admin, null).body();
            assertThat(none.path("lastAuditVerification").isNull()).isTrue();
            assertThat(baton.call("GET", "/api/admin/audit/verify", admin, null).status()).isEqualTo(200);
            baton.advance(Duration.ofMinutes(1));
            JsonNode health = baton.call("GET", "/api/admin/health", admin, null).body();
            assertThat(health.at("/store/up").asBoolean()).isTrue();
            assertThat(health.at("/store/commits").asLong()).isPositive();
            assertThat(health.at("/store/averageCommitMillis").isNumber()).isTrue();
            assertThat(health.at("/bus/connected").asBoolean()).isTrue();
            assertThat(health.at("/bus/kind").asText()).isEqualTo(TestBaton.POSTGRES ? "postgres-notify" : "in-process");
            assertThat(health.path("instances").size()).isEqualTo(1);
            assertThat(health.at("/housekeeping/lastMinuteRound").asText()).isNotBlank();
            assertThat(health.at("/lastAuditVerification/intact").asBoolean()).isTrue();
            assertThat(health.at("/lastAuditVerification/by").asText()).isEqualTo("rivera");
        }
    }
}
