package org.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.baton.core.analytics.AnalyticsQuery;
import org.baton.core.analytics.LockAnalytics;
import org.baton.core.audit.AuditRecord;
import org.baton.core.record.VersionedRecord;
import org.baton.store.jdbc.Database;
import org.baton.core.record.RecordStore;
import org.baton.store.jdbc.JdbcRecordStore;
import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.baton.store.jdbc.audit.JdbcLockAnalytics;

/**
 * Workload 10: the dashboard's statistics over a large audit trail. Fills an embedded (SQLite) store through the real
 * audit trail with {@code entries} entries spread over 30 days — grants and releases of 400 resources on 40 records by
 * 60 users in four roles, a fifth of grants after a wait in line, timeouts, takeovers with reasons, draft recoveries —
 * then times every chart's question for the whole 30 days (the heaviest range), unfiltered and filtered by ward and by
 * role: the median of five runs each, after one warm-up.
 */
final class AnalyticsWorkload {
    /** One chart's question and its median time. */
    record Timing(String question, double medianMillis) {
    }

    record Result(long entries, double fillSeconds, long facts, List<Timing> timings) {
        double slowestMillis() {
            return timings.stream().mapToDouble(Timing::medianMillis).max().orElse(0);
        }
    }

    Result run(Path dir, int entries, Consumer<String> say) throws IOException {
        Instant end = Instant.parse("2026-03-31T00:00:00Z");
        Instant start = end.minus(Duration.ofDays(30));
        long fillStart = System.nanoTime();
        try (Database db = Database.open(dir)) {
            JdbcAuditTrail trail = new JdbcAuditTrail(db);
            JdbcRecordStore records = new JdbcRecordStore(db, trail);
            for (int r = 0; r < 40; r++) {
                records.create(new VersionedRecord("patient", "p" + r, 1, Map.of("ward", "Ward " + (r % 5)), start, "bench", null, null),
                        RecordStore.SaveAudit.NONE);
            }
            SplittableRandom random = new SplittableRandom(10);
            String[] roles = {"nurse", "resident", "attending", "nurse"};
            String[] causes = {"RELEASED", "RELEASED", "RELEASED", "RELEASED", "RELEASED", "RELEASED", "IDLE_TIMEOUT", "EXPIRED", "DISCONNECT"};
            long step = Duration.between(start, end).toMillis() / entries;
            List<AuditRecord> batch = new ArrayList<>();
            int written = 0;
            while (written < entries) {
                Instant at = start.plusMillis(written * step);
                int user = random.nextInt(60);
                String who = "u" + user;
                String role = roles[user % roles.length];
                String rid = "patient:p" + random.nextInt(40) + ":s" + random.nextInt(10);
                Instant acquired = at.minusSeconds(30 + random.nextLong(3_000));
                Map<String, String> grant = new LinkedHashMap<>(Map.of("via", "DIRECT", "fencingToken", "1", "session", "s" + user));
                if (random.nextInt(5) == 0) {
                    grant.put("via", "QUEUE_AUTO_ACQUIRE");
                    grant.put("queuedAt", acquired.minusSeconds(1 + random.nextLong(1_200)).toString());
                }
                batch.add(new AuditRecord(acquired, who, who, role, "LOCK_ACQUIRED", rid, "INFO", null, grant));
                Map<String, String> end1 = Map.of("holder", who, "holderRole", role, "acquiredAt", acquired.toString(), "fencingToken", "1");
                int kind = random.nextInt(100);
                if (kind < 2) {
                    Map<String, String> taken = new LinkedHashMap<>(end1);
                    taken.put("takeover", kind == 0 ? "EMERGENCY" : "FORCED");
                    batch.add(new AuditRecord(at, "att1", "att1", "attending", "LOCK_TAKEOVER", rid, "HIGH", "Hypotension: stopping the infusion", taken));
                } else {
                    batch.add(new AuditRecord(at, who, who, role, "LOCK_" + causes[random.nextInt(causes.length)], rid, "INFO", null, end1));
                }
                written += 2;
                if (random.nextInt(20) == 0) {
                    batch.add(new AuditRecord(at.plusSeconds(60), who, who, role, "DRAFT_RESTORED", rid, "INFO", null, Map.of("source", "device")));
                    written++;
                }
                if (batch.size() >= 5_000) {
                    batch.sort(java.util.Comparator.comparing(AuditRecord::at));
                    trail.append(batch);
                    batch.clear();
                    if (written % 100_000 < 5_000) {
                        say.accept("  statistics workload: " + written + " audit entries written");
                    }
                }
            }
            trail.append(batch);
            say.accept("  statistics workload: counting the facts of the entries");
            new org.baton.store.jdbc.audit.FactsFollower(db).catchUp(5_000); // as the server does after the appends, in bulk batches
        }
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        try (Database db = Database.open(dir)) {
            long facts = db.read(c -> {
                try (var s = c.prepareStatement("select count(*) from audit_facts"); var rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            LockAnalytics analytics = new JdbcLockAnalytics(db);
            AnalyticsQuery month = new AnalyticsQuery(start, end, ZoneId.of("Europe/London"), null, null, null, null, null);
            List<Timing> timings = new ArrayList<>();
            timings.add(time("summary", () -> analytics.summary(month)));
            timings.add(time("lock duration", () -> analytics.lockDurations(month)));
            timings.add(time("queue wait per day", () -> analytics.queueWaits(month)));
            timings.add(time("overrides per day", () -> analytics.overridesPerDay(month)));
            timings.add(time("override reasons (latest 200)", () -> analytics.overrides(month, 200)));
            timings.add(time("timeouts per day", () -> analytics.timeouts(month)));
            timings.add(time("autosave recoveries per day", () -> analytics.draftRecoveries(month)));
            timings.add(time("contentious records (top 20)", () -> analytics.contentiousRecords(month, 20)));
            timings.add(time("edit patterns (heatmap)", () -> analytics.editPatterns(month)));
            timings.add(time("lock duration, one ward", () -> analytics.lockDurations(month.onWard("Ward 3"))));
            timings.add(time("queue wait per day, one role", () -> analytics.queueWaits(month.ofRole("resident"))));
            return new Result(entries, fillSeconds, facts, timings);
        }
    }

    private static Timing time(String question, Runnable run) {
        run.run();
        double[] runs = new double[5];
        for (int i = 0; i < runs.length; i++) {
            long t = System.nanoTime();
            run.run();
            runs[i] = (System.nanoTime() - t) / 1e6;
        }
        java.util.Arrays.sort(runs);
        return new Timing(question, runs[2]);
    }

    /** The report's section (also written alone by {@code --only=analytics}). */
    static String section(Result r) {
        StringBuilder md = new StringBuilder();
        md.append(String.format("## 10. Statistics over %,d audit entries%n%n", r.entries()));
        md.append(String.format("An embedded (SQLite) store filled through the real audit trail with %,d entries over 30 days (%,d countable facts; "
                + "filling took %.0f s, hash chain included), then every chart's question for the whole 30 days in the Europe/London zone: "
                + "median of 5 runs after a warm-up. Each is one grouped query: unfiltered ones on the quarter-hour roll-up "
                + "(`audit_fact_slots`), filtered ones and the records report on the facts through the filter's index; days, hours "
                + "and percentiles are made from the groups in Java.%n%n", r.entries(), r.facts(), r.fillSeconds()));
        md.append("| question (30 days) | ms |\n|---|---:|\n");
        for (Timing t : r.timings()) {
            md.append(String.format("| %s | %.0f |%n", t.question(), t.medianMillis()));
        }
        md.append(String.format("%nSlowest: **%.0f ms** (target: well under a second).%n%n", r.slowestMillis()));
        return md.toString();
    }

    static void write(Path out, Result r) throws IOException {
        Files.createDirectories(out.resolve("benchmarks"));
        Files.writeString(out.resolve("benchmarks/analytics.md"), section(r));
    }
}
