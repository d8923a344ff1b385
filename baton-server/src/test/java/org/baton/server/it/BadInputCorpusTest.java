package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bad-input corpus (RELIABILITY.md): malformed and oversized JSON, wrong types, unicode edge cases, huge ids,
 * negative numbers, other users' lease ids, forged, expired and alg=none tokens, wrong roles, against every REST
 * endpoint and WebSocket event. Each input must get a 4xx problem with a stable code and no internals, the server
 * must stay up, and nothing may change: locks, queues, records and drafts are compared before and after.
 */
class BadInputCorpusTest extends RunningBaton {
    String chenLease;

    @BeforeEach
    void setUp() {
        var held = baton.call("POST", "/api/locks/acquire", baton.token("chen"), Map.of("resourceId", "catheter:c-2001"));
        chenLease = held.body().at("/lease/leaseId").asText();
        baton.call("POST", "/api/autosave/save", baton.token("chen"), Map.of("resourceId", "catheter:c-2001", "data", Map.of("fields",
                Map.of("notes", "chen's draft"))));
    }

    record Input(String method, String path, String body, String token, Map<String, String> headers) {
        @Override
        public String toString() {
            return method + " " + path + " " + (body == null ? "" : body.length() > 80 ? body.substring(0, 80) + "…" : body);
        }
    }

    static final List<String> JSON_ENDPOINTS = List.of(
            "POST /api/locks/acquire", "POST /api/locks/release", "POST /api/locks/extend", "POST /api/locks/queue/join",
            "DELETE /api/locks/queue/leave", "POST /api/locks/claim", "POST /api/locks/force-release", "POST /api/locks/takeover-answer",
            "POST /api/locks/ask-holder", "POST /api/locks/answer-request", "POST /api/locks/move-here", "POST /api/admin/locks/force-release",
            "POST /api/autosave/save", "DELETE /api/autosave/delete", "POST /api/records/catheter", "PUT /api/records/catheter/c-2001",
            "POST /api/records/catheter/c-2001/merge", "POST /api/guard/verify", "POST /api/notifications/read");

    /** Bodies every JSON endpoint must refuse; {@code %s} is replaced by a free resource id. */
    static List<String> badBodies() {
        List<String> bodies = new ArrayList<>(List.of(
                "{", "[]", "null", "\"catheter:c-2002\"", "42", "{\"resourceId\": 5}", "{\"resourceId\": null}", "{\"resourceId\": [\"catheter:c-2002\"]}",
                "{\"resourceId\": \"catheter\"}", "{\"resourceId\": \"catheter:\"}", "{\"resourceId\": \"CATHETER:c-2002\"}",
                "{\"resourceId\": \"catheter:c-2002:main:extra\"}", "{\"resourceId\": \"catheter:c 2002\"}",
                "{\"resourceId\": \"catheter:c-2002\\u0000\"}", "{\"resourceId\": \"cathe\\u0301ter:c-2002\"}",
                "{\"resourceId\": \"catheter:\\ud83d\\ude00\"}", "{\"resourceId\": \"catheter:" + "x".repeat(5_000) + "\"}",
                "{\"resourceId\": \"../../etc/passwd\"}", "{\"resourceId\": {\"$ne\": null}}",
                "[".repeat(5_000) + "]".repeat(5_000), "{\"a\":".repeat(200) + "1" + "}".repeat(200)));
        return bodies;
    }

