package org.baton.store.jdbc.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.baton.core.analytics.AnalyticsQuery;
import org.baton.core.audit.AuditRecord;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.audit.FactsFollower;
import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.baton.store.jdbc.audit.JdbcLockAnalytics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14: an audit append (a lock decision's commit) no longer writes the entries' facts; {@link FactsFollower} adds
 * them afterwards. Two followers catching up at once (two instances) count every entry exactly once, and a statistic
 * asked right after an append counts it, with no catching up by the caller.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class FactsFollowerTest {
    private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
    private static final AnalyticsQuery DAY = AnalyticsQuery.between(START.minus(Duration.ofHours(1)), START.plus(Duration.ofDays(1)));
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;

    @AfterEach
    void close() {
        opened.close();
    }

    @Test
    void theAppendLeavesTheFactsToTheFollower_twoFollowersCountEachEntryOnce_andAStatisticCountsWhatWasJustAppended() throws Exception {
        opened = backend.open(dir);
        Database one = opened.first();
        Database two = opened.second();
        JdbcAuditTrail trail = new JdbcAuditTrail(one);
        trail.append(edits(0, 450)); // more than two batches

        assertThat(facts(one)).as("nothing counted by the append itself").isZero();
        FactsFollower first = new FactsFollower(one);
        FactsFollower second = new FactsFollower(two);
        assertThat(first.isBehind()).isTrue();

        CompletableFuture<Long> a = CompletableFuture.supplyAsync(first::catchUp);
        CompletableFuture<Long> b = CompletableFuture.supplyAsync(second::catchUp);
        assertThat(a.get() + b.get()).as("entries counted by both followers together").isEqualTo(900);
        assertThat(first.isBehind()).isFalse();
        assertThat(second.catchUp()).as("nothing left").isZero();
        assertThat(facts(one)).as("one fact per grant and one per release, none twice").isEqualTo(900);
        assertThat(new JdbcLockAnalytics(two).summary(DAY).edits()).isEqualTo(450);

        trail.append(edits(450, 3));
        assertThat(new JdbcLockAnalytics(two).summary(DAY).edits()).as("asked right after the append, on another instance").isEqualTo(453);
    }

    /** {@code count} edits (a grant and its release each), numbered from {@code from}. */
    private static List<AuditRecord> edits(int from, int count) {
        List<AuditRecord> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            Instant at = START.plusSeconds(60L * i);
            records.add(new AuditRecord(at, "u" + i % 3, "U", "nurse", "LOCK_ACQUIRED", "catheter:c" + i % 4 + ":main", "INFO", null,
                    Map.of("via", "DIRECT")));
            records.add(new AuditRecord(at.plusSeconds(30), "u" + i % 3, "U", "nurse", "LOCK_RELEASED", "catheter:c" + i % 4 + ":main", "INFO", null,
                    Map.of("holder", "u" + i % 3, "holderRole", "nurse", "acquiredAt", at.toString())));
        }
        return records;
    }

    private static long facts(Database db) {
        return db.read(c -> {
            try (var s = c.prepareStatement("select count(*) from audit_facts"); var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
