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
import org.baton.store.jdbc.Database;

/**
 * {@link LockAnalytics} on either database: each answer is one or two grouped queries over {@code audit_facts} (kind and
 * time range on an index that covers the grouped columns), in standard SQL; days, hours and percentiles are made from
 * the groups by the core ({@code Slots}, {@code DurationDistribution}). Nothing is cached: every answer is what the
 * trail holds at that moment, on every instance alike.
 */
public final class JdbcLockAnalytics implements LockAnalytics {
    private final Database database;

    public JdbcLockAnalytics(Database database) {
        this.database = database;
    }

    @Override
    public DurationDistribution lockDurations(AnalyticsQuery q) {
        return durations(q, FactKind.LOCK_HELD);
    }

    @Override
    public List<DayWaits> queueWaits(AnalyticsQuery q) {
        DayWaits.Collector days = new DayWaits.Collector(q);
        Where where = new Where(q, FactKind.QUEUE_WAIT);
        query("select slot, duration_bucket, count(*), max(duration_millis), sum(duration_millis) from audit_facts" + where.sql
                + " group by slot, duration_bucket", where.args,
                rs -> days.add(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
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
        Where where = new Where(q, FactKind.EDIT_STARTED);
        query("select slot, role, count(*) from audit_facts" + where.sql + " group by slot, role", where.args,
                rs -> heat.add(rs.getLong(1), rs.getString(2), rs.getLong(3)));
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
        Where where = new Where(q, FactKind.EDIT_STARTED, FactKind.LOCK_HELD, FactKind.OVERRIDE, FactKind.TIMEOUT, FactKind.DRAFT_RECOVERY);
        query("select kind, cause, count(*), sum(duration_millis) from audit_facts" + where.sql + " group by kind, cause", where.args, rs -> {
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
        Where where = new Where(q, kind);
        query("select duration_bucket, count(*), max(duration_millis), sum(duration_millis) from audit_facts" + where.sql
                + " and duration_bucket is not null group by duration_bucket", where.args,
                rs -> distribution.add(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
        return distribution;
    }

    private List<DayCounts> perDay(AnalyticsQuery q, FactKind kind) {
        DayCounts.Collector days = new DayCounts.Collector(q, kind);
        Where where = new Where(q, kind);
        query("select slot, cause, count(*) from audit_facts" + where.sql + " group by slot, cause", where.args,
                rs -> days.add(rs.getLong(1), rs.getString(2), rs.getLong(3)));
        return days.days();
    }

    /** One row of a result. */
    @FunctionalInterface
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, List<Object> args, Row row) {
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

    /** The WHERE clause of a query: its kinds, its range, and each filter it sets. */
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
