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
}
