package org.baton.store.jdbc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.baton.core.audit.AuditQuery;
import org.baton.core.audit.AuditRecord;
import org.baton.store.jdbc.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail on the real database, tampered with by raw SQL as an intruder with file access would. */
class JdbcAuditTrailTest {
    @TempDir
    Path dir;
    Database db;
    JdbcAuditTrail trail;

    @BeforeEach
    void open() {
        db = Database.open(dir);
        trail = new JdbcAuditTrail(db);
        List<AuditRecord> records = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            records.add(new AuditRecord(Instant.parse("2026-01-13T09:00:00Z").plusSeconds(i), i % 2 == 0 ? "sharma" : "okafor",
                    "Name " + i, "nurse", i == 6 ? "TAKEOVER" : "LOCK_ACQUIRED", "catheter:" + (i % 3) + ":main", i == 6 ? "HIGH" : "INFO",
                    i == 6 ? "Emergency surgery update" : null, Map.of("fence", Integer.toString(i))));
        }
        trail.append(records);
    }

    @AfterEach
    void close() {
        db.close();
    }

    void sql(String statement) {
        db.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(statement);
            }
        });
    }

    @Test
    void untouchedTrail_verifies_andSearchFilters() {
        assertThat(trail.verify().intact()).isTrue();
        assertThat(trail.verify().entries()).isEqualTo(12);
        assertThat(trail.search(new AuditQuery(null, "sharma", null, null, null, 0, 100))).hasSize(6);
        assertThat(trail.search(new AuditQuery(null, null, "TAKEOVER", null, null, 0, 100)))
                .singleElement().satisfies(e -> assertThat(e.record().reason()).isEqualTo("Emergency surgery update"));
        assertThat(trail.search(new AuditQuery("catheter:1:main", null, null, null, null, 0, 100))).hasSize(4);
        assertThat(trail.search(new AuditQuery(null, null, null, Instant.parse("2026-01-13T09:00:10Z"), null, 0, 100))).hasSize(3);
        assertThat(trail.search(new AuditQuery(null, null, null, null, null, 0, 5))).extracting(e -> e.seq()).containsExactly(12L, 11L, 10L, 9L, 8L);
    }

    @Test
    void editedReason_isDetected() {
        sql("update audit_entries set reason = 'routine' where seq = 6");
        assertThat(trail.verify().intact()).isFalse();
        assertThat(trail.verify().firstBadSeq()).isEqualTo(6);
    }

    @Test
    void deletedRow_isDetected() {
        sql("delete from audit_entries where seq = 3");
        assertThat(trail.verify().firstBadSeq()).isEqualTo(3);
    }

    @Test
    void truncatedTail_isDetected() {
        sql("delete from audit_entries where seq > 9");
        assertThat(trail.verify().intact()).isFalse();
    }

    @Test
    void swappedRows_areDetected() {
        sql("update audit_entries set seq = -1 where seq = 4");
        sql("update audit_entries set seq = 4 where seq = 5");
        sql("update audit_entries set seq = 5 where seq = -1");
        assertThat(trail.verify().intact()).isFalse();
    }

    @Test
    void flippedHashByte_isDetected() {
        sql("update audit_entries set hash = substr(hash, 1, 10) || (case substr(hash, 11, 1) when '0' then '1' else '0' end) || substr(hash, 12) where seq = 8");
        assertThat(trail.verify().intact()).isFalse();
    }

    @Test
    void concurrentAppends_keepAGapFreeValidChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        trail.append(List.of(new AuditRecord(Instant.now(), "u" + thread, "U", "nurse", "LOCK_RELEASED", "doc:1:main", "INFO", null, Map.of())));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(trail.verify().intact()).isTrue();
        assertThat(trail.verify().entries()).isEqualTo(12 + 200);
    }
}
