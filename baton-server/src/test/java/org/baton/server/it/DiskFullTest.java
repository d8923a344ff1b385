package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (issue 16; RELIABILITY promise 5): Baton's database lives on a tiny filesystem that the test fills up in
 * the middle of a history of record saves, drafts and lock grants. While it is full every write is refused whole with
 * 503 {@code STORAGE_FULL} and {@code Retry-After} (never a 500, never acknowledged and then lost), reads still
 * answer; once space is freed the same running Baton takes writes again by itself. After a restart every
 * acknowledged save is in the record's history in order, every acknowledged draft restores, and the last acknowledged
 * grant still holds with its fence.
 *
 * <p>On SQLite the data directory is on the small disk; on PostgreSQL (the build's second run) a PostgreSQL of its own
 * keeps its data directory there.
 */
class DiskFullTest {
    private static final String RECORD = "/api/records/drug_regime/";

    @TempDir
    Path dir;

    /** One REST editor of the history, with the lease it was last granted (acknowledged) and its session. */
    private static final class Editor {
        final String user;
        String session;
        String leaseId;
        long fence;

        Editor(String user) {
            this.user = user;
        }
    }

    private final Map<String, Integer> answers = new LinkedHashMap<>();
    private final List<Long> acknowledgedVersions = new ArrayList<>();
    private final Map<Long, String> acknowledgedNotes = new HashMap<>();
    private final Map<String, String> acknowledgedDrafts = new HashMap<>();
    /** Drafts refused with 503 whose outcome is uncertain: after the restart the restored one may be such a draft. */
    private final Map<String, String> maybeDrafts = new HashMap<>();
    private long version;
    private String recordId;
    private int refusedButCommitted;
    private String lastGrant;
    private long lastFence;
    private TestBaton baton;

    @Test
    void aFullDisk_refusesWritesByName_losesNothingAcknowledged_andBatonRecoversByItself() throws Exception {
        try (SmallDisk disk = new SmallDisk(dir.resolve("small-disk"), TestBaton.POSTGRES ? 160 : 24)) {
            PostgresServer postgres = TestBaton.POSTGRES ? new PostgresServer(disk.mountPoint.resolve("pg")).start() : null;
            try {
                Path dataDir = TestBaton.POSTGRES ? dir.resolve("data") : disk.mountPoint.resolve("data");
                Map<String, String> env = postgres == null ? Map.of()
                        : Map.of("BATON_STORE", "postgres", "BATON_DB_URL", postgres.url(), "BATON_DB_USER", org.baton.store.tck.TestPostgres.USER,
                        "BATON_DB_TIMEOUT", "5");
                baton = new TestBaton(dataDir, env);
                List<Editor> editors = List.of(new Editor("sharma"), new Editor("chen"), new Editor("okafor"));
                String id = createRecord(editors.get(0));
                SplittableRandom random = new SplittableRandom(16);

                int before = history(editors, id, random, 40, false);
                long ballast = disk.fill();
                int refusedBefore = answers.getOrDefault("503 STORAGE_FULL", 0);
                int whileFull = 0;
                for (int round = 0; round < 400 && answers.getOrDefault("503 STORAGE_FULL", 0) - refusedBefore < 20; round++) {
                    whileFull += history(editors, id, random, 1, true);
                }
                int refusedWhileFull = answers.getOrDefault("503 STORAGE_FULL", 0) - refusedBefore;
                assertThat(refusedWhileFull).as("writes refused with STORAGE_FULL while the disk is full").isGreaterThan(0);
                assertThat(read(editors.get(1), "GET", RECORD + id).status()).as("reads still answer on a full disk").isEqualTo(200);
                assertThat(read(editors.get(1), "GET", "/api/locks/check/drug_regime/" + id).status()).isEqualTo(200);

                disk.free();
                int after = 0;
                long acknowledgedBeforeRecovery = acknowledgedVersions.size();
                for (int round = 0; round < 200 && acknowledgedVersions.size() < acknowledgedBeforeRecovery + 10; round++) {
                    after += history(editors, id, random, 1, false);
                }
                assertThat(acknowledgedVersions.size()).as("saves acknowledged again once space is back, without a restart")
                        .isGreaterThanOrEqualTo((int) acknowledgedBeforeRecovery + 10);

                baton.close();
                baton = new TestBaton(dataDir, env);
                int lost = verifyNothingAcknowledgedWasLost(editors, id);
                System.out.printf("disk full (%s): %d ops before, %d while full (%d refused STORAGE_FULL, ballast %d KiB), %d after space returned;"
                                + " answers %s; acknowledged saves %d, drafts %d; refused but committed %d; acknowledged-but-lost %d%n",
                        TestBaton.POSTGRES ? "postgres" : "sqlite", before, whileFull, refusedWhileFull, ballast / 1024, after, answers,
                        acknowledgedVersions.size(), acknowledgedDrafts.size(), refusedButCommitted, lost);
                assertThat(lost).isZero();
                assertThat(answers.keySet()).as("no answer but success, a refusal by the rules, or STORAGE_FULL")
                        .allSatisfy(a -> assertThat(a).matches("2\\d\\d|403 NOT_LOCK_HOLDER|409 .*|410 .*|412 .*|423 .*|503 STORAGE_FULL"));
            } finally {
                if (baton != null) {
                    baton.close();
                }
                if (postgres != null) {
                    postgres.close();
                }
            }
        }
    }

    private String createRecord(Editor editor) {
        TestBaton.Reply created = write(editor, "POST", "/api/records/drug_regime", Map.of("fields", Map.of("patient_id", "p-1", "drug", "bupivacaine",
                "route", "epidural")), Map.of());
        assertThat(created.status()).isEqualTo(201);
        version = created.body().path("version").asLong();
        acknowledgedVersions.add(version);
        recordId = created.body().path("id").asText();
        return recordId;
    }

    /** {@code steps} random steps: a save by the holder, a draft (large when {@code bigDrafts}), a hand-over. */
    private int history(List<Editor> editors, String id, SplittableRandom random, int steps, boolean bigDrafts) {
        for (int i = 0; i < steps; i++) {
            Editor editor = editors.get(random.nextInt(editors.size()));
            switch (random.nextInt(4)) {
                case 0 -> acquire(editor, id);
                case 1 -> save(editor, id, random);
                case 2 -> draft(editor, id, random, bigDrafts ? 60_000 : 200);
                default -> release(editor, id);
            }
        }
        return steps;
    }

    private void acquire(Editor editor, String id) {
        TestBaton.Reply reply = write(editor, "POST", "/api/locks/acquire", Map.of("resourceId", "drug_regime:" + id), Map.of());
        if (reply.status() == 200) {
            editor.leaseId = reply.body().at("/lease/leaseId").asText();
            editor.fence = reply.body().at("/lease/fencingToken").asLong();
            assertThat(editor.fence).as("fences grow").isGreaterThanOrEqualTo(lastFence);
            lastGrant = editor.user;
            lastFence = editor.fence;
        }
    }

    private void release(Editor editor, String id) {
        if (editor.leaseId == null) {
            return;
        }
        TestBaton.Reply reply = write(editor, "POST", "/api/locks/release", Map.of("resourceId", "drug_regime:" + id, "leaseId", editor.leaseId), Map.of());
        if (reply.status() == 200) {
            editor.leaseId = null;
            if (editor.user.equals(lastGrant)) {
                lastGrant = null;
            }
        }
    }

    private void save(Editor editor, String id, SplittableRandom random) {
        if (editor.leaseId == null) {
            acquire(editor, id);
            if (editor.leaseId == null) {
                return;
            }
        }
        String notes = editor.user + " note " + random.nextInt(1_000_000);
        TestBaton.Reply reply = write(editor, "PUT", RECORD + id, Map.of("fields", Map.of("notes", notes)),
                Map.of("If-Match", "\"" + version + "\"", "X-Lease-Id", editor.leaseId));
        if (reply.status() == 200) {
            long saved = reply.body().path("version").asLong();
            assertThat(saved).as("each acknowledged save raises the version by one").isEqualTo(version + 1);
            version = saved;
            acknowledgedVersions.add(saved);
            acknowledgedNotes.put(saved, notes);
            acknowledgedDrafts.remove(editor.user); // a save deletes its author's draft (SPEC feature 10)
        } else if (reply.status() == 423) {
            editor.leaseId = null;
        }
    }

    private void draft(Editor editor, String id, SplittableRandom random, int size) {
        String text = editor.user + "-" + random.nextInt(1_000_000) + "-" + "x".repeat(size);
        TestBaton.Reply reply = write(editor, "POST", "/api/autosave/save", Map.of("resourceId", "drug_regime:" + id,
                "data", Map.of("fields", Map.of("notes", text)), "baseVersion", version), Map.of());
        if (reply.status() == 200) {
            acknowledgedDrafts.put(editor.user, text);
        } else if (reply.status() == 503) {
            maybeDrafts.put(editor.user, text);
        }
    }

    private TestBaton.Reply write(Editor editor, String method, String path, Object body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        if (editor.session != null) {
            all.put("X-Session-Id", editor.session);
        }
        TestBaton.Reply reply = baton.call(method, path, baton.token(editor.user), body, all);
        reply.raw().headers().firstValue("X-Session-Id").ifPresent(s -> editor.session = s);
        String key = reply.status() >= 300 ? reply.status() + " " + reply.code() : Integer.toString(reply.status());
        answers.merge(key, 1, Integer::sum);
        if (reply.status() == 503) {
            assertThat(reply.raw().headers().firstValue("Retry-After")).as("a refusal says when to retry").isPresent();
            resync(editor, path);
        }
        return reply;
    }

    /**
     * After a refusal the outcome is uncertain for the client (a write may have committed before a later step of the
     * same request failed, e.g. its audit entry): like the browser client, look again and continue from what is stored.
     */
    private void resync(Editor editor, String path) {
        if (!path.startsWith(RECORD) && !path.startsWith("/api/locks/")) {
            return;
        }
        String id = recordId;
        JsonNode record = read(editor, "GET", RECORD + id).body();
        if (record.path("version").asLong() != version) {
            refusedButCommitted++;
            version = record.path("version").asLong();
        }
        JsonNode check = read(editor, "GET", "/api/locks/check/drug_regime/" + id).body();
        lastGrant = check.path("locked").asBoolean() ? check.at("/holder/userId").asText() : null;
    }

    private TestBaton.Reply read(Editor editor, String method, String path) {
        return baton.call(method, path, baton.token(editor.user), null, editor.session == null ? Map.of() : Map.of("X-Session-Id", editor.session));
    }

    /** After the restart: counts acknowledged writes that are not there. */
    private int verifyNothingAcknowledgedWasLost(List<Editor> editors, String id) {
        int lost = 0;
        JsonNode history = read(editors.get(0), "GET", RECORD + id + "/history").body().path("versions");
        Map<Long, String> stored = new HashMap<>();
        for (JsonNode v : history) {
            stored.put(v.path("version").asLong(), v.at("/fields/notes").asText(null));
        }
        for (long v : acknowledgedVersions) {
            if (!stored.containsKey(v) || acknowledgedNotes.containsKey(v) && !acknowledgedNotes.get(v).equals(stored.get(v))) {
                System.out.println("lost: acknowledged save of version " + v);
                lost++;
            }
        }
        for (int i = 0; i < history.size(); i++) {
            assertThat(history.get(i).path("version").asLong()).as("a strict version chain").isEqualTo(i + 1);
        }
        for (Editor editor : editors) {
            String expected = acknowledgedDrafts.get(editor.user);
            if (expected == null) {
                continue;
            }
            TestBaton.Reply restored = read(editor, "GET", "/api/autosave/restore/drug_regime/" + id);
            String found = restored.body().at("/data/fields/notes").asText();
            if (restored.status() != 200 || !expected.equals(found) && !found.equals(maybeDrafts.get(editor.user))) {
                System.out.println("lost: the acknowledged draft of " + editor.user);
                lost++;
            }
        }
        JsonNode check = read(editors.get(0), "GET", "/api/locks/check/drug_regime/" + id).body();
        if (lastGrant != null && !(check.path("locked").asBoolean() && lastGrant.equals(check.at("/holder/userId").asText()))) {
            System.out.println("lost: the acknowledged grant to " + lastGrant + " (now " + check + ")");
            lost++;
        }
        return lost;
    }
}
