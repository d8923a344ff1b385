package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The queue and "ask the holder" through the real server, REST and WebSocket: issue 12.3 (a free record is never
 * blocked by someone who cannot take it; queue places per user are capped), 12.6 (one ask per user, not per tab)
 * and 13.3 (a queue you can see: live positions, lock_available, followers' notifications, expiry).
 */
class QueueRulesTest extends RunningBaton {

    private void holdFive(TestBaton.RestTab tab) {
        for (int i = 1; i <= 5; i++) {
            assertThat(tab.post("/api/locks/acquire", Map.of("resourceId", "catheter:" + i)).status()).isEqualTo(200);
        }
    }

    @Test
    void issue12_3_aUserAtTheLockLimit_whoJoinsTheQueueOfAFreeRecord_isRefused_andEveryoneElseCanStillTakeIt() {
        var okafor = baton.tab("okafor");
        holdFive(okafor);
        var joined = okafor.post("/api/locks/queue/join", Map.of("resourceId", "catheter:9"));
        assertThat(joined.status()).as("was 202 'queued, position 0' and blocked the record").isEqualTo(409);
        assertThat(joined.code()).isEqualTo("MAX_LOCKS_EXCEEDED");
        var chen = baton.tab("chen");
        var taken = chen.post("/api/locks/acquire", Map.of("resourceId", "catheter:9"));
        assertThat(taken.status()).as("was 409 LOCK_HELD with no holder").isEqualTo(200);
        var check = chen.check("catheter", "9");
        assertThat(check.body().path("locked").asBoolean()).isTrue();
        assertThat(check.body().at("/holder/userId").asText()).isEqualTo("chen");
    }

    @Test
    void issue12_3_withoutAutoAcquire_reJoiningAfterEachMissedTurn_neverBlocksAFreeRecord() {
        baton.close();
        baton = new TestBaton(dir.resolve("manual"), Map.of("QUEUE_AUTO_ACQUIRE", "false"));
        var okafor = baton.tab("okafor");
        holdFive(okafor);
        for (int round = 0; round < 3; round++) {
            assertThat(okafor.post("/api/locks/queue/join", Map.of("resourceId", "catheter:9")).code()).isEqualTo("MAX_LOCKS_EXCEEDED");
            assertThat(okafor.check("catheter", "9").body().at("/queue/yourTurn").asBoolean()).as("never offered a lock it cannot take").isFalse();
            baton.advance(Duration.ofSeconds(31));
        }
        assertThat(baton.tab("chen").post("/api/locks/acquire", Map.of("resourceId", "catheter:9")).status()).isEqualTo(200);
    }

    @Test
    void issue12_3_aWaiterAtTheLockLimit_isPassedOver_overTheWebSocket_andKeepsThePlace() {
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", Map.of("resourceId", "catheter:9", "mode", "editor")));
        var okafor = baton.connect("okafor");
        assertThat(okafor.answer(okafor.send("queue:join", Map.of("resourceId", "catheter:9"))).at("/data/position").asInt()).isEqualTo(1);
        var chen = baton.connect("chen");
        assertThat(chen.answer(chen.send("queue:join", Map.of("resourceId", "catheter:9"))).at("/data/position").asInt()).isEqualTo(2);
        for (int i = 1; i <= 5; i++) {
            assertThat(okafor.answer(okafor.send("lock:request", Map.of("resourceId", "catheter:" + i))).path("event").asText())
                    .isEqualTo("lock:acquired");
        }
        JsonNode refused = okafor.answer(okafor.send("queue:join", Map.of("resourceId", "catheter:10")));
        assertThat(refused.at("/data/code").asText()).as("joining a free record at the limit").isEqualTo("MAX_LOCKS_EXCEEDED");

        sharma.send("lock:release", Map.of("resourceId", "catheter:9"));
        chen.await("lock:acquired", d -> d.at("/lease/holder/userId").asText().equals("chen") && d.path("yours").asBoolean());
        var queue = baton.call("GET", "/api/locks/queue/catheter/9", baton.token("rivera"), null).body().path("entries");
        assertThat(queue.findValuesAsText("userId")).containsExactly("okafor");
    }

    @Test
    void issue12_3_queuePlacesPerUser_areCapped_byDefaultAtTheLockLimit() {
        baton.close();
        baton = new TestBaton(dir.resolve("two"), Map.of("BATON_MAX_LOCKS_PER_USER", "2"));
        var sharma = baton.tab("sharma");
        sharma.post("/api/locks/acquire", Map.of("resourceId", "catheter:1"));
        sharma.post("/api/locks/acquire", Map.of("resourceId", "catheter:2"));
        baton.tab("chen").post("/api/locks/acquire", Map.of("resourceId", "catheter:3"));
        var okafor = baton.tab("okafor");
        assertThat(okafor.post("/api/locks/queue/join", Map.of("resourceId", "catheter:1")).status()).isEqualTo(202);
        assertThat(okafor.post("/api/locks/acquire", Map.of("resourceId", "catheter:2", "queue", true)).status()).isEqualTo(202);
        var third = okafor.post("/api/locks/queue/join", Map.of("resourceId", "catheter:3"));
        assertThat(third.status()).isEqualTo(409);
        assertThat(third.code()).isEqualTo("MAX_QUEUES_EXCEEDED");
        var ws = baton.connect("okafor");
        assertThat(ws.answer(ws.send("queue:join", Map.of("resourceId", "catheter:3"))).at("/data/code").asText()).isEqualTo("MAX_QUEUES_EXCEEDED");
        assertThat(okafor.call("DELETE", "/api/locks/queue/leave", Map.of("resourceId", "catheter:1")).status()).isEqualTo(200);
        assertThat(okafor.post("/api/locks/queue/join", Map.of("resourceId", "catheter:3")).status()).isEqualTo(202);
    }

    @Test
    void issue12_6_fiftyTabsOfOneNurse_promptTheHolderOnce() {
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", Map.of("resourceId", "catheter:4", "mode", "editor")));
        List<Integer> statuses = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int tab = 0; tab < 45; tab++) {
            var reply = baton.tab("okafor").post("/api/locks/ask-holder", Map.of("resourceId", "catheter:4", "message", "Pain score due"));
            statuses.add(reply.status());
            codes.add(reply.code());
        }
        for (int tab = 0; tab < 5; tab++) {
            var ws = baton.connect("okafor");
            JsonNode answer = ws.answer(ws.send("lock:ask_holder", Map.of("resourceId", "catheter:4", "message", "Pain score due")));
            codes.add(answer.at("/data/code").asText());
        }
        assertThat(statuses.get(0)).isEqualTo(202);
        assertThat(statuses.subList(1, statuses.size())).containsOnly(409);
        assertThat(codes.subList(1, codes.size())).containsOnly("REQUEST_PENDING");
        sharma.sync();
        assertThat(sharma.count("lock:request_received", d -> true)).as("was 50").isEqualTo(1);
        var chen = baton.tab("chen").post("/api/locks/ask-holder", Map.of("resourceId", "catheter:4", "message", "me too"));
        assertThat(chen.status()).as("another user may still ask").isEqualTo(202);
    }

    @Test
    void issue13_3_everyoneBehind_seesTheirPlaceAndWaitChange_whenSomeoneAheadLeavesIsServedOrTimesOut() {
        baton.close();
        baton = new TestBaton(dir.resolve("timeout"), Map.of("QUEUE_TIMEOUT", "600", "BATON_LEASE_TTL", "3600"));
        String rid = "catheter:7";
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", Map.of("resourceId", rid, "mode", "editor")));
        var okafor = baton.connect("okafor");
        var chen = baton.connect("chen");
        var johnson = baton.connect("johnson");
        var lindqvist = baton.connect("lindqvist");
        okafor.answer(okafor.send("queue:join", Map.of("resourceId", rid)));
        baton.advance(Duration.ofMinutes(5));
        chen.answer(chen.send("queue:join", Map.of("resourceId", rid)));
        JsonNode third = johnson.answer(johnson.send("queue:join", Map.of("resourceId", rid)));
        assertThat(third.at("/data/position").asInt()).isEqualTo(3);
        assertThat(third.at("/data/estimatedWaitSeconds").asLong()).as("three places of the default 5-minute hold").isEqualTo(900);
        lindqvist.answer(lindqvist.send("queue:join", Map.of("resourceId", rid)));

        okafor.send("queue:leave", Map.of("resourceId", rid));
        JsonNode moved = chen.await("queue:position", d -> d.path("position").asInt() == 1);
        assertThat(moved.at("/data/resourceId").asText()).isEqualTo("catheter:7:main");
        assertThat(moved.at("/data/estimatedWaitSeconds").asLong()).isEqualTo(300);
        johnson.await("queue:position", d -> d.path("position").asInt() == 2 && d.path("estimatedWaitSeconds").asLong() == 600);

        sharma.send("lock:release", Map.of("resourceId", rid));
        chen.await("lock:acquired", d -> d.path("yours").asBoolean());
        JsonNode served = johnson.await("queue:position", d -> d.path("position").asInt() == 1);
        assertThat(served.at("/data/estimatedWaitSeconds").asLong()).as("the hold just measured: 5 min").isEqualTo(300);
        lindqvist.await("queue:position", d -> d.path("position").asInt() == 2);

        baton.advance(Duration.ofMinutes(10)); // johnson and lindqvist joined 10 min ago: their places expire
        johnson.await("queue:left", d -> d.path("reason").asText().equals("EXPIRED"));
        lindqvist.await("queue:left", d -> d.path("reason").asText().equals("EXPIRED"));
        assertThat(baton.call("GET", "/api/locks/queue/catheter/7", baton.token("rivera"), null).body().path("entries").size()).isZero();
    }

    @Test
    void issue13_3_lockAvailable_tellsTheQueuedUser_theyHaveTheRecordNow_evenWithAutoAcquire() {
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", Map.of("resourceId", "catheter:8", "mode", "editor")));
        var okafor = baton.connect("okafor");
        okafor.answer(okafor.send("queue:join", Map.of("resourceId", "catheter:8")));
        sharma.send("lock:release", Map.of("resourceId", "catheter:8"));
        JsonNode note = okafor.await("notification", d -> d.path("type").asText().equals("lock_available"));
        assertThat(note.at("/data/message").asText()).contains("you have catheter:8:main now");
        assertThat(note.at("/data/resourceId").asText()).isEqualTo("catheter:8:main");
    }

    @Test
    void issue13_3_followersOfARecord_areToldWhenSomeoneStartsAndFinishesEditing_liveAndInTheInbox() {
        var viewer = baton.connect("lindqvist");
        viewer.answer(viewer.send("resource:join", Map.of("resourceId", "patient:p-1", "mode", "viewer")));
        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", Map.of("resourceId", "patient:p-1", "mode", "editor")));
        var waiting = baton.tab("chen");
        assertThat(waiting.post("/api/locks/queue/join", Map.of("resourceId", "patient:p-1")).status()).isEqualTo(202);
        JsonNode started = viewer.await("notification", d -> d.path("type").asText().equals("lock_acquired"));
        assertThat(started.at("/data/message").asText()).isEqualTo("Dr. Priya Sharma started editing patient:p-1:main.");

        sharma.send("lock:release", Map.of("resourceId", "patient:p-1"));
        JsonNode finished = viewer.await("notification", d -> d.path("type").asText().equals("lock_released"));
        assertThat(finished.at("/data/message").asText()).isEqualTo("Dr. Priya Sharma finished editing patient:p-1:main.");
        viewer.await("notification", d -> d.path("message").asText().equals("Dr. Mei Chen started editing patient:p-1:main."));
        JsonNode chenInbox = waiting.call("GET", "/api/notifications", null).body().path("notifications");
        assertThat(chenInbox.findValuesAsText("type")).as("the waiter was told it is their turn, once").containsExactly("lock_available");
        sharma.await("notification", d -> d.path("message").asText().equals("Dr. Mei Chen started editing patient:p-1:main."));
        sharma.sync();
        assertThat(sharma.count("notification", d -> d.path("message").asText().startsWith("Dr. Priya Sharma")))
                .as("the editor is not told about their own editing (only, as a viewer now, about the next editor)").isZero();
    }

    @Test
    void issue12_10_upgradeModeDeny_refusesQueueingByRestQueueTrue_queueJoin_andTheWebSocket() throws Exception {
        baton.close();
        java.nio.file.Path policies = java.nio.file.Files.writeString(dir.resolve("deny.yaml"), "resourceTypes:\n  catheter:\n    upgradeMode: deny\n");
        baton = new TestBaton(dir.resolve("deny"), Map.of("BATON_CONFIG", policies.toString()));
        baton.tab("sharma").post("/api/locks/acquire", Map.of("resourceId", "catheter:5"));
        var okafor = baton.tab("okafor");
        var queueTrue = okafor.post("/api/locks/acquire", Map.of("resourceId", "catheter:5", "queue", true));
        assertThat(queueTrue.status()).as("was 202 queued").isEqualTo(409);
        assertThat(queueTrue.code()).isEqualTo("LOCK_HELD");
        assertThat(queueTrue.body().at("/holder/userId").asText()).isEqualTo("sharma");
        assertThat(okafor.post("/api/locks/queue/join", Map.of("resourceId", "catheter:5")).code()).as("was 202 queued").isEqualTo("LOCK_HELD");
        var ws = baton.connect("chen");
        assertThat(ws.answer(ws.send("queue:join", Map.of("resourceId", "catheter:5"))).path("event").asText()).isEqualTo("lock:denied");
        assertThat(baton.call("GET", "/api/locks/queue/catheter/5", baton.token("rivera"), null).body().path("entries").size()).isZero();
    }

    @Test
    void issue13_9_aRestClient_readsItsPlaceAndEstimatedWait_fromCheck() {
        var sharma = baton.tab("sharma");
        String leaseId = sharma.post("/api/locks/acquire", Map.of("resourceId", "catheter:6")).body().at("/lease/leaseId").asText();
        baton.tab("okafor").post("/api/locks/queue/join", Map.of("resourceId", "catheter:6"));
        var chen = baton.tab("chen");
        var joined = chen.post("/api/locks/queue/join", Map.of("resourceId", "catheter:6"));
        assertThat(joined.body().path("position").asInt()).isEqualTo(2);
        assertThat(joined.body().path("estimatedWaitSeconds").asLong()).as("two places of the default 5-minute hold").isEqualTo(600);
        baton.advance(Duration.ofMinutes(2));
        sharma.post("/api/locks/release", Map.of("resourceId", "catheter:6", "leaseId", leaseId));
        JsonNode queue = chen.check("catheter", "6").body().path("queue");
        assertThat(queue.path("position").asInt()).isEqualTo(1);
        assertThat(queue.path("estimatedWaitSeconds").asLong()).as("one place of the hold just measured: 2 min").isEqualTo(120);
    }
}
