package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12.7: only configured resources can be locked. Record types (the demo's, or {@code BATON_RECORD_TYPES}) with
 * their sections, and the types the policy file ({@code BATON_CONFIG}) names; anything else is refused before a
 * lock row is written, unless {@code BATON_ALLOW_ANY_RESOURCE_TYPE} allows any type.
 */
class ResourceTypesTest {
    @TempDir
    Path dir;
    private TestBaton baton;

    @AfterEach
    void stop() {
        if (baton != null) {
            baton.close();
        }
    }

    private List<String> activeLocks() {
        return baton.call("GET", "/api/admin/locks", baton.token("rivera"), null).body().path("locks").findValuesAsText("resourceId");
    }

    @Test
    void unknownTypesAndSections_areRefused_overRestAndWebSocket_andLeaveNothingBehind() throws Exception {
        Path policies = Files.writeString(dir.resolve("policies.yaml"), "resourceTypes:\n  ward_note: {}\n");
        baton = new TestBaton(dir.resolve("data"), Map.of("BATON_CONFIG", policies.toString()));
        var nurse = baton.tab("okafor");
        var type = nurse.post("/api/locks/acquire", Map.of("resourceId", "unknowntype:x"));
        assertThat(type.status()).as("was 200").isEqualTo(400);
        assertThat(type.code()).isEqualTo("UNKNOWN_RESOURCE_TYPE");
        var section = nurse.post("/api/locks/acquire", Map.of("resourceId", "patient:x:nosuchsection"));
        assertThat(section.status()).as("was 200").isEqualTo(400);
        assertThat(section.code()).isEqualTo("UNKNOWN_SECTION");
        assertThat(nurse.post("/api/locks/queue/join", Map.of("resourceId", "unknowntype:y")).code()).isEqualTo("UNKNOWN_RESOURCE_TYPE");
        assertThat(nurse.post("/api/locks/view", Map.of("resourceId", "unknowntype:y")).code()).isEqualTo("UNKNOWN_RESOURCE_TYPE");
        assertThat(nurse.check("unknowntype", "x").code()).isEqualTo("UNKNOWN_RESOURCE_TYPE");
        var ws = baton.connect("chen");
        JsonNode join = ws.answer(ws.send("resource:join", Map.of("resourceId", "patient:x:nosuchsection", "mode", "viewer")));
        assertThat(join.at("/data/code").asText()).isEqualTo("UNKNOWN_SECTION");
        assertThat(ws.answer(ws.send("lock:request", Map.of("resourceId", "unknowntype:z"))).at("/data/code").asText()).isEqualTo("UNKNOWN_RESOURCE_TYPE");

        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "patient:x:allergies")).status()).as("a section of the type").isEqualTo(200);
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "catheter:x")).status()).as("a record type").isEqualTo(200);
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "ward_note:7:anything")).status())
                .as("a type named in the policy file, any child").isEqualTo(200);
        assertThat(activeLocks()).containsExactlyInAnyOrder("patient:x:allergies", "catheter:x:main", "ward_note:7:anything");
        try (var connection = baton.rawDatabase();
             var rows = connection.createStatement().executeQuery("select count(*) from lock_state where resource_id like 'unknowntype:%'"
                     + " or resource_id like '%:nosuchsection'")) {
            rows.next();
            assertThat(rows.getInt(1)).as("refused ids leave no lock_state row").isZero();
        }
    }

    @Test
    void recordTypesFile_replacesTheDemoTypes_andOnlyItsTypesCanBeLocked() throws Exception {
        Path types = Files.writeString(dir.resolve("types.yaml"), """
                recordTypes:
                  ward_note:
                    label: Ward note
                    fields:
                      - {name: body, type: text, required: true}
                      - {name: plan, type: text, section: plan}
                """);
        baton = new TestBaton(dir.resolve("data"), Map.of("BATON_RECORD_TYPES", types.toString()));
        JsonNode described = baton.call("GET", "/api/record-types", baton.token("okafor"), null).body().path("types");
        assertThat(described.fieldNames()).toIterable().containsExactly("ward_note");
        var nurse = baton.tab("okafor");
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "ward_note:1:plan")).status()).isEqualTo(200);
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "ward_note:1:other")).code()).isEqualTo("UNKNOWN_SECTION");
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "catheter:1")).code()).as("no longer a record type")
                .isEqualTo("UNKNOWN_RESOURCE_TYPE");
    }

    @Test
    void allowAnyResourceType_true_acceptsAnyWellFormedId() {
        baton = new TestBaton(dir.resolve("data"), Map.of("BATON_ALLOW_ANY_RESOURCE_TYPE", "true"));
        var nurse = baton.tab("okafor");
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "unknowntype:x")).status()).isEqualTo(200);
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "patient:x:nosuchsection")).status()).isEqualTo(200);
        assertThat(nurse.post("/api/locks/acquire", Map.of("resourceId", "Bad Id")).code()).as("still well-formed only")
                .isEqualTo("INVALID_RESOURCE_ID");
    }
}