    /** The typed members each endpoint reads, with a wrongly typed value for each (the resource itself is free). */
    static final Map<String, Map<String, String>> TYPED_FIELDS = Map.ofEntries(
            Map.entry("POST /api/locks/acquire", Map.of("queue", "\"yes\"")),
            Map.entry("POST /api/locks/release", Map.of("leaseId", "12345", "note", "[]")),
            Map.entry("POST /api/locks/extend", Map.of("leaseId", "{}", "active", "\"true\"")),
            Map.entry("POST /api/locks/force-release", Map.of("reason", "{}", "emergency", "1")),
            Map.entry("POST /api/locks/takeover-answer", Map.of("approve", "\"no\"", "note", "7")),
            Map.entry("POST /api/locks/ask-holder", Map.of("message", "7")),
            Map.entry("POST /api/locks/answer-request", Map.of("requestId", "false", "approve", "\"yes\"")),
            Map.entry("POST /api/admin/locks/force-release", Map.of("reason", "[]")),
            Map.entry("POST /api/autosave/save", Map.of("data", "\"x\"", "baseVersion", "-1")),
            Map.entry("POST /api/records/catheter", Map.of("fields", "[]", "id", "7")),
            Map.entry("PUT /api/records/catheter/c-2001", Map.of("fields", "\"all\"")),
            Map.entry("POST /api/records/catheter/c-2001/merge", Map.of("baseVersion", "\"1\"", "fields", "3")),
            Map.entry("POST /api/guard/verify", Map.of("leaseId", "5", "fencingToken", "\"12\"")),
            Map.entry("POST /api/notifications/read", Map.of("ids", "\"all\"", "all", "\"yes\"")));

