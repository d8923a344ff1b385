package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 items 1, 2 and 4 through the real server: a takeover says what is true about the displaced editor's draft,
 * the new editor learns that unsaved work exists (never its content), a displaced editor can leave a note afterwards,
 * and every user gets their own stable key for drafts kept in the browser.
 */
class TakeoverHonestyTest extends RunningBaton {
    static final String RID = "drug_regime:d-3001:main";

    static Map<String, Object> rid() {
        return Map.of("resourceId", RID);
    }

    @Test
    void issue13_takeover_withoutADraft_saysNoDraftIsKept() {
        var chen = baton.connect("chen");
        chen.answer(chen.send("resource:join", Map.of("resourceId", RID, "mode", "editor")));
        var johnson = baton.connect("johnson");
        JsonNode taken = johnson.answer(johnson.send("lock:takeover", Map.of("resourceId", RID, "reason", "hypotension", "emergency", true)));
        assertThat(taken.path("event").asText()).isEqualTo("lock:acquired");

        JsonNode displaced = chen.await("lock:taken_by_admin").path("data");
        assertThat(displaced.path("draftKept").asBoolean()).as("the holder never autosaved: no draft exists").isFalse();
        assertThat(displaced.has("draftUrl")).isFalse();
        JsonNode told = johnson.await("lock:displaced_draft").path("data");
        assertThat(told.at("/owner/userId").asText()).isEqualTo("chen");
        assertThat(told.path("draftKept").asBoolean()).isFalse();
        JsonNode note = chen.await("notification", d -> d.path("type").asText().equals("lock_override")).path("data");
        assertThat(note.path("message").asText()).contains("No draft of yours was on the server").doesNotContain("Your draft is kept");
    }

    @Test
    void issue13_takeover_withADraft_saysWhenItWasSaved_andTheNewEditorHearsOfLaterSaves() {
        var chen = baton.connect("chen");
        chen.answer(chen.send("resource:join", Map.of("resourceId", RID, "mode", "editor")));
        chen.answer(chen.send("draft:save", Map.of("resourceId", RID, "data", Map.of("fields", Map.of("notes", "bolus at 14:02")), "baseVersion", 1)));
        baton.advance(Duration.ofSeconds(42));
        var johnson = baton.connect("johnson");
        johnson.answer(johnson.send("lock:takeover", Map.of("resourceId", RID, "reason", "hypotension", "emergency", true)));

        JsonNode displaced = chen.await("lock:taken_by_admin").path("data");
        assertThat(displaced.path("draftKept").asBoolean()).isTrue();
        assertThat(displaced.path("draftAgeSeconds").asLong()).isEqualTo(42);
        assertThat(displaced.path("draftSavedAt").asText()).isEqualTo(baton.clock.instant().minusSeconds(42).toString());
        assertThat(displaced.path("draftUrl").asText()).isEqualTo("/api/autosave/restore/drug_regime/d-3001");
        JsonNode told = johnson.await("lock:displaced_draft").path("data");
        assertThat(told.path("draftKept").asBoolean()).isTrue();
        assertThat(told.path("draftAgeSeconds").asLong()).isEqualTo(42);
        assertThat(told.toString()).as("the content stays the owner's").doesNotContain("bolus");

        johnson.clear();
        baton.advance(Duration.ofSeconds(1));
        chen.answer(chen.send("draft:save", Map.of("resourceId", RID, "data", Map.of("fields", Map.of("notes", "bolus at 14:02, rate 4")))));
        JsonNode later = johnson.await("lock:displaced_draft").path("data");
        assertThat(later.path("draftSavedAt").asText()).isEqualTo(baton.clock.instant().toString());
        assertThat(later.path("draftAgeSeconds").asLong()).isZero();

        johnson.clear();
        johnson.answer(johnson.send("draft:save", Map.of("resourceId", RID, "data", Map.of("fields", Map.of()))));
        assertThat(johnson.events()).as("the holder's own draft is no news to them").doesNotContain("lock:displaced_draft");
    }

    @Test
    void issue13_displacedEditor_leavesANote_forTheNewEditor_overWebSocketAndRest() {
        var chen = baton.connect("chen");
        JsonNode lease = chen.answer(chen.send("resource:join", Map.of("resourceId", RID, "mode", "editor"))).at("/data/lease");
        var johnson = baton.connect("johnson");
        johnson.answer(johnson.send("lock:takeover", Map.of("resourceId", RID, "reason", "hypotension", "emergency", true)));
        chen.await("lock:taken_by_admin");

        JsonNode ok = chen.answer(chen.send("lock:leave_note", Map.of("resourceId", RID, "leaseId", lease.path("leaseId").asText(),
                "note", "Bolus given 14:02, not yet charted")));
        assertThat(ok.path("event").asText()).isEqualTo("ok");
        JsonNode note = johnson.await("lock:note_left").path("data");
        assertThat(note.path("note").asText()).isEqualTo("Bolus given 14:02, not yet charted");
        assertThat(note.at("/from/name").asText()).isEqualTo("Dr. Mei Chen");

        JsonNode refused = johnson.answer(johnson.send("lock:leave_note", Map.of("resourceId", RID, "leaseId", "guessed", "note", "hi")));
        assertThat(refused.at("/data/code").asText()).isEqualTo("NOTE_NOT_ALLOWED");

        var rest = baton.call("POST", "/api/locks/leave-note", baton.token("chen"),
                Map.of("resourceId", RID, "leaseId", lease.path("leaseId").asText(), "note", "and the pump was re-primed"));
        assertThat(rest.status()).isEqualTo(200);
        johnson.await("lock:note_left", d -> d.path("note").asText().contains("re-primed"));
        var audit = baton.call("GET", "/api/admin/audit?action=HANDOVER_NOTE&format=json", baton.token("rivera"), null);
        assertThat(audit.body().path("entries").size()).isEqualTo(2);
        assertThat(baton.call("POST", "/api/locks/leave-note", baton.token("chen"), Map.of("resourceId", RID, "note", "x")).code())
                .isEqualTo("INVALID_FIELD");
    }

    @Test
    void issue13_localDraftKey_isPerUser_stableAcrossRestarts_andNeverCached() {
        var first = baton.call("GET", "/api/autosave/local-key", baton.token("sharma"), null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        String sharmaKey = first.body().path("key").asText();
        assertThat(java.util.Base64.getUrlDecoder().decode(sharmaKey)).hasSize(32);
        String okaforKey = baton.call("GET", "/api/autosave/local-key", baton.token("okafor"), null).body().path("key").asText();
        assertThat(okaforKey).isNotEqualTo(sharmaKey);
        assertThat(baton.call("GET", "/api/autosave/local-key", null, null).status()).isEqualTo(401);

        baton.close();
        baton = new TestBaton(dir, Map.of());
        assertThat(baton.call("GET", "/api/autosave/local-key", baton.token("sharma"), null).body().path("key").asText())
                .as("the same user gets the same key after a restart").isEqualTo(sharmaKey);
    }

    @Test
    void clientConfig_namesTheLongestMessage() {
        var config = baton.call("GET", "/api/client-config", baton.token("okafor"), null).body();
        assertThat(config.path("maxMessageLength").asInt()).isEqualTo(280);
    }
}
