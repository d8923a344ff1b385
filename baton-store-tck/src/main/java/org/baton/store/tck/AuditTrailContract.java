package org.baton.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.baton.core.audit.AuditChain;
import org.baton.core.audit.AuditEntry;
import org.baton.core.audit.AuditQuery;
import org.baton.core.audit.AuditRecord;
import org.baton.core.audit.AuditTrail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of every {@link AuditTrail}: appends are chained in order and searchable; the chain verifies; two
 * writers (two instances on one database) appending at once still leave one verifiable chain with every entry;
 * and verify never "cries wolf" while entries are being appended.
 */
public abstract class AuditTrailContract {
    protected static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");
    protected AuditTrail trail;

    protected abstract AuditTrail newTrail();

    /** A second trail object over the same data, as a second instance would open it. */
    protected abstract AuditTrail sameData(AuditTrail first);

    @BeforeEach
    void createTrail() {
        trail = newTrail();
    }

    protected static AuditRecord record(int i, String user) {
        return new AuditRecord(NOW.plusSeconds(i), user, "Name " + user, "nurse", i % 5 == 0 ? "EMERGENCY_TAKEOVER" : "LOCK_ACQUIRED",
                "patient:" + (i % 3) + ":main", i % 5 == 0 ? "HIGH" : "INFO", i % 5 == 0 ? "bleeding" : null, Map.of("n", Integer.toString(i)));
    }

    @Test
    void append_chainsInOrder_andSearchFiltersNewestFirst() {
        List<AuditEntry> first = trail.append(List.of(record(1, "sharma"), record(2, "okafor")));
        List<AuditEntry> second = trail.append(List.of(record(3, "sharma")));
        assertThat(first).extracting(AuditEntry::seq).containsExactly(1L, 2L);
        assertThat(second.get(0).prevHash()).isEqualTo(first.get(1).hash());
        assertThat(trail.search(new AuditQuery(null, "sharma", null, null, null, 0, 10))).extracting(AuditEntry::seq).containsExactly(3L, 1L);
        assertThat(trail.search(new AuditQuery("patient:2:main", null, null, null, null, 0, 10))).extracting(AuditEntry::seq).containsExactly(2L);
        assertThat(trail.search(new AuditQuery(null, null, null, NOW.plusSeconds(2), NOW.plusSeconds(3), 0, 10)))
                .extracting(AuditEntry::seq).containsExactly(2L);
        assertThat(trail.append(List.of())).isEmpty();
        assertThat(trail.verify()).isEqualTo(AuditChain.Report.ok(3));
    }

    /**
     * Issue 14: what a search filters on may be indexed after the entries are committed (off the lock decisions'
     * commits); a search right after an append still finds it, by every filter and on every page.
     */
    @Test
    void aSearchRightAfterAnAppend_findsIt_byEveryFilter_andPages() {
        for (int i = 1; i <= 10; i++) {
            trail.append(List.of(record(i, i % 2 == 0 ? "okafor" : "sharma")));
        }
        assertThat(trail.search(new AuditQuery(null, null, "EMERGENCY_TAKEOVER", null, null, 0, 10))).extracting(AuditEntry::seq).containsExactly(10L, 5L);
        assertThat(trail.search(new AuditQuery(null, null, null, null, null, 2, 3))).extracting(AuditEntry::seq).containsExactly(8L, 7L, 6L);
        assertThat(trail.search(new AuditQuery(null, "okafor", null, null, null, 1, 2))).extracting(AuditEntry::seq).containsExactly(8L, 6L);
        trail.append(List.of(record(11, "sharma")));
        assertThat(trail.search(new AuditQuery("patient:2:main", "sharma", null, null, null, 0, 1))).extracting(AuditEntry::seq).containsExactly(11L);
        assertThat(trail.search(new AuditQuery(null, null, null, NOW.plusSeconds(11), null, 0, 10))).extracting(AuditEntry::seq).containsExactly(11L);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoWritersOnTheSameData_keepOneVerifiableChain() throws Exception {
        AuditTrail second = sameData(trail);
        int threads = 4;
        int appends = 30;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                AuditTrail writer = t % 2 == 0 ? trail : second;
                String user = "user" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < appends; i++) {
                        writer.append(List.of(record(i, user), record(i + 1000, user)));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(55, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(second.verify()).isEqualTo(AuditChain.Report.ok(threads * appends * 2L));
    }

    /** RELIABILITY promise 10 / issue 12 item 1: an admin verifying while others append sees an intact chain. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void verify_whileAppendsAreCommitted_neverReportsACut() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    trail.append(List.of(record(i, "writer")));
                }
                return null;
            });
            List<AuditChain.Report> reports = new ArrayList<>();
            while (!writer.isDone()) {
                reports.add(trail.verify());
            }
            writer.get();
            assertThat(reports).isNotEmpty().allSatisfy(r -> assertThat(r.intact()).as(r.toString()).isTrue());
        } finally {
            pool.shutdownNow();
        }
        assertThat(trail.verify()).isEqualTo(AuditChain.Report.ok(200));
    }
}
