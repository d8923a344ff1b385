package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 12.9: what the audit trail missed — refused admin access, bad and expired tokens (aggregated per source and
 * reason), admin reads and exports, every record save and every refused one, refused guard checks — and the client's
 * address and user agent with lock events. Aggregated entries are written each minute: the tests move the clock.
 */
class AuditGapsTest extends RunningBaton {
    static final Map<String, String> BROWSER = Map.of("User-Agent", "BatonTest/1.0 (ward 7 workstation)");

    @Test
    void issue12_adminRefusals_badTokens_andAdminReads_areAudited_floodsAggregated() throws Exception {
        var demo = baton.server.demoSignIn().orElseThrow();
        String expired = demo.issue(demo.user("okafor").orElseThrow(), Duration.ofSeconds(1));
        baton.advance(Duration.ofSeconds(45)); // past expiry and the 30 s skew, still inside the first minute
        String johnson = baton.token("johnson");
        for (int i = 0; i < 3; i++) {
            assertThat(baton.call("GET", "/api/admin/audit", johnson, null).status()).isEqualTo(403);
        }
        assertThat(baton.call("GET", "/api/admin/locks", johnson, null).status()).isEqualTo(403);
        for (int i = 0; i < 30; i++) {
            assertThat(baton.call("POST", "/api/locks/acquire", "not.a.token", Map.of("resourceId", "catheter:1"), BROWSER).status()).isEqualTo(401);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(baton.call("GET", "/api/admin/locks", expired, null).status()).isEqualTo(401);
        }
        assertThat(upgradeStatus("not.a.token")).isEqualTo(401);
        String admin = baton.token("rivera");
        assertThat(baton.call("GET", "/api/admin/audit?format=csv", admin, null).status()).isEqualTo(200);
        assertThat(baton.call("GET", "/api/admin/audit/verify", admin, null).status()).isEqualTo(200);
        assertThat(baton.call("GET", "/api/admin/locks", admin, null).status()).isEqualTo(200);
        assertThat(baton.call("GET", "/api/admin/locks", admin, null).status()).isEqualTo(200);
        baton.advance(Duration.ofMinutes(1));

        JsonNode entries = baton.call("GET", "/api/admin/audit?limit=500", admin, null).body().path("entries");
        List<JsonNode> failed = all(entries, "AUTH_FAILED");
        JsonNode malformed = only(failed, e -> e.path("reason").asText().equals("MALFORMED"));
        assertThat(malformed.at("/details/count").asText()).as("30 REST requests and one upgrade, one entry").isEqualTo("31");
        assertThat(malformed.at("/details/clientAddress").asText()).isEqualTo("127.0.0.1");
        JsonNode expiredEntry = only(failed, e -> e.path("reason").asText().equals("EXPIRED"));
        assertThat(expiredEntry.at("/details/count").asText()).isEqualTo("5");
        assertThat(expiredEntry.at("/details/lastRequest").asText()).isEqualTo("GET /api/admin/locks");
        List<JsonNode> denied = all(entries, "ACCESS_DENIED");
        assertThat(denied).allSatisfy(e -> assertThat(e.at("/actor/userId").asText()).isEqualTo("johnson"));
        assertThat(only(denied, e -> e.path("resourceId").asText().equals("GET /api/admin/audit")).at("/details/count").asText()).isEqualTo("3");
        assertThat(only(denied, e -> e.path("resourceId").asText().equals("GET /api/admin/locks")).at("/details/count").asText()).isEqualTo("1");
        assertThat(only(all(entries, "AUDIT_EXPORTED"), e -> true).at("/details/query").asText()).isEqualTo("format=csv");
        assertThat(all(entries, "AUDIT_VERIFIED")).hasSize(1);
        assertThat(only(all(entries, "ADMIN_VIEWED"), e -> e.path("resourceId").asText().equals("/api/admin/locks")).at("/details/count").asText())
                .isEqualTo("2");
        System.out.printf("audit gaps: %d bad-token requests became %d entries; %d refused admin reads became %d%n", 36, failed.size(), 4, denied.size());
    }

