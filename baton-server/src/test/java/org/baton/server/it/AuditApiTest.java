package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.baton.server.http.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit trail through the real API: what gets recorded, who may read it, exports, and tampering detected. */
class AuditApiTest extends RunningBaton {
    String admin;

    @BeforeEach
    void setUp() {
        admin = baton.token("rivera");
        String okafor = baton.token("okafor");
        baton.call("POST", "/api/locks/acquire", okafor, Map.of("resourceId", "catheter:3"));
        baton.call("POST", "/api/locks/acquire", baton.token("chen"), Map.of("resourceId", "catheter:3"));
        baton.call("POST", "/api/locks/force-release", baton.token("johnson"),
                Map.of("resourceId", "catheter:3", "emergency", true, "reason", "Epidural disconnected, re-siting now"));
    }

    @Test
    void lockEvents_deniedAttempts_andTakeoversWithReasons_areRecorded() {
        var page = baton.call("GET", "/api/admin/audit?resourceId=catheter:3:main", admin, null);
        assertThat(page.status()).isEqualTo(200);
        JsonNode entries = page.body().path("entries");
        assertThat(entries.findValuesAsText("action")).contains("LOCK_ACQUIRED", "LOCK_DENIED", "EMERGENCY_TAKEOVER", "LOCK_TAKEOVER");
        JsonNode takeover = find(entries, "EMERGENCY_TAKEOVER");
        assertThat(takeover.path("reason").asText()).isEqualTo("Epidural disconnected, re-siting now");
        assertThat(takeover.path("severity").asText()).isEqualTo("HIGH");
        assertThat(takeover.at("/actor/userId").asText()).isEqualTo("johnson");
        assertThat(takeover.at("/details/displaced").asText()).isEqualTo("okafor");
        assertThat(find(entries, "LOCK_DENIED").at("/details/code").asText()).isEqualTo("LOCK_HELD");
        var byUser = baton.call("GET", "/api/admin/audit?userId=chen", admin, null).body().path("entries");
        assertThat(byUser.findValuesAsText("action")).containsOnly("LOCK_DENIED");
    }

    @Test
    void onlyAdmins_readTheTrail_andBadFiltersAreRefused() {
        assertThat(baton.call("GET", "/api/admin/audit", baton.token("johnson"), null).code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(baton.call("GET", "/api/admin/audit?from=yesterday", admin, null).code()).isEqualTo("INVALID_FIELD");
        assertThat(baton.call("GET", "/api/admin/audit?limit=0", admin, null).code()).isEqualTo("INVALID_FIELD");
        assertThat(baton.call("GET", "/api/admin/audit?format=xml", admin, null).code()).isEqualTo("INVALID_FIELD");
    }

    @Test
    void exports_csvAndFhirAuditEvents() throws Exception {
        var csv = baton.call("GET", "/api/admin/audit?format=csv", admin, null, Map.of());
        String text = csv.raw().body();
        assertThat(csv.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(text.lines().findFirst().orElse("")).isEqualTo("seq,at,actorUserId,actorName,actorRole,action,resourceId,severity,reason,details,prevHash,hash");
        assertThat(text).contains("\"Epidural disconnected, re-siting now\"");

        var fhir = Json.mapper().readTree(baton.call("GET", "/api/admin/audit?format=fhir", admin, null).raw().body());
        assertThat(fhir.path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(fhir.path("type").asText()).isEqualTo("collection");
        for (JsonNode entry : fhir.path("entry")) {
            JsonNode event = entry.path("resource");
            assertThat(event.path("resourceType").asText()).isEqualTo("AuditEvent");
            assertThat(event.path("type").path("code").asText()).isNotBlank();
            assertThat(event.path("recorded").asText()).isNotBlank();
            assertThat(event.path("agent").get(0).at("/who/identifier/value").asText()).isNotBlank();
            assertThat(event.at("/source/observer/display").asText()).isEqualTo("Baton");
        }
    }

    @Test
    void tamperedRow_isDetectedByTheVerifyEndpoint() throws Exception {
        assertThat(baton.call("GET", "/api/admin/audit/verify", admin, null).body().path("intact").asBoolean()).isTrue();
        try (var c = baton.rawDatabase()) {
            c.createStatement().executeUpdate("update audit_entries set reason = 'routine check' where action = 'EMERGENCY_TAKEOVER'");
        }
        var verify = baton.call("GET", "/api/admin/audit/verify", admin, null);
        assertThat(verify.status()).isEqualTo(409);
        assertThat(verify.body().path("intact").asBoolean()).isFalse();
        assertThat(verify.body().path("problem").asText()).contains("changed");
    }

    private static JsonNode find(JsonNode entries, String action) {
        for (JsonNode e : entries) {
            if (e.path("action").asText().equals(action)) {
                return e;
            }
        }
        throw new AssertionError("no " + action + " in " + entries);
    }

    /**
     * Issue 12 item 2, reproduced: on the database, delete the last entries and point the chain head at the new last
     * one. The plain hash chain cannot tell; the head's keyed seal (the key is not in the database) can.
     */
    @Test
    void issue12_aTailCutWithTheHeadRewritten_isDetected() throws Exception {
        assertThat(baton.call("GET", "/api/admin/audit/verify", admin, null).body().path("intact").asBoolean()).isTrue();
        try (var c = baton.rawDatabase(); var s = c.createStatement()) {
            long last;
            try (var rs = s.executeQuery("select max(seq) from audit_entries")) {
                rs.next();
                last = rs.getLong(1);
            }
            s.executeUpdate("delete from audit_entries where seq > " + (last - 2));
            s.executeUpdate("update audit_head set last_seq = " + (last - 2) + ", last_hash = (select hash from audit_entries where seq = "
                    + (last - 2) + "), mac = null where id = 1");
        }
        var verify = baton.call("GET", "/api/admin/audit/verify", admin, null);
        assertThat(verify.status()).isEqualTo(409);
        assertThat(verify.body().path("problem").asText()).contains("head");
    }

    /**
     * Even someone with the key who saved an older sealed head (a copy of the database) and cuts the trail back to it
     * is caught: the chain no longer reaches the checkpoint this instance recorded outside the database.
     */
    @Test
    void issue12_aCutBackToAnOlderSealedHead_isCaughtByTheCheckpointOutsideTheDatabase() throws Exception {
        String[] saved = new String[3];
        try (var c = baton.rawDatabase(); var s = c.createStatement(); var rs = s.executeQuery("select last_seq, last_hash, mac from audit_head")) {
            rs.next();
            saved[0] = rs.getString(1);
            saved[1] = rs.getString(2);
            saved[2] = rs.getString(3);
        }
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("lock:request", java.util.Map.of("resourceId", "patient:audit-cut")));
        sharma.answer(sharma.send("lock:release", java.util.Map.of("resourceId", "patient:audit-cut")));
        baton.advance(java.time.Duration.ofMinutes(1)); // housekeeping records a checkpoint of the longer chain
        assertThat(baton.call("GET", "/api/admin/audit/verify", admin, null).body().path("intact").asBoolean()).isTrue();
        try (var c = baton.rawDatabase(); var s = c.createStatement()) {
            s.executeUpdate("delete from audit_entries where seq > " + saved[0]);
            s.executeUpdate("update audit_head set last_seq = " + saved[0] + ", last_hash = '" + saved[1] + "', mac = '" + saved[2] + "' where id = 1");
        }
        var verify = baton.call("GET", "/api/admin/audit/verify", admin, null);
        assertThat(verify.status()).isEqualTo(409);
        assertThat(verify.body().path("problem").asText()).contains("checkpoint");
    }
}
