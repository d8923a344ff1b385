package org.baton.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void open_onAFreshDirectory_appliesEveryMigration() {
        try (Database db = Database.open(dir.resolve("fresh"))) {
            assertThat(tables(db)).contains("lock_state", "flyway_schema_history");
            assertThat(appliedVersions(db)).contains("1");
        }
    }

    @Test
    void open_twice_isIdempotent_andKeepsData() {
        try (Database db = Database.open(dir)) {
            db.inTransaction(c -> c.createStatement().executeUpdate(
                    "insert into lock_state (resource_id, version, state, max_fence, idle, updated_at) values ('t:1:main', 1, 'x', 7, 1, 0)"));
        }
        try (Database db = Database.open(dir)) {
            assertThat(appliedVersions(db)).doesNotHaveDuplicates();
            long maxFence = db.read(c -> {
                ResultSet rs = c.createStatement().executeQuery("select max_fence from lock_state where resource_id = 't:1:main'");
                rs.next();
                return rs.getLong(1);
            });
            assertThat(maxFence).isEqualTo(7);
        }
    }

    @Test
    void connections_useWalAndFullSync() {
        try (Database db = Database.open(dir)) {
            assertThat(pragma(db, "journal_mode")).isEqualToIgnoringCase("wal");
            assertThat(pragma(db, "synchronous")).isEqualTo("2");
            assertThat(pragma(db, "temp_store")).as("savepoint journals in memory, not spilled to /var/tmp").isEqualTo("2");
            assertThat(db.isReachable()).isTrue();
        }
    }

    @Test
    void failedTransaction_isRolledBack_andLeavesNoHalfWrite() {
        try (Database db = Database.open(dir)) {
            assertThatThrownBy(() -> db.inTransaction(c -> {
                c.createStatement().executeUpdate("insert into lock_state (resource_id, version, state, max_fence, idle, updated_at) values ('t:2:main', 1, 'x', 1, 1, 0)");
                throw new IllegalStateException("fails after the first write");
            })).isInstanceOf(IllegalStateException.class);
            int rows = db.read(c -> c.createStatement().executeQuery("select count(*) from lock_state").getInt(1));
            assertThat(rows).isZero();
        }
    }

    /**
     * What a caller relies on (the committed-state cache) runs before it has its result; news for others (the bus) runs
     * only after, so a caller's answer never waits for its decision's fan-out. The news hook waits for the caller's
     * answer: had it run first, it would have waited in vain and seen no answer.
     */
    @Test
    void afterAnswerHooks_runOnceTheCallerHasItsResult_afterCommitHooksBefore() throws Exception {
        try (Database db = Database.open(dir)) {
            java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<Boolean> newsSawTheAnswer = new java.util.concurrent.CompletableFuture<>();
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            String result = db.inTransaction(c -> {
                Database.afterAnswer(() -> {
                    try {
                        newsSawTheAnswer.complete(answered.await(5, java.util.concurrent.TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        newsSawTheAnswer.complete(false);
                    }
                    order.add("news");
                });
                Database.afterCommit(() -> order.add("cache"));
                return "answer";
            });
            order.add(result);
            answered.countDown();
            assertThat(newsSawTheAnswer.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("the news hook ran after the answer").isTrue();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> order.size() == 3);
            assertThat(order).containsExactly("cache", "answer", "news");
        }
    }

    @Test
    void closedDatabase_isNotReachable() {
        Database db = Database.open(dir);
        db.close();
        assertThat(db.isReachable()).isFalse();
    }

    /**
     * A transaction that SQLite ends by itself (as it does on a full disk or an I/O error, its "automatic rollback")
     * fails its batch, and the writer's next transaction is whole again. The driver's rollback of a transaction that is
     * already gone fails, and it then believed a transaction was open when none was: every later statement committed
     * on its own and every commit failed ("cannot commit - no transaction is active"), until a restart. DiskFullTest
     * met it once space was back.
     */
    @Test
    void aTransactionSqliteEndedByItself_failsAlone_andTheNextWriteIsWholeAgain() {
        try (Database db = Database.open(dir)) {
            assertThatThrownBy(() -> db.inTransaction(c -> {
                c.createStatement().executeUpdate(insertLock("t:3:main"));
                return c.createStatement().executeUpdate("rollback"); // what SQLite does by itself on SQLITE_FULL
            })).isInstanceOf(RuntimeException.class);

            db.inTransaction(c -> c.createStatement().executeUpdate(insertLock("t:4:main")));
            assertThatThrownBy(() -> db.inTransaction(c -> {
                c.createStatement().executeUpdate(insertLock("t:5:main"));
                throw new IllegalStateException("fails after the first write");
            })).isInstanceOf(IllegalStateException.class);
            List<String> rows = db.read(c -> {
                List<String> ids = new ArrayList<>();
                ResultSet rs = c.createStatement().executeQuery("select resource_id from lock_state order by resource_id");
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
                return ids;
            });
            assertThat(rows).as("the write after it committed, and the failed one after that left nothing").containsExactly("t:4:main");
        }
    }

    /**
     * A read transaction that SQLite ended underneath (as it does itself after an I/O error) leaves the driver believing
     * one is open; that connection is replaced, so every later snapshot is again one consistent view: a row committed
     * in the middle of a snapshot is not seen by its second read.
     */
    @Test
    void aReadTransactionEndedUnderneath_replacesItsConnection_andLaterSnapshotsStayConsistent() {
        try (Database db = Database.open(dir)) {
            try {
                db.snapshot(c -> c.createStatement().executeUpdate("rollback"));
            } catch (RuntimeException e) {
                // before the fix the snapshot failed here; what matters is what the connection does next
            }
            for (int i = 0; i < 6; i++) {
                String id = "t:" + (10 + i) + ":main";
                int[] counts = db.snapshot(c -> {
                    int before = countLocks(c);
                    db.inTransaction(w -> w.createStatement().executeUpdate(insertLock(id))); // committed meanwhile
                    return new int[] {before, countLocks(c)};
                });
                assertThat(counts[1]).as("snapshot %d is one view", i).isEqualTo(counts[0]);
            }
            assertThat(db.read(DatabaseTest::countLocks)).isEqualTo(6);
        }
    }

    private static int countLocks(java.sql.Connection c) throws java.sql.SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("select count(*) from lock_state")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String insertLock(String resource) {
        return "insert into lock_state (resource_id, version, state, max_fence, idle, updated_at) values ('" + resource + "', 1, 'x', 1, 1, 0)";
    }

    private static List<String> tables(Database db) {
        return db.read(c -> {
            List<String> names = new ArrayList<>();
            ResultSet rs = c.createStatement().executeQuery("select name from sqlite_master where type = 'table'");
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        });
    }

    private static List<String> appliedVersions(Database db) {
        return db.read(c -> {
            List<String> versions = new ArrayList<>();
            ResultSet rs = c.createStatement().executeQuery("select version from flyway_schema_history where success = 1 and version is not null");
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
            return versions;
        });
    }

    private static String pragma(Database db, String name) {
        return db.read(c -> {
            ResultSet rs = c.createStatement().executeQuery("pragma " + name);
            rs.next();
            return rs.getString(1);
        });
    }

    @Test
    void concurrentWriters_areGroupCommitted_eachWithItsOwnOutcome() throws Exception {
        try (Database db = Database.open(dir)) {
            db.inTransaction(c -> c.createStatement().executeUpdate("create table gc (k integer primary key, v text)"));
            int writers = 64;
            var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            var results = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < writers; i++) {
                int k = i;
                results.add(pool.submit(() -> db.inTransaction(c -> {
                    c.createStatement().executeUpdate("insert into gc values (" + k + ", 'v')");
                    if (k % 8 == 0) {
                        throw new IllegalStateException("work " + k + " fails after writing");
                    }
                    return k;
                })));
            }
            int ok = 0;
            int failed = 0;
            for (var result : results) {
                try {
                    result.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    ok++;
                } catch (java.util.concurrent.ExecutionException e) {
                    org.assertj.core.api.Assertions.assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("fails after writing");
                    failed++;
                }
            }
            pool.shutdown();
            org.assertj.core.api.Assertions.assertThat(ok).isEqualTo(56);
            org.assertj.core.api.Assertions.assertThat(failed).isEqualTo(8);
            int rows = db.read(c -> {
                var rs = c.createStatement().executeQuery("select count(*) from gc where k % 8 = 0");
                rs.next();
                return rs.getInt(1);
            });
            org.assertj.core.api.Assertions.assertThat(rows).as("a failed work's writes are rolled back, the others' kept").isZero();
            int all = db.read(c -> {
                var rs = c.createStatement().executeQuery("select count(*) from gc");
                rs.next();
                return rs.getInt(1);
            });
            org.assertj.core.api.Assertions.assertThat(all).isEqualTo(56);
        }
    }

    @Test
    void aNestedTransaction_isRefused_notDeadlocked() {
        try (Database db = Database.open(dir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.inTransaction(c -> db.<Integer>inTransaction(c2 -> 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("nested");
        }
    }
}