    @Test
    void issue12_recordSaves_refusedSaves_andRefusedGuardChecks_areAudited() {
        String chen = baton.token("chen");
        TestBaton.Reply held = baton.call("POST", "/api/locks/acquire", chen, Map.of("resourceId", "catheter:c-2001"), BROWSER);
        String lease = held.body().at("/lease/leaseId").asText();
        Map<String, String> save = Map.of("If-Match", "\"1\"", "X-Lease-Id", lease, "User-Agent", BROWSER.get("User-Agent"));
        assertThat(baton.call("PUT", "/api/records/catheter/c-2001", chen, Map.of("fields", Map.of("notes", "dressing changed")), save).status())
                .isEqualTo(200);
        assertThat(baton.call("PUT", "/api/records/catheter/c-2001", chen, Map.of("fields", Map.of("notes", "again")), save).status()).isEqualTo(412);
        assertThat(baton.call("PUT", "/api/records/catheter/c-2001", baton.token("okafor"), Map.of("fields", Map.of("notes", "not mine")),
                Map.of("If-Match", "\"2\"", "X-Lease-Id", lease)).status()).isEqualTo(423);
        assertThat(baton.call("POST", "/api/guard/verify", baton.token("okafor"), Map.of("resourceId", "catheter:c-2001", "leaseId", "forged"))
                .status()).isEqualTo(423);
        assertThat(baton.call("POST", "/api/records/patient", chen, Map.of("fields", Map.of("mrn", "MRN-77", "name", "New Patient"))).status())
                .isEqualTo(201);

        JsonNode entries = baton.call("GET", "/api/admin/audit?limit=500", baton.token("rivera"), null).body().path("entries");
        JsonNode saved = only(all(entries, "RECORD_SAVED"), e -> true);
        assertThat(saved.path("resourceId").asText()).isEqualTo("catheter:c-2001");
        assertThat(saved.at("/details/version").asText()).isEqualTo("2");
        assertThat(saved.at("/details/fencingToken").asText()).isEqualTo(held.body().at("/lease/fencingToken").asText());
        assertThat(saved.at("/details/userAgent").asText()).isEqualTo(BROWSER.get("User-Agent"));
        List<JsonNode> refused = all(entries, "RECORD_SAVE_REFUSED");
        assertThat(refused).extracting(e -> e.at("/details/code").asText()).containsExactlyInAnyOrder("VERSION_CONFLICT", "NOT_LOCK_HOLDER");
        JsonNode guard = only(all(entries, "GUARD_REFUSED"), e -> true);
        assertThat(guard.at("/actor/userId").asText()).isEqualTo("okafor");
        assertThat(guard.path("resourceId").asText()).isEqualTo("catheter:c-2001:main");
        assertThat(all(entries, "RECORD_CREATED")).hasSize(1);
    }

    @Test
    void issue12_lockEvents_carryTheClientAddressAndUserAgent() {
        baton.call("POST", "/api/locks/acquire", baton.token("chen"), Map.of("resourceId", "catheter:c-2001"), BROWSER);
        var ws = baton.connect("okafor");
        ws.await("session:ready");
        ws.send("lock:request", Map.of("resourceId", "catheter:c-2002"));
        ws.await("lock:acquired");
        JsonNode entries = baton.call("GET", "/api/admin/audit?action=LOCK_ACQUIRED", baton.token("rivera"), null).body().path("entries");
        JsonNode rest = only(all(entries, "LOCK_ACQUIRED"), e -> e.at("/actor/userId").asText().equals("chen"));
        assertThat(rest.at("/details/clientAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(rest.at("/details/userAgent").asText()).isEqualTo(BROWSER.get("User-Agent"));
        JsonNode overWebSocket = only(all(entries, "LOCK_ACQUIRED"), e -> e.at("/actor/userId").asText().equals("okafor"));
        assertThat(overWebSocket.at("/details/clientAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(overWebSocket.at("/details/userAgent").asText()).isNotBlank();
    }

    private int upgradeStatus(String token) throws Exception {
        try {
            baton.http.newWebSocketBuilder().header("Origin", baton.origin())
                    .buildAsync(URI.create("ws://127.0.0.1:" + baton.server.port() + "/ws?access_token=" + token), new TestBaton.Client("x"))
                    .get(10, TimeUnit.SECONDS).abort();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            return ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    private static List<JsonNode> all(JsonNode entries, String action) {
        List<JsonNode> found = new ArrayList<>();
        entries.forEach(e -> {
            if (e.path("action").asText().equals(action)) {
                found.add(e);
            }
        });
        return found;
    }

    private static JsonNode only(List<JsonNode> entries, java.util.function.Predicate<JsonNode> test) {
        List<JsonNode> matching = entries.stream().filter(test).toList();
        assertThat(matching).as("exactly one entry among %s", entries).hasSize(1);
        return matching.get(0);
    }
}
