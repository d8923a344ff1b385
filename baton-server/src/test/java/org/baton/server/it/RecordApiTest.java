package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Versioned records, guarded saves, drafts and merges over the real HTTP API (SPEC features 10-12, 24). */
class RecordApiTest extends RunningBaton {

    /** A REST editor: one session, the lease it holds. */
    final class Editor {
        final String user;
        final String token;
        String session;
        String leaseId;
        long fence;

        Editor(String user) {
            this.user = user;
            this.token = baton.token(user);
        }

        TestBaton.Reply call(String method, String path, Object body, Map<String, String> headers) {
            Map<String, String> all = new HashMap<>(headers);
            if (session != null) {
                all.put("X-Session-Id", session);
            }
            TestBaton.Reply reply = baton.call(method, path, token, body, all);
            reply.raw().headers().firstValue("X-Session-Id").ifPresent(s -> session = s);
            return reply;
        }

        TestBaton.Reply call(String method, String path, Object body) {
            return call(method, path, body, Map.of());
        }

        TestBaton.Reply acquire(String resourceId) {
            TestBaton.Reply reply = call("POST", "/api/locks/acquire", Map.of("resourceId", resourceId));
            if (reply.status() == 200) {
                leaseId = reply.body().at("/lease/leaseId").asText();
                fence = reply.body().at("/lease/fencingToken").asLong();
            }
            return reply;
        }

        TestBaton.Reply save(String path, long version, Map<String, Object> fields) {
            Map<String, String> headers = new HashMap<>(Map.of("If-Match", "\"" + version + "\""));
            if (leaseId != null) {
                headers.put("X-Lease-Id", leaseId);
            }
            return call("PUT", path, Map.of("fields", fields), headers);
        }
    }

    @Test
    void recordTypes_describeTheFiveDemoTypes_withClinicalFields() {
        JsonNode types = baton.call("GET", "/api/record-types", baton.token("chen"), null).body().path("types");
        assertThat(types.fieldNames()).toIterable().containsExactly("patient", "catheter", "drug_regime", "functional_outcome", "catheter_removal");
        assertThat(types.at("/drug_regime/fields/dose_mg/clinical").asBoolean()).isTrue();
        assertThat(types.at("/patient/sections").toString()).contains("allergies");
        assertThat(baton.call("GET", "/api/records/patient", baton.token("chen"), null).body().path("items").size()).isEqualTo(3);
    }

    @Test
    void create_read_guardedSave_history() {
        Editor chen = new Editor("chen");
        var created = chen.call("POST", "/api/records/catheter", Map.of("fields", Map.of("patient_id", "p-1001", "catheter_type", "epidural",
                "site", "L3-4")));
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().path("id").asText();
        assertThat(created.raw().headers().firstValue("Location")).hasValue("/api/records/catheter/" + id);
        var read = chen.call("GET", "/api/records/catheter/" + id, null);
        assertThat(read.raw().headers().firstValue("ETag")).hasValue("\"1\"");

        chen.acquire("catheter:" + id);
        var saved = chen.save("/api/records/catheter/" + id, 1, Map.of("depth_cm", 9.5, "notes", "secured"));
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.raw().headers().firstValue("ETag")).hasValue("\"2\"");
        assertThat(saved.body().at("/fields/site").asText()).as("a save is a patch on its base").isEqualTo("L3-4");
        assertThat(saved.body().at("/fields/depth_cm").asDouble()).isEqualTo(9.5);

