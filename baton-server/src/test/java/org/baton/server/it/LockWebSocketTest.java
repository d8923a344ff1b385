package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The WebSocket protocol end to end: several users in real connections, time moved by the manual clock. */
class LockWebSocketTest extends RunningBaton {
    static final String RID = "patient:8f3c:allergies";


    static Map<String, Object> rid() {
        return Map.of("resourceId", RID);
    }

    static Map<String, Object> join(String mode) {
        return Map.of("resourceId", RID, "mode", mode);
    }

    @Test
    void threeUsers_editorViewersQueue_presence_andHandOverOnRelease() {
        var sharma = baton.connect("sharma");
        JsonNode ready = sharma.await("session:ready").path("data");
        assertThat(ready.path("userId").asText()).isEqualTo("sharma");
        assertThat(ready.path("sessionId").asText()).startsWith("s_");

        JsonNode acquired = sharma.answer(sharma.send("resource:join", join("editor")));
        assertThat(acquired.path("event").asText()).isEqualTo("lock:acquired");
        assertThat(acquired.at("/data/lease/fencingToken").asLong()).isEqualTo(1);

        var okafor = baton.connect("okafor");
        okafor.answer(okafor.send("resource:join", join("viewer")));
        var chen = baton.connect("chen");
        chen.answer(chen.send("resource:join", join("viewer")));
        sharma.await("presence:update", d -> d.path("users").size() == 3);

        JsonNode queued = okafor.answer(okafor.send("lock:request", rid()));
        assertThat(queued.path("event").asText()).isEqualTo("lock:queued");
        assertThat(queued.at("/data/position").asInt()).isEqualTo(1);
        JsonNode second = chen.answer(chen.send("queue:join", rid()));
        assertThat(second.at("/data/position").asInt()).isEqualTo(2);

        sharma.send("lock:release", Map.of("resourceId", RID, "note", "dose change pending pharmacy check"));
        JsonNode handedOver = okafor.await("lock:acquired", d -> d.at("/lease/holder/userId").asText().equals("okafor"));
        assertThat(handedOver.at("/data/lease/fencingToken").asLong()).isEqualTo(2);
        assertThat(handedOver.at("/data/via").asText()).isEqualTo("QUEUE_AUTO_ACQUIRE");
        assertThat(handedOver.at("/data/handoverNote").asText()).isEqualTo("dose change pending pharmacy check");
        chen.await("lock:released", d -> d.path("reason").asText().equals("RELEASED"));
        chen.await("presence:update", d -> d.path("users").findValuesAsText("mode").contains("editor")
                && d.path("users").get(0).path("userId").asText().equals("okafor"));
    }

    @Test
    void lockDenied_whenTheTypeDenies_carriesTheHolder() throws Exception {
        baton.close();
        Path policies = dir.resolve("policies.yaml");
        java.nio.file.Files.writeString(policies, "resourceTypes:\n  patient:\n    upgradeMode: deny\n");
        baton = new TestBaton(dir.resolve("d2"), Map.of("BATON_CONFIG", policies.toString()));
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", join("editor")));
        var okafor = baton.connect("okafor");
        JsonNode denied = okafor.answer(okafor.send("resource:join", join("editor")));
        assertThat(denied.path("event").asText()).isEqualTo("lock:denied");
        assertThat(denied.at("/data/currentHolder/name").asText()).isEqualTo("Dr. Priya Sharma");
        assertThat(denied.at("/data/expiresAt").asText()).isNotBlank();
    }

    @Test
    void askTheHolder_approve_handsTheLockToTheAsker() {
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", join("editor")));
        var okafor = baton.connect("okafor");
        okafor.answer(okafor.send("resource:join", join("viewer")));
        JsonNode sent = okafor.answer(okafor.send("lock:ask_holder", Map.of("resourceId", RID, "message", "Need to add the 14:00 pain score")));
        assertThat(sent.path("event").asText()).isEqualTo("lock:request_sent");
        JsonNode received = sharma.await("lock:request_received");
        assertThat(received.at("/data/from/name").asText()).isEqualTo("Nurse Grace Okafor");
        assertThat(received.at("/data/message").asText()).isEqualTo("Need to add the 14:00 pain score");
        sharma.send("lock:answer_request", Map.of("resourceId", RID, "requestId", received.at("/data/requestId").asText(), "approve", true));
        assertThat(okafor.await("lock:request_answered").at("/data/approved").asBoolean()).isTrue();
        okafor.await("lock:acquired", d -> d.at("/lease/holder/userId").asText().equals("okafor"));
    }

