package org.baton.store.jdbc.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.baton.core.analytics.AnalyticsQuery;
import org.baton.core.analytics.AnalyticsSummary;
import org.baton.core.analytics.ContentiousRecord;
import org.baton.core.analytics.DayCounts;
import org.baton.core.analytics.DayWaits;
import org.baton.core.analytics.DurationDistribution;
import org.baton.core.analytics.EditHeatmap;
import org.baton.core.analytics.FactKind;
import org.baton.core.analytics.LockAnalytics;
import org.baton.core.analytics.OverrideEvent;
import org.baton.core.analytics.Slots;
import org.baton.store.jdbc.Database;

/**
 * {@link LockAnalytics} on either database, in standard SQL: each answer is one grouped query; days, hours and
 * percentiles are made from the groups by the core ({@code Slots}, {@code DurationDistribution}). Nothing is cached:
 * every answer is what the trail holds at that moment, on every instance alike: each query first catches up the
 * {@link FactsFollower}, which adds the facts of entries committed since it last ran.
 *
 * <p>An unfiltered question reads the quarter-hour roll-up ({@code audit_fact_slots}) for the whole slots of its range
 * and the facts only for the partial slots at its two ends, so its cost grows with the range, not with the traffic;
 * a filtered one (type, section, ward, user, role) reads the facts through the index of its filter. The records report
 * and the list of overrides read the facts (they need the record and the reason).
 */
public final class JdbcLockAnalytics implements LockAnalytics {
    private final Database database;
    private final FactsFollower follower;

    public JdbcLockAnalytics(Database database) {
        this.database = database;
        this.follower = new FactsFollower(database);
    }

    @Override
    public DurationDistribution lockDurations(AnalyticsQuery q) {
        return durations(q, FactKind.LOCK_HELD);
    }