        JsonNode history = chen.call("GET", "/api/records/catheter/" + id + "/history", null).body().path("versions");
        assertThat(history).hasSize(2);
        assertThat(history.get(1).path("updatedBy").asText()).isEqualTo("chen");
        assertThat(history.get(1).path("fencingToken").asLong()).isEqualTo(chen.fence);
        assertThat(chen.call("POST", "/api/records/catheter", Map.of("id", id, "fields", Map.of("patient_id", "x", "catheter_type", "epidural",
                "site", "x"))).code()).isEqualTo("RECORD_EXISTS");
    }

    @Test
    void saves_refuseWithoutIfMatch_withoutTheLease_andOnAStaleVersion() {
        Editor chen = new Editor("chen");
        String path = "/api/records/drug_regime/d-3001";
        var noIfMatch = chen.call("PUT", path, Map.of("fields", Map.of("notes", "x")));
        assertThat(noIfMatch.status()).isEqualTo(428);
        assertThat(chen.call("PUT", path, Map.of("fields", Map.of("notes", "x")), Map.of("If-Match", "*")).status()).isEqualTo(428);
        var noLease = chen.save(path, 1, Map.of("notes", "x"));
        assertThat(noLease.status()).isEqualTo(423);
        assertThat(noLease.code()).isEqualTo("NOT_LOCK_HOLDER");

        Editor sharma = new Editor("sharma");
        sharma.acquire("drug_regime:d-3001");
        chen.leaseId = sharma.leaseId;
        assertThat(chen.save(path, 1, Map.of("notes", "x")).code()).as("another user's lease id").isEqualTo("NOT_LOCK_HOLDER");

        assertThat(sharma.save(path, 1, Map.of("notes", "first")).status()).isEqualTo(200);
        var stale = sharma.save(path, 1, Map.of("notes", "second", "prescriber", "Dr. Priya Sharma"));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.code()).isEqualTo("VERSION_CONFLICT");
        assertThat(stale.body().at("/current/version").asLong()).isEqualTo(2);
        assertThat(stale.body().at("/merge/theirsVersion").asLong()).isEqualTo(2);
        assertThat(stale.body().at("/merge/conflicts/0/field").asText()).isEqualTo("notes");
        assertThat(stale.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(chen.call("GET", path, null).body().path("version").asLong()).isEqualTo(2);
    }

    @Test
    void aHolderWhoseLeaseLapsedWhilePaused_cannotOverwrite_evenWithTheRightVersion() {
        Editor chen = new Editor("chen");
        chen.acquire("catheter:c-2001");
        baton.advance(Duration.ofMinutes(6));
        var late = chen.save("/api/records/catheter/c-2001", 1, Map.of("notes", "written after a long pause"));
        assertThat(late.status()).isEqualTo(423);
        assertThat(late.code()).isIn("LEASE_EXPIRED", "NOT_LOCK_HOLDER");
        var record = chen.call("GET", "/api/records/catheter/c-2001", null).body();
        assertThat(record.path("version").asLong()).isEqualTo(1);
        assertThat(record.at("/fields/notes").isMissingNode()).isTrue();
    }

    @Test
    void guardEndpoint_verifiesALeaseAndFence_forOtherApplications() {
        Editor chen = new Editor("chen");
        chen.acquire("catheter:c-2002");
        var ok = chen.call("POST", "/api/guard/verify", Map.of("resourceId", "catheter:c-2002", "leaseId", chen.leaseId, "fencingToken", chen.fence));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().path("fencingToken").asLong()).isEqualTo(chen.fence);
        Editor sharma = new Editor("sharma");
        sharma.call("POST", "/api/locks/force-release", Map.of("resourceId", "catheter:c-2002", "emergency", true, "reason", "bleeding at site"));
        var stale = chen.call("POST", "/api/guard/verify", Map.of("resourceId", "catheter:c-2002", "leaseId", chen.leaseId, "fencingToken", chen.fence));
        assertThat(stale.status()).isEqualTo(423);
        assertThat(stale.code()).isEqualTo("STALE_FENCING_TOKEN");
    }

    @Test
    void autosave_restoresInANewSession_isDeletedOnSave_andExpiresAfterTheRetention() {
        Editor okafor = new Editor("okafor");
        var saved = okafor.call("POST", "/api/autosave/save", Map.of("resourceId", "functional_outcome:f-4001",
                "data", Map.of("fields", Map.of("pain_at_rest", 4)), "baseVersion", 1));
        assertThat(saved.status()).isEqualTo(200);

        Editor afterCrash = new Editor("okafor");
        var restored = afterCrash.call("GET", "/api/autosave/restore/functional_outcome/f-4001", null);
        assertThat(restored.status()).isEqualTo(200);
        assertThat(restored.body().at("/data/fields/pain_at_rest").asInt()).isEqualTo(4);
        assertThat(restored.body().path("baseVersion").asLong()).isEqualTo(1);
        assertThat(new Editor("chen").call("GET", "/api/autosave/restore/functional_outcome/f-4001", null).status())
                .as("drafts are private").isEqualTo(404);

        afterCrash.acquire("functional_outcome:f-4001");
        assertThat(afterCrash.save("/api/records/functional_outcome/f-4001", 1, Map.of("pain_at_rest", 4)).status()).isEqualTo(200);
        assertThat(afterCrash.call("GET", "/api/autosave/restore/functional_outcome/f-4001", null).status())
                .as("a successful save deletes the saver's draft").isEqualTo(404);

        okafor.call("POST", "/api/autosave/save", Map.of("resourceId", "patient:p-1002", "data", Map.of("fields", Map.of("bed", "4"))));
        baton.advance(Duration.ofHours(23));
        okafor = new Editor("okafor");
        assertThat(okafor.call("GET", "/api/autosave/restore/patient/p-1002", null).status()).isEqualTo(200);
        baton.advance(Duration.ofHours(2));
        okafor = new Editor("okafor");
        assertThat(okafor.call("GET", "/api/autosave/restore/patient/p-1002", null).status()).isEqualTo(404);
        assertThat(okafor.call("GET", "/api/autosave/mine", null).body().path("drafts")).as("housekeeping deleted it").isEmpty();
    }

    @Test
    void draftSave_overTheWebSocket_isRestorableOverRest() {
        var ws = baton.connect("lindqvist");
        ws.await("session:ready");
        String ref = ws.send("draft:save", Map.of("resourceId", "catheter:c-2001", "data", Map.of("fields", Map.of("notes", "dressing dry")),
                "baseVersion", 1));
        assertThat(ws.answer(ref).path("event").asText()).isEqualTo("draft:saved");
        var restored = baton.call("GET", "/api/autosave/restore/catheter/c-2001", baton.token("lindqvist"), null);
        assertThat(restored.body().at("/data/fields/notes").asText()).isEqualTo("dressing dry");
        String bad = ws.send("draft:save", Map.of("resourceId", "catheter:c-2001", "data", "not an object"));
        assertThat(ws.answer(bad).at("/data/code").asText()).isEqualTo("INVALID_FIELD");
    }

    @Test
    void seed000OverrideScenario_aKeepsTheDraft_bSaves_aGetsAMergeThatKeepsHerFields() {
        String path = "/api/records/drug_regime/d-3001";
        Editor chen = new Editor("chen");
        chen.acquire("drug_regime:d-3001");
        chen.call("POST", "/api/autosave/save", Map.of("resourceId", "drug_regime:d-3001", "baseVersion", 1,
                "data", Map.of("fields", Map.of("notes", "pain 6/10 on coughing, review at 14:00", "rate_ml_h", 8.0, "bolus_ml", 4.0))));

        Editor sharma = new Editor("sharma");
        var takeover = sharma.call("POST", "/api/locks/force-release", Map.of("resourceId", "drug_regime:d-3001", "emergency", true,
                "reason", "hypotension, stopping the infusion rate"));
        assertThat(takeover.status()).isEqualTo(200);
        sharma.leaseId = takeover.body().at("/lease/leaseId").asText();
        assertThat(sharma.save(path, 1, Map.of("rate_ml_h", 4.0, "prescriber", "Dr. Priya Sharma")).status()).isEqualTo(200);
        assertThat(chen.save(path, 1, Map.of("notes", "too late")).code()).as("the displaced holder cannot write").isIn("NOT_LOCK_HOLDER",
                "STALE_FENCING_TOKEN");
        sharma.call("POST", "/api/locks/release", Map.of("resourceId", "drug_regime:d-3001", "leaseId", sharma.leaseId));

        Editor reopened = new Editor("chen");
        var restored = reopened.call("GET", "/api/autosave/restore/drug_regime/d-3001", null).body();
        assertThat(restored.path("currentVersion").asLong()).isEqualTo(2);
        JsonNode merge = restored.path("merge");
        assertThat(merge.path("applied").toString()).contains("notes").doesNotContain("bolus_ml");
        assertThat(merge.at("/merged/notes").asText()).isEqualTo("pain 6/10 on coughing, review at 14:00");
        assertThat(merge.at("/merged/prescriber").asText()).isEqualTo("Dr. Priya Sharma");
        assertThat(merge.at("/merged/rate_ml_h").asDouble()).as("clinical: the current value until confirmed").isEqualTo(4.0);
        List<String> conflicts = new ArrayList<>();
        merge.path("conflicts").forEach(c -> conflicts.add(c.path("field").asText()));
        assertThat(conflicts).containsExactlyInAnyOrder("rate_ml_h", "bolus_ml");

        reopened.acquire("drug_regime:d-3001");
        Map<String, Object> resolution = new HashMap<>();
        merge.path("merged").fields().forEachRemaining(e -> resolution.put(e.getKey(), baton.json(e.getValue())));
        resolution.put("bolus_ml", 4.0);
        var finalSave = reopened.save(path, merge.path("theirsVersion").asLong(), resolution);
        assertThat(finalSave.status()).isEqualTo(200);
        assertThat(finalSave.body().at("/fields/notes").asText()).startsWith("pain 6/10");
        assertThat(finalSave.body().at("/fields/rate_ml_h").asDouble()).isEqualTo(4.0);
        assertThat(finalSave.body().at("/fields/bolus_ml").asDouble()).isEqualTo(4.0);
        assertThat(finalSave.body().path("version").asLong()).isEqualTo(3);
    }

    @Test
    void badInput_getsAClearCode_andChangesNothing() {
        Editor chen = new Editor("chen");
        chen.acquire("catheter:c-2001");
        String path = "/api/records/catheter/c-2001";
        var wrongType = chen.save(path, 1, Map.of("depth_cm", "deep", "colour", "blue"));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.body().path("detail").asText()).containsAnyOf("'depth_cm' must be a number", "'colour' is not a field")
                .contains("and 1 more");
        assertThat(wrongType.body().path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("depth_cm", "colour");
        assertThat(chen.save(path, 1, Map.of("allergies", "x")).code()).isEqualTo("INVALID_FIELD");
        var clearsRequired = chen.save(path, 1, java.util.Collections.singletonMap("site", null));
        assertThat(clearsRequired.body().path("detail").asText()).contains("site").contains("required");
        assertThat(chen.call("GET", "/api/records/lab_result/1", null).code()).isEqualTo("UNKNOWN_RECORD_TYPE");
        assertThat(chen.call("GET", "/api/records/catheter/nope", null).code()).isEqualTo("RECORD_NOT_FOUND");
        assertThat(chen.call("PUT", path, "{not json", Map.of("If-Match", "\"1\"", "X-Lease-Id", chen.leaseId)).status()).isEqualTo(400);
        assertThat(chen.call("POST", "/api/autosave/save", "{\"resourceId\": \"catheter:c-2001\", \"data\": ").status()).isEqualTo(400);
        assertThat(chen.call("POST", "/api/autosave/save", Map.of("resourceId", "catheter:c-2001", "data", 42)).code()).isEqualTo("INVALID_FIELD");
        assertThat(chen.call("POST", "/api/autosave/save", Map.of("resourceId", "catheter:c-2001", "data", Map.of(), "baseVersion", "one"))
                .code()).isEqualTo("INVALID_FIELD");
        var huge = chen.call("POST", "/api/autosave/save", Map.of("resourceId", "catheter:c-2001", "data", Map.of("notes", "x".repeat(300_000))));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        var hugeRecord = chen.call("PUT", path, Map.of("fields", Map.of("notes", "x".repeat(100_000))),
                Map.of("If-Match", "\"1\"", "X-Lease-Id", chen.leaseId));
        assertThat(hugeRecord.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(chen.call("GET", "/api/autosave/restore/catheter/c-2001", null).status()).isEqualTo(404);
        assertThat(chen.call("GET", path, null).body().path("version").asLong()).isEqualTo(1);
    }

    @Test
    void concurrentSavers_withRandomVersionsAndLeasesThatLapseMidFlight_neverLoseAnUpdate() throws Exception {
        String path = "/api/records/patient/p-1003";
        String[] users = {"sharma", "johnson", "chen", "okafor", "lindqvist", "rivera"};
        AtomicInteger written = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(users.length);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < users.length; t++) {
            int seed = t;
            done.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                Editor me = new Editor(users[seed]);
                String oldLease = null;
                for (int attempt = 0; attempt < 17; attempt++) {
                    if (seed == 0) {
                        baton.advance(Duration.ofMinutes(2)); // leases (5 min) lapse mid-flight for the others
                    }
                    boolean held = me.acquire("patient:p-1003:notes").status() == 200;
                    long current = me.call("GET", path, null).body().path("version").asLong();
                    long guess = current + random.nextInt(3) - 1;
                    String lease = me.leaseId;
                    if (random.nextInt(4) == 0 && oldLease != null) {
                        me.leaseId = oldLease;
                    }
                    var reply = me.call("PUT", path + "?child=notes", Map.of("fields", Map.of("care_notes", "after v" + guess + " by " + me.user)),
                            Map.of("If-Match", "\"" + guess + "\"", "X-Lease-Id", me.leaseId == null ? "none" : me.leaseId));
                    if (reply.status() == 200) {
                        written.incrementAndGet();
                    } else {
                        assertThat(reply.status()).isIn(412, 423);
                    }
                    oldLease = lease;
                    me.leaseId = lease;
                    if (held) {
                        me.call("POST", "/api/locks/release", Map.of("resourceId", "patient:p-1003:notes", "leaseId", lease));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        JsonNode history = baton.call("GET", path + "/history", baton.token("rivera"), null).body().path("versions");
        assertThat(written.get()).as("some saves got through").isPositive();
        assertThat(history).hasSize(written.get() + 1);
        long lastFence = 0;
        for (int i = 1; i < history.size(); i++) {
            JsonNode version = history.get(i);
            assertThat(version.path("version").asLong()).isEqualTo(i + 1);
            assertThat(version.at("/fields/care_notes").asText()).as("version %d was based on its predecessor", i + 1)
                    .startsWith("after v" + i + " by " + version.path("updatedBy").asText());
            assertThat(version.path("fencingToken").asLong()).isGreaterThanOrEqualTo(lastFence);
            lastFence = version.path("fencingToken").asLong();
        }
    }
}