    @Test
    void takeoverRequest_isForcedAtTheDeadline_andEmergencyIsImmediate() {
        var okafor = baton.connect("okafor");
        okafor.answer(okafor.send("resource:join", join("editor")));
        var johnson = baton.connect("johnson");
        johnson.answer(johnson.send("resource:join", join("viewer")));

        JsonNode noReason = johnson.answer(johnson.send("lock:takeover", Map.of("resourceId", RID, "emergency", false)));
        assertThat(noReason.at("/data/code").asText()).isEqualTo("REASON_REQUIRED");
        JsonNode pending = johnson.answer(johnson.send("lock:takeover", Map.of("resourceId", RID, "reason", "Emergency surgery update")));
        assertThat(pending.path("event").asText()).isEqualTo("lock:takeover_pending");
        assertThat(okafor.await("lock:takeover_requested").at("/data/reason").asText()).isEqualTo("Emergency surgery update");
        JsonNode objected = okafor.answer(okafor.send("lock:takeover_answer", Map.of("resourceId", RID, "approve", false)));
        assertThat(objected.path("event").asText()).isEqualTo("ok");
        assertThat(johnson.await("lock:takeover_denied").at("/data/holder/userId").asText())
                .as("the requester hears the objection (a decision that changes no state is still announced)").isEqualTo("okafor");
        baton.advance(Duration.ofSeconds(30));
        JsonNode displaced = okafor.await("lock:taken_by_admin");
        assertThat(displaced.at("/data/by/userId").asText()).isEqualTo("johnson");
        assertThat(displaced.at("/data/emergency").asBoolean()).isFalse();
        johnson.await("lock:acquired", d -> d.at("/lease/holder/userId").asText().equals("johnson"));

        var sharma = baton.connect("sharma");
        JsonNode emergency = sharma.answer(sharma.send("lock:takeover", Map.of("resourceId", RID, "reason", "Code blue", "emergency", true)));
        assertThat(emergency.path("event").asText()).isEqualTo("lock:acquired");
        assertThat(johnson.await("lock:taken_by_admin").at("/data/emergency").asBoolean()).isTrue();
        assertThat(johnson.await("lock:released", d -> d.path("reason").asText().equals("TAKEOVER")
                && d.at("/holder/userId").asText().equals("johnson")).at("/data/byReason").asText()).isEqualTo("Code blue");
    }

    @Test
    void disconnect_keepsTheLockForTheGrace_andReconnectWithTheSessionResumesIt() {
        var sharma = baton.connect("sharma");
        String sessionId = sharma.await("session:ready").at("/data/sessionId").asText();
        long fence = sharma.answer(sharma.send("resource:join", join("editor"))).at("/data/lease/fencingToken").asLong();
        var okafor = baton.connect("okafor");
        okafor.answer(okafor.send("resource:join", join("viewer")));

        sharma.abort();
        JsonNode gone = okafor.await("lock:holder_disconnected");
        assertThat(gone.at("/data/graceEndsAt").asText()).isEqualTo("2026-01-13T09:00:30Z");
        baton.advance(Duration.ofSeconds(20));

        var back = baton.connect("sharma", "?access_token=" + baton.token("sharma") + "&sessionId=" + sessionId);
        assertThat(back.await("session:ready").at("/data/sessionId").asText()).isEqualTo(sessionId);
        okafor.await("lock:holder_resumed");
        baton.advance(Duration.ofSeconds(30));
        JsonNode heartbeat = back.answer(back.send("lock:heartbeat", Map.of("resourceId", RID, "active", true)));
        assertThat(heartbeat.path("event").asText()).isEqualTo("lock:extended");
        assertThat(heartbeat.at("/data/lease/fencingToken").asLong()).isEqualTo(fence);
    }

    @Test
    void disconnect_pastTheGrace_releasesAndTellsEveryone() {
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", join("editor")));
        var okafor = baton.connect("okafor");
        okafor.answer(okafor.send("resource:join", join("viewer")));
        okafor.answer(okafor.send("queue:join", rid()));
        sharma.abort();
        okafor.await("lock:holder_disconnected");
        baton.advance(Duration.ofSeconds(30));
        assertThat(okafor.await("lock:released").at("/data/reason").asText()).isEqualTo("GRACE_PERIOD_EXPIRED");
        okafor.await("lock:acquired", d -> d.at("/lease/holder/userId").asText().equals("okafor"));
    }

