package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A per-type viewer limit ({@code maxViewersPerChild}) through the real server (issues 12.10 and 13.9): a refused
 * viewer gets {@code VIEWER_LIMIT}, hears nothing of the record afterwards, and cannot read it through the records
 * API either, until a place is free.
 */
class ViewerLimitTest {
    @TempDir
    Path dir;
    private TestBaton baton;

    @BeforeEach
    void start() throws Exception {
        Path policies = Files.writeString(dir.resolve("policies.yaml"), "resourceTypes:\n  patient:\n    maxViewersPerChild: 1\n");
        baton = new TestBaton(dir.resolve("data"), Map.of("BATON_CONFIG", policies.toString()));
    }

    @AfterEach
    void stop() {
        baton.close();
    }

    @Test
    void aRefusedViewer_receivesNoEvents_andCannotReadTheRecordByAnotherDoor() {
        var okafor = baton.connect("okafor");
        assertThat(okafor.answer(okafor.send("resource:join", Map.of("resourceId", "patient:p-1001", "mode", "viewer"))).path("event").asText())
                .isEqualTo("ok");
        var chen = baton.connect("chen");
        JsonNode refused = chen.answer(chen.send("resource:join", Map.of("resourceId", "patient:p-1001", "mode", "viewer")));
        assertThat(refused.at("/data/code").asText()).isEqualTo("VIEWER_LIMIT");
        assertThat(refused.at("/data/status").asInt()).isEqualTo(409);

        var sharma = baton.connect("sharma");
        sharma.answer(sharma.send("resource:join", Map.of("resourceId", "patient:p-1001", "mode", "editor")));
        okafor.await("lock:acquired", d -> d.at("/lease/holder/userId").asText().equals("sharma"));
        chen.sync();
        assertThat(chen.received).as("was: the refused session still received the record's events")
                .noneMatch(m -> m.at("/data/resourceId").asText().equals("patient:p-1001:main") && !m.has("ref"));

        var chenRest = baton.tab("chen");
        var read = chenRest.call("GET", "/api/records/patient/p-1001", null);
        assertThat(read.status()).as("was 200").isEqualTo(409);
        assertThat(read.code()).isEqualTo("VIEWER_LIMIT");
        assertThat(chenRest.call("GET", "/api/records/patient/p-1001/history", null).code()).isEqualTo("VIEWER_LIMIT");
        assertThat(chenRest.post("/api/locks/view", Map.of("resourceId", "patient:p-1001")).code()).isEqualTo("VIEWER_LIMIT");
        JsonNode list = chenRest.call("GET", "/api/records/patient", null).body().path("items");
        assertThat(list.size()).isPositive();
        assertThat(list.get(0).has("fields")).as("the list of a viewer-limited type shows no field values").isFalse();
        assertThat(baton.tab("okafor").call("GET", "/api/records/patient/p-1001", null).status()).as("a viewer reads it").isEqualTo(200);
        assertThat(baton.tab("sharma").call("GET", "/api/records/patient/p-1001", null).status()).as("the editor reads it").isEqualTo(200);

        okafor.answer(okafor.send("resource:leave", Map.of("resourceId", "patient:p-1001")));
        assertThat(chenRest.call("GET", "/api/records/patient/p-1001", null).status()).as("a place is free").isEqualTo(200);
        assertThat(baton.tab("chen").call("GET", "/api/records/catheter/c-2001", null).status()).as("other types are not limited").isEqualTo(200);
    }
}