    List<Input> corpus() {
        String chen = baton.token("chen");
        String okafor = baton.token("okafor");
        var demo = baton.server.demoSignIn().orElseThrow();
        String expired = demo.issue(demo.user("okafor").orElseThrow(), Duration.ofSeconds(1));
        baton.advance(Duration.ofSeconds(120));
        String[] parts = okafor.split("\\.");
        String algNone = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        String forgedPayload = parts[0] + "." + b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("okafor", "rivera").replace("nurse", "admin")) + "." + parts[2];
        List<Input> inputs = new ArrayList<>();
        for (String endpoint : JSON_ENDPOINTS) {
            String method = endpoint.split(" ")[0];
            String path = endpoint.split(" ")[1];
            Map<String, String> headers = path.startsWith("/api/records/catheter/c-2001") && method.equals("PUT")
                    ? Map.of("If-Match", "\"1\"", "X-Lease-Id", chenLease) : Map.of();
            for (String body : badBodies()) {
                inputs.add(new Input(method, path, body, okafor, headers));
            }
            TYPED_FIELDS.getOrDefault(endpoint, Map.of()).forEach((field, wrong) -> inputs.add(new Input(method, path,
                    "{\"resourceId\": \"catheter:c-2002\", \"" + field + "\": " + wrong + "}", path.contains("/admin/") ? baton.token("rivera") : okafor,
                    headers)));
            String valid = "{\"resourceId\": \"catheter:c-2002\", \"reason\": \"r\", \"message\": \"m\", \"leaseId\": \"x\"}";
            inputs.add(new Input(method, path, valid, null, headers));
            inputs.add(new Input(method, path, valid, "not.a.token", headers));
            inputs.add(new Input(method, path, valid, expired, headers));
            inputs.add(new Input(method, path, valid, algNone, headers));
            inputs.add(new Input(method, path, valid, forgedPayload, headers));
            inputs.add(new Input(method, path, "{\"x\": \"" + "y".repeat(100_000) + "\"}", okafor, headers));
        }
        // other users' lease ids, wrong roles, bad versions, bad query parameters
        String theirs = "{\"resourceId\": \"catheter:c-2001\", \"leaseId\": \"" + chenLease + "\", \"active\": true}";
        inputs.add(new Input("POST", "/api/locks/release", theirs, okafor, Map.of()));
        inputs.add(new Input("POST", "/api/locks/extend", theirs, okafor, Map.of()));
        inputs.add(new Input("POST", "/api/guard/verify", theirs, okafor, Map.of()));
        inputs.add(new Input("PUT", "/api/records/catheter/c-2001", "{\"fields\": {\"notes\": \"x\"}}", okafor,
                Map.of("If-Match", "\"1\"", "X-Lease-Id", chenLease)));
        for (String ifMatch : List.of("*", "\"-1\"", "\"abc\"", "1", "\"1\", \"2\"", "\"99999999999999999999\"")) {
            inputs.add(new Input("PUT", "/api/records/catheter/c-2001", "{\"fields\": {\"notes\": \"x\"}}", chen,
                    Map.of("If-Match", ifMatch, "X-Lease-Id", chenLease)));
        }
        inputs.add(new Input("PUT", "/api/records/catheter/c-2001", "{\"fields\": {\"depth_cm\": \"NaN\"}}", chen,
                Map.of("If-Match", "\"1\"", "X-Lease-Id", chenLease, "X-Fencing-Token", "-5")));
        inputs.add(new Input("POST", "/api/admin/locks/force-release", "{\"resourceId\": \"catheter:c-2001\", \"reason\": \"x\"}", okafor, Map.of()));
        inputs.add(new Input("POST", "/api/locks/force-release", "{\"resourceId\": \"catheter:c-2001\", \"reason\": \"x\", \"emergency\": true}",
                okafor, Map.of()));
        inputs.add(new Input("POST", "/api/locks/force-release", "{\"resourceId\": \"catheter:c-2001\", \"emergency\": true}",
                baton.token("johnson"), Map.of()));
        for (String get : List.of("/api/locks/check/CATHETER/1", "/api/locks/check/catheter/" + "x".repeat(300), "/api/locks/check/catheter/1?child=A%20B",
                "/api/locks/queue/catheter/%00", "/api/records/lab_result", "/api/records/catheter/nope", "/api/records/catheter?limit=-1",
                "/api/records/catheter?offset=abc", "/api/records/catheter/nope/history", "/api/autosave/restore/catheter/c-2001?child=..",
                "/api/notifications?limit=abc", "/api/notifications?limit=0", "/api/admin/locks", "/api/admin/audit", "/api/admin/alerts",
                "/api/admin/metrics", "/api/admin/audit/verify")) {
            inputs.add(new Input("GET", get, null, okafor, Map.of()));
        }
        inputs.add(new Input("GET", "/api/admin/audit?from=yesterday", null, baton.token("rivera"), Map.of()));
        inputs.add(new Input("GET", "/api/admin/audit?limit=-5", null, baton.token("rivera"), Map.of()));
        inputs.add(new Input("GET", "/api/admin/audit?format=xml", null, baton.token("rivera"), Map.of()));
        inputs.add(new Input("POST", "/api/dev/token", "{\"userId\": \"root\"}", null, Map.of()));
        inputs.add(new Input("POST", "/api/dev/token", "{\"userId\": 1}", null, Map.of()));
        return inputs;
    }

    @Test
    void everyBadInput_getsAProblemCode_andChangesNothing() {
        Map<String, Object> before = snapshot();
        List<Input> inputs = corpus();
        List<String> violations = new ArrayList<>();
        for (Input input : inputs) {
            TestBaton.Reply reply = baton.call(input.method(), input.path(), input.token(), input.body() == null ? null : input.body(),
                    input.headers());
            String raw = reply.raw().body();
            String type = reply.raw().headers().firstValue("Content-Type").orElse("");
            if (reply.status() < 400 || reply.status() >= 500) {
                violations.add(input + " -> status " + reply.status() + " " + abbreviate(raw));
            } else if (!type.startsWith("application/problem+json") || !reply.code().matches("[A-Z][A-Z_]{2,}")) {
                violations.add(input + " -> not a problem document: " + type + " " + abbreviate(raw));
            } else if (raw.contains("Exception") || raw.contains("\tat ") || raw.contains("org.baton") || raw.contains("SQL")) {
                violations.add(input + " -> internals leaked: " + abbreviate(raw));
            }
        }
        assertThat(baton.call("GET", "/health/ready", null, null).status()).isEqualTo(200);
        Map<String, Object> after = snapshot();
        System.out.printf("bad-input corpus (REST): %d inputs tried, %d violations%n", inputs.size(), violations.size());
        assertThat(violations).as("inputs that were not refused cleanly").isEmpty();
        assertThat(after).as("state after the corpus").isEqualTo(before);
    }

    @Test
    void everyBadWebSocketMessage_getsAnErrorEvent_andChangesNothing() {
        Map<String, Object> before = snapshot();
        var ws = baton.connect("okafor");
        ws.await("session:ready");
        List<String> frames = new ArrayList<>(List.of("not json", "[]", "null", "{}", "{\"event\": 5}", "{\"event\": \"lock:request\"}",
                "{\"event\": \"lock:request\", \"data\": \"catheter:c-2002\"}", "{\"event\": \"no:such_event\", \"data\": {}}",
                "{\"event\": \"" + "e".repeat(500) + "\", \"data\": {}}", "{\"event\": \"lock:request\", \"data\": {}, \"ref\": \"" + "r".repeat(500) + "\"}",
                "{\"event\": \"lock:release\", \"data\": {\"resourceId\": \"catheter:c-2001\", \"leaseId\": \"" + chenLease + "\"}}",
                "{\"event\": \"lock:heartbeat\", \"data\": {\"resourceId\": \"catheter:c-2001\", \"leaseId\": \"" + chenLease + "\", \"active\": true}}",
                "{\"event\": \"lock:takeover\", \"data\": {\"resourceId\": \"catheter:c-2001\", \"reason\": \"x\", \"emergency\": true}}",
                "{\"event\": \"draft:save\", \"data\": {\"resourceId\": \"catheter:c-2001\", \"data\": \"x\"}}",
                "{\"event\": \"draft:save\", \"data\": {\"resourceId\": \"catheter:c-2001\", \"data\": {}, \"baseVersion\": \"one\"}}",
                "{\"event\": \"resource:join\", \"data\": {\"resourceId\": \"catheter:c-2002\", \"mode\": \"owner\"}}",
                "{\"event\": \"lock:answer_request\", \"data\": {\"resourceId\": \"catheter:c-2001\", \"requestId\": 5, \"approve\": true}}",
                "{\"event\": \"lock:ask_holder\", \"data\": {\"resourceId\": \"catheter:c-2001\", \"message\": \"" + "m".repeat(1_000) + "\"}}"));
        for (String body : badBodies()) {
            frames.add("{\"event\": \"lock:request\", \"data\": " + (body.startsWith("{") || body.startsWith("[") ? body : "{}") + "}");
        }
        int errors = 0;
        for (String frame : frames) {
            int seen = ws.received.size();
            ws.sendRaw(frame);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ws.received.size() > seen || ws.closeCode >= 0);
            JsonNode answer = ws.received.get(ws.received.size() - 1);
            assertThat(ws.closeCode).as("the connection survives %s", frame.length() > 80 ? frame.substring(0, 80) : frame).isEqualTo(-1);
            assertThat(answer.path("event").asText()).as("answer to %s", frame.length() > 80 ? frame.substring(0, 80) : frame)
                    .isIn("error", "lock:denied");
            if (answer.path("event").asText().equals("error")) {
                assertThat(answer.at("/data/code").asText()).matches("[A-Z][A-Z_]{2,}");
                errors++;
            }
        }
        System.out.printf("bad-input corpus (WebSocket): %d frames tried, %d error events, connection kept%n", frames.size(), errors);
        assertThat(snapshot()).isEqualTo(before);
    }

    private Map<String, Object> snapshot() {
        String admin = baton.token("rivera");
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("locks", baton.call("GET", "/api/admin/locks", admin, null).body().toString());
        for (String type : List.of("patient", "catheter", "drug_regime", "functional_outcome", "catheter_removal")) {
            state.put(type, baton.call("GET", "/api/records/" + type + "?limit=500", admin, null).body().path("items").toString());
        }
        for (String user : List.of("chen", "okafor", "rivera", "johnson")) {
            state.put("drafts-" + user, baton.call("GET", "/api/autosave/mine", baton.token(user), null).body().toString());
        }
        return state;
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