    @Test
    void idleWarning_thenIdleTimeout() {
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", join("editor")));
        for (int minute = 1; minute <= 25; minute++) {
            baton.advance(Duration.ofMinutes(1));
            sharma.answer(sharma.send("lock:heartbeat", Map.of("resourceId", RID, "active", false)));
        }
        assertThat(sharma.await("lock:expiring").at("/data/idleExpiresAt").asText()).isEqualTo("2026-01-13T09:30:00Z");
        for (int minute = 26; minute <= 29; minute++) {
            baton.advance(Duration.ofMinutes(1));
            sharma.answer(sharma.send("lock:heartbeat", Map.of("resourceId", RID, "active", false)));
        }
        baton.advance(Duration.ofMinutes(1));
        assertThat(sharma.await("lock:released").at("/data/reason").asText()).isEqualTo("IDLE_TIMEOUT");
    }

    @Test
    void sameUserOtherTab_isToldSo_andMovesTheLockHere() {
        var tab1 = baton.connect("sharma");
        tab1.answer(tab1.send("resource:join", join("editor")));
        var tab2 = baton.connect("sharma");
        JsonNode told = tab2.answer(tab2.send("resource:join", join("editor")));
        assertThat(told.at("/data/code").asText()).isEqualTo("HELD_IN_OTHER_SESSION");
        JsonNode moved = tab2.answer(tab2.send("lock:move_here", rid()));
        assertThat(moved.at("/data/lease/fencingToken").asLong()).isEqualTo(2);
        assertThat(tab1.await("lock:released").at("/data/reason").asText()).isEqualTo("MOVED");
    }

    @Test
    void authenticationInTheFirstMessage_works_andOtherMessagesBeforeItClose() {
        var late = baton.connect("okafor", "");
        late.send("auth", Map.of("token", baton.token("okafor")));
        assertThat(late.await("session:ready").at("/data/userId").asText()).isEqualTo("okafor");

        var rude = baton.connect("chen", "");
        JsonNode refused = rude.answer(rude.send("resource:join", join("viewer")));
        assertThat(refused.at("/data/code").asText()).isEqualTo("UNAUTHENTICATED");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> rude.closeCode == 1008);
    }

    @Test
    void badMessages_getErrorsWithTheirRef_andChangeNothing() {
        var sharma = baton.connect("sharma");
        sharma.await("session:ready");
        assertThat(sharma.answer(sharma.send("no:such_event", rid())).at("/data/code").asText()).isEqualTo("UNKNOWN_EVENT");
        assertThat(sharma.answer(sharma.send("resource:join", Map.of("resourceId", "BAD ID", "mode", "editor"))).at("/data/code").asText())
                .isEqualTo("INVALID_RESOURCE_ID");
        assertThat(sharma.answer(sharma.send("resource:join", Map.of("resourceId", RID, "mode", "owner"))).at("/data/code").asText())
                .isEqualTo("INVALID_FIELD");
        sharma.sendRaw("not json");
        sharma.await("error", d -> d.path("code").asText().equals("INVALID_MESSAGE"));
        sharma.sendRaw("{\"event\":\"lock:release\",\"data\":[1],\"ref\":\"x1\"}");
        assertThat(sharma.answer("x1").at("/data/code").asText()).isEqualTo("INVALID_MESSAGE");
        var okafor = baton.connect("okafor");
        JsonNode notYours = okafor.answer(okafor.send("lock:release", Map.of("resourceId", RID, "leaseId", "guess")));
        assertThat(notYours.at("/data/code").asText()).isEqualTo("NOT_LOCK_HOLDER");
        assertThat(baton.call("GET", "/api/locks/check/patient/8f3c?child=allergies", baton.token("chen"), null).body().path("locked").asBoolean()).isFalse();
    }

    @Test
    void foreignOrMissingOrigins_andBadTokens_areRefusedAtTheUpgrade() {
        for (String origin : List.of("http://evil.example", "http://127.0.0.1.evil.example:" + baton.server.port(), "null")) {
            assertThat(upgradeFails(origin, "?access_token=" + baton.token("sharma"))).as(origin).isTrue();
        }
        assertThat(upgradeFails(null, "?access_token=" + baton.token("sharma"))).as("no Origin").isTrue();
        assertThat(upgradeFails(baton.origin(), "?access_token=forged.token.here")).isTrue();
        assertThat(upgradeFails(baton.origin(), "?access_token=" + baton.token("sharma"))).isFalse();
    }

    private boolean upgradeFails(String origin, String query) {
        var builder = baton.http.newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            WebSocket ws = builder.buildAsync(URI.create("ws://127.0.0.1:" + baton.server.port() + "/ws" + query), new WebSocket.Listener() { })
                    .get(5, TimeUnit.SECONDS);
            ws.abort();
            return false;
        } catch (ExecutionException | CompletionException e) {
            return true;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
