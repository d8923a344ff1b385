package org.baton.store.jdbc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.baton.core.analytics.AnalyticsQuery;
import org.baton.core.analytics.AnalyticsSummary;
import org.baton.core.audit.AuditRecord;
import org.baton.store.jdbc.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a trail written before the statistics existed (its entries without facts, as after an upgrade) gets its
 * facts and roll-up from the backfill, batch by batch, and then answers exactly as a trail that had them all along.
 */
class FactsBackfillTest {
    @TempDir
    Path dir;

    @Test
    void issue15_entriesWrittenBeforeTheFacts_areCountedAfterTheBackfill_exactlyAsIfTheyHadAlwaysBeen() throws Exception {
        Instant start = Instant.parse("2026-03-02T08:00:00Z");
        try (Database db = Database.open(dir)) {
            JdbcAuditTrail trail = new JdbcAuditTrail(db);
            List<AuditRecord> records = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                Instant at = start.plus(Duration.ofMinutes(7L * i));
                records.add(new AuditRecord(at, "u" + i % 3, "U", "nurse", "LOCK_ACQUIRED", "catheter:c" + i % 4 + ":main", "INFO", null,
                        i % 5 == 0 ? Map.of("via", "QUEUE_AUTO_ACQUIRE", "queuedAt", at.minusSeconds(90).toString()) : Map.of("via", "DIRECT")));
                records.add(new AuditRecord(at.plusSeconds(200 + i), "u" + i % 3, "U", "nurse", i % 6 == 0 ? "LOCK_IDLE_TIMEOUT" : "LOCK_RELEASED",
                        "catheter:c" + i % 4 + ":main", "INFO", null, Map.of("holder", "u" + i % 3, "holderRole", "nurse", "acquiredAt", at.toString())));
            }
            trail.append(records);
            AnalyticsQuery day = AnalyticsQuery.between(start.minus(Duration.ofHours(1)), start.plus(Duration.ofDays(1)));
            AnalyticsSummary before = new JdbcLockAnalytics(db).summary(day);
            assertThat(before.edits()).isEqualTo(25);

            db.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("delete from audit_facts");
                    s.executeUpdate("delete from audit_fact_slots");
                    s.executeUpdate("update audit_facts_backfill set upto_seq = (select last_seq from audit_head)");
                }
                return null;
            });
            assertThat(new JdbcLockAnalytics(db).summary(day).edits()).as("forgotten, as before the upgrade").isZero();

            List<Long> left = new ArrayList<>();
            long remaining;
            do {
                remaining = trail.backfillFacts(20);
                left.add(remaining);
            } while (remaining > 0);
            assertThat(left).containsExactly(30L, 10L, 0L);
            assertThat(new JdbcLockAnalytics(db).summary(day)).isEqualTo(before);
            assertThat(new JdbcLockAnalytics(db).lockDurations(day.ofRole("nurse")).total()).isEqualTo(25);
            assertThat(trail.backfillFacts(20)).as("nothing more to do").isZero();
        }
    }
}