    @Override
    public List<DayWaits> queueWaits(AnalyticsQuery q) {
        DayWaits.Collector days = new DayWaits.Collector(q);
        Source source = new Source(q, Source.BY_BUCKET, FactKind.QUEUE_WAIT);
        query("select slot, bucket, sum(n), max(longest), sum(total) from (" + source.sql + ") s where bucket >= 0 group by slot, bucket",
                source.args, rs -> days.add(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
        return days.days();
    }

    @Override
    public List<DayCounts> overridesPerDay(AnalyticsQuery q) {
        return perDay(q, FactKind.OVERRIDE);
    }

    @Override
    public List<OverrideEvent> overrides(AnalyticsQuery q, int limit) {
        List<OverrideEvent> out = new ArrayList<>();
        Where where = new Where(q, FactKind.OVERRIDE);
        List<Object> args = new ArrayList<>(where.args);
        args.add(limit);
        query("select seq, at_millis, cause, record_key, section, user_id, role, reason from audit_facts" + where.sql
                + " order by at_millis desc, seq desc limit ?", args, rs -> out.add(new OverrideEvent(rs.getLong(1),
                Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(8))));
        return out;
    }

    @Override
    public List<DayCounts> timeouts(AnalyticsQuery q) {
        return perDay(q, FactKind.TIMEOUT);
    }

    @Override
    public List<DayCounts> draftRecoveries(AnalyticsQuery q) {
        return perDay(q, FactKind.DRAFT_RECOVERY);
    }

    @Override
    public List<ContentiousRecord> contentiousRecords(AnalyticsQuery q, int limit) {
        List<ContentiousRecord> out = new ArrayList<>();
        Where where = new Where(q, FactKind.QUEUE_WAIT, FactKind.OVERRIDE, FactKind.ASK);
        List<Object> args = new ArrayList<>(where.args);
        args.add(limit);
        query("select record_key,"
                + " sum(case when kind = 'QUEUE_WAIT' then 1 else 0 end) as waits,"
                + " sum(case when kind = 'QUEUE_WAIT' then duration_millis else 0 end) as waited,"
                + " max(case when kind = 'QUEUE_WAIT' then duration_millis else 0 end),"
                + " sum(case when kind = 'OVERRIDE' then 1 else 0 end) as overrides,"
                + " sum(case when kind = 'ASK' then 1 else 0 end)"
                + " from audit_facts" + where.sql + " and record_key is not null"
                + " group by record_key order by waited desc, overrides desc, record_key limit ?", args,
                rs -> out.add(new ContentiousRecord(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6))));
        return out;
    }

    @Override
    public EditHeatmap editPatterns(AnalyticsQuery q) {
        EditHeatmap.Collector heat = new EditHeatmap.Collector(q);
        Source source = new Source(q, Source.BY_CAUSE, FactKind.EDIT_STARTED);
        query("select slot, role, sum(n) from (" + source.sql + ") s group by slot, role", source.args,
                rs -> heat.add(rs.getLong(1), rs.getString(2).isEmpty() ? null : rs.getString(2), rs.getLong(3)));
        return heat.heatmap();
    }

    @Override
    public AnalyticsSummary summary(AnalyticsQuery q) {
        long[] edits = new long[1];
        long[] overrides = new long[1];
        long[] timeouts = new long[1];
        long[] restored = new long[1];
        long[] discarded = new long[1];
        long[] held = new long[2];
        Source source = new Source(q, Source.BY_CAUSE, FactKind.EDIT_STARTED, FactKind.LOCK_HELD, FactKind.OVERRIDE, FactKind.TIMEOUT, FactKind.DRAFT_RECOVERY);
        query("select kind, cause, sum(n), sum(total) from (" + source.sql + ") s group by kind, cause", source.args, rs -> {
            String cause = rs.getString(2);
            long count = rs.getLong(3);
            switch (FactKind.valueOf(rs.getString(1))) {
                case EDIT_STARTED -> edits[0] += count;
                case LOCK_HELD -> {
                    held[0] += count;
                    held[1] += rs.getLong(4);
                }
                case OVERRIDE -> overrides[0] += count;
                case TIMEOUT -> timeouts[0] += switch (cause) {
                    case "EXPIRED", "IDLE_TIMEOUT", "GRACE_PERIOD_EXPIRED" -> count;
                    default -> 0;
                };
                case DRAFT_RECOVERY -> {
                    if ("RESTORED".equals(cause)) {
                        restored[0] += count;
                    } else {
                        discarded[0] += count;
                    }
                }
                default -> { }
            }
        });
        DurationDistribution waits = durations(q, FactKind.QUEUE_WAIT);
        long offered = restored[0] + discarded[0];
        return new AnalyticsSummary(edits[0], held[0] == 0 ? null : Math.round((double) held[1] / held[0]), waits.total(),
                waits.percentileMillis(0.5), waits.percentileMillis(0.9), overrides[0],
                edits[0] == 0 ? 0.0 : (double) overrides[0] / edits[0], timeouts[0], restored[0], discarded[0],
                offered == 0 ? null : (double) restored[0] / offered);
    }

    private DurationDistribution durations(AnalyticsQuery q, FactKind kind) {
        DurationDistribution distribution = new DurationDistribution();
        Source source = new Source(q, Source.BY_BUCKET, kind);
        query("select bucket, sum(n), max(longest), sum(total) from (" + source.sql + ") s where bucket >= 0 group by bucket", source.args,
                rs -> distribution.add(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
        return distribution;
    }

    private List<DayCounts> perDay(AnalyticsQuery q, FactKind kind) {
        DayCounts.Collector days = new DayCounts.Collector(q, kind);
        Source source = new Source(q, Source.BY_CAUSE, kind);
        query("select slot, cause, sum(n) from (" + source.sql + ") s group by slot, cause", source.args,
                rs -> days.add(rs.getLong(1), rs.getString(2), rs.getLong(3)));
        return days.days();
    }

    /** One row of a result. */
    @FunctionalInterface
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, List<Object> args, Row row) {
        follower.catchUp();
        database.read((Connection c) -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    select.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        row.read(rs);
                    }
                }
            }
            return null;
        });
    }

    /**
     * The rows {@code (slot, kind, cause, bucket, role, n, total, longest)} of a question's facts ('' and -1 for none):
     * the roll-up's rows of one projection (by cause, or by duration bucket) for the whole slots of an unfiltered range
     * plus single facts for its partial end slots, or single facts alone when the question filters. A query groups only
     * by the columns of its projection.
     */
    private static final class Source {
        static final String BY_CAUSE = "C";
        static final String BY_BUCKET = "B";
        private static final String FACTS = "select slot, kind, coalesce(cause, '') as cause, coalesce(duration_bucket, -1) as bucket,"
                + " coalesce(role, '') as role, 1 as n, coalesce(duration_millis, 0) as total, coalesce(duration_millis, 0) as longest"
                + " from audit_facts";
        final String sql;
        final List<Object> args = new ArrayList<>();

        Source(AnalyticsQuery q, String projection, FactKind... kinds) {
            boolean filtered = q.resourceType() != null || q.section() != null || q.ward() != null || q.userId() != null || q.role() != null;
            long from = q.from().toEpochMilli();
            long to = q.to().toEpochMilli();
            long firstWhole = Math.floorDiv(from + Slots.MILLIS - 1, Slots.MILLIS);
            long endWhole = Math.floorDiv(to, Slots.MILLIS);
            if (filtered || firstWhole >= endWhole) {
                Where where = new Where(q, kinds);
                sql = FACTS + where.sql;
                args.addAll(where.args);
                return;
            }
            String in = kinds.length == 1 ? " = ?" : " in (" + "?,".repeat(kinds.length - 1) + "?)";
            StringBuilder s = new StringBuilder("select slot, kind, cause, duration_bucket as bucket, role, n, total_millis as total,"
                    + " longest_millis as longest from audit_fact_slots where kind" + in + " and projection = ? and slot >= ? and slot < ?");
            addKinds(kinds);
            args.add(projection);
            args.add(firstWhole);
            args.add(endWhole);
            s.append(" union all ").append(FACTS).append(" where kind").append(in)
                    .append(" and ((at_millis >= ? and at_millis < ?) or (at_millis >= ? and at_millis < ?))");
            addKinds(kinds);
            args.add(from);
            args.add(firstWhole * Slots.MILLIS);
            args.add(endWhole * Slots.MILLIS);
            args.add(to);
            sql = s.toString();
        }

        private void addKinds(FactKind... kinds) {
            for (FactKind kind : kinds) {
                args.add(kind.name());
            }
        }
    }

    /** The WHERE clause of a query on the facts: its kinds, its range, and each filter it sets. */
    private static final class Where {
        final String sql;
        final List<Object> args = new ArrayList<>();

        Where(AnalyticsQuery q, FactKind... kinds) {
            StringBuilder where = new StringBuilder(" where kind ");
            if (kinds.length == 1) {
                where.append("= ?");
            } else {
                where.append("in (").append("?,".repeat(kinds.length - 1)).append("?)");
            }
            for (FactKind kind : kinds) {
                args.add(kind.name());
            }
            where.append(" and at_millis >= ? and at_millis < ?");
            args.add(q.from().toEpochMilli());
            args.add(q.to().toEpochMilli());
            filter(where, "resource_type", q.resourceType());
            filter(where, "section", q.section());
            filter(where, "ward", q.ward());
            filter(where, "user_id", q.userId());
            filter(where, "role", q.role());
            sql = where.toString();
        }

        private void filter(StringBuilder where, String column, String value) {
            if (value != null) {
                where.append(" and ").append(column).append(" = ?");
                args.add(value);
            }
        }
    }
}
