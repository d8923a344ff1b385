package org.baton.server.analytics;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
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
import org.baton.server.http.ApiException;
import org.baton.server.http.Csv;
import org.baton.server.http.RouteGroup;

/**
 * {@code GET /api/admin/analytics/*}: the API behind every chart of the dashboard's analytics (admin only, through
 * {@code AdminAccess}), as JSON or, with {@code format=csv}, as the table the chart draws. Each answer is one
 * {@link LockAnalytics} question ({@link AnalyticsRequest} reads it) turned into wire shapes: durations in seconds,
 * days as ISO dates of the asked time zone.
 */
public final class AnalyticsRoutes implements RouteGroup {
    static final String PREFIX = "/api/admin/analytics/";
    private static final int TOP = 20;
    private final LockAnalytics analytics;
    private final java.time.InstantSource clock;

    public AnalyticsRoutes(LockAnalytics analytics, java.time.InstantSource clock) {
        this.analytics = analytics;
        this.clock = clock;
    }

    /** One chart's answer: its JSON members, and the same data as a CSV table (header first). */
    private record Chart(Map<String, Object> json, List<List<?>> table) {
    }

    @Override
    public void register(RoutesConfig routes) {
        chart(routes, "summary", this::summary);
        chart(routes, "lock-durations", this::lockDurations);
        chart(routes, "queue-waits", this::queueWaits);
        chart(routes, "overrides", (a, q) -> perDay(a.overridesPerDay(q), FactKind.OVERRIDE));
        chart(routes, "override-reasons", this::overrideReasons);
        chart(routes, "timeouts", (a, q) -> perDay(a.timeouts(q), FactKind.TIMEOUT));
        chart(routes, "draft-recoveries", (a, q) -> perDay(a.draftRecoveries(q), FactKind.DRAFT_RECOVERY));
        chart(routes, "contentious-records", this::contentiousRecords);
        chart(routes, "edit-patterns", this::editPatterns);
    }

    private void chart(RoutesConfig routes, String name, BiFunction<LockAnalytics, AnalyticsQuery, Chart> answer) {
        routes.get(PREFIX + name, ctx -> {
            String format = AnalyticsRequest.text(ctx, "format");
            if (format != null && !format.equals("json") && !format.equals("csv")) {
                throw ApiException.badRequest("INVALID_FIELD", "'format' must be json or csv.");
            }
            AnalyticsQuery query = AnalyticsRequest.of(ctx, clock);
            Chart chart = answer.apply(analytics, query);
            if ("csv".equals(format)) {
                StringBuilder sb = new StringBuilder();
                chart.table().forEach(row -> Csv.row(sb, row));
                ctx.contentType("text/csv; charset=utf-8");
                ctx.header("Content-Disposition", "attachment; filename=\"baton-" + name + ".csv\"");
                ctx.result(sb.toString());
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("from", query.from());
            body.put("to", query.to());
            body.put("zone", query.zone().getId());
            body.putAll(chart.json());
            ctx.json(body);
        });
    }

    private Chart summary(LockAnalytics a, AnalyticsQuery q) {
        AnalyticsSummary s = a.summary(q);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("edits", s.edits());
        json.put("averageHoldSeconds", seconds(s.averageHoldMillis()));
        json.put("waits", s.waits());
        json.put("medianWaitSeconds", seconds(s.medianWaitMillis()));
        json.put("p90WaitSeconds", seconds(s.p90WaitMillis()));
        json.put("overrides", s.overrides());
        json.put("overrideRate", s.overrideRate());
        json.put("lockTimeouts", s.lockTimeouts());
        json.put("draftsRestored", s.draftsRestored());
        json.put("draftsDiscarded", s.draftsDiscarded());
        json.put("recoveryRate", s.recoveryRate());
        List<List<?>> table = new ArrayList<>();
        table.add(List.of("figure", "value"));
        json.forEach((k, v) -> table.add(java.util.Arrays.asList(k, v)));
        return new Chart(json, table);
    }

    private Chart lockDurations(LockAnalytics a, AnalyticsQuery q) {
        DurationDistribution d = a.lockDurations(q);
        List<Map<String, Object>> bins = new ArrayList<>();
        List<List<?>> table = new ArrayList<>();
        table.add(List.of("bucket", "upToSeconds", "count"));
        for (DurationDistribution.Bin bin : d.bins()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("label", bin.label());
            b.put("upToSeconds", bin.upToSeconds());
            b.put("count", bin.count());
            bins.add(b);
            table.add(java.util.Arrays.asList(bin.label(), bin.upToSeconds(), bin.count()));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", d.total());
        json.put("averageSeconds", seconds(d.averageMillis()));
        json.put("medianSeconds", seconds(d.percentileMillis(0.5)));
        json.put("p90Seconds", seconds(d.percentileMillis(0.9)));
        json.put("bins", bins);
        return new Chart(json, table);
    }

    private Chart queueWaits(LockAnalytics a, AnalyticsQuery q) {
        List<Map<String, Object>> days = new ArrayList<>();
        List<List<?>> table = new ArrayList<>();
        table.add(List.of("day", "waits", "medianSeconds", "p90Seconds"));
        for (DayWaits d : a.queueWaits(q)) {
            Map<String, Object> day = new LinkedHashMap<>();
            day.put("day", d.day().toString());
            day.put("waits", d.waits());
            day.put("medianSeconds", seconds(d.medianMillis()));
            day.put("p90Seconds", seconds(d.p90Millis()));
            days.add(day);
            table.add(java.util.Arrays.asList(d.day().toString(), d.waits(), seconds(d.medianMillis()), seconds(d.p90Millis())));
        }
        return new Chart(Map.of("days", days), table);
    }

    private static Chart perDay(List<DayCounts> counts, FactKind kind) {
        List<Map<String, Object>> days = new ArrayList<>();
        List<List<?>> table = new ArrayList<>();
        List<Object> header = new ArrayList<>(List.of("day"));
        header.addAll(kind.causes());
        table.add(header);
        Map<String, Long> totals = new LinkedHashMap<>();
        kind.causes().forEach(c -> totals.put(c, 0L));
        for (DayCounts d : counts) {
            days.add(Map.of("day", d.day().toString(), "counts", d.counts()));
            List<Object> row = new ArrayList<>(List.of(d.day().toString()));
            kind.causes().forEach(c -> row.add(d.counts().getOrDefault(c, 0L)));
            table.add(row);
            d.counts().forEach((c, n) -> totals.merge(c, n, Long::sum));
        }
        return new Chart(Map.of("causes", kind.causes(), "totals", totals, "days", days), table);
    }

    private Chart overrideReasons(LockAnalytics a, AnalyticsQuery q) {
        List<Map<String, Object>> list = new ArrayList<>();
        List<List<?>> table = new ArrayList<>();
        table.add(List.of("at", "kind", "resourceId", "by", "role", "reason"));
        for (OverrideEvent e : a.overrides(q, 200)) {
            String resource = e.recordKey() == null ? null : e.recordKey() + ":" + e.section();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at());
            m.put("kind", e.cause());
            m.put("resourceId", resource);
            m.put("by", e.userId());
            m.put("role", e.role());
            m.put("reason", e.reason());
            list.add(m);
            table.add(java.util.Arrays.asList(e.at().toString(), e.cause(), resource, e.userId(), e.role(), e.reason()));
        }
        return new Chart(Map.of("overrides", list), table);
    }

    private Chart contentiousRecords(LockAnalytics a, AnalyticsQuery q) {
        List<Map<String, Object>> records = new ArrayList<>();
        List<List<?>> table = new ArrayList<>();
        table.add(List.of("record", "waits", "totalWaitSeconds", "longestWaitSeconds", "overrides", "asks"));
        for (ContentiousRecord r : a.contentiousRecords(q, TOP)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("record", r.recordKey());
            m.put("type", r.resourceType());
            m.put("id", r.recordId());
            m.put("link", "/record?type=" + r.resourceType() + "&id=" + r.recordId());
            m.put("waits", r.waits());
            m.put("totalWaitSeconds", seconds(r.totalWaitMillis()));
            m.put("longestWaitSeconds", seconds(r.longestWaitMillis()));
            m.put("overrides", r.overrides());
            m.put("asks", r.asks());
            records.add(m);
            table.add(List.of(r.recordKey(), r.waits(), seconds(r.totalWaitMillis()), seconds(r.longestWaitMillis()), r.overrides(), r.asks()));
        }
        return new Chart(Map.of("records", records), table);
    }

    private Chart editPatterns(LockAnalytics a, AnalyticsQuery q) {
        EditHeatmap heat = a.editPatterns(q);
        List<List<?>> table = new ArrayList<>();
        List<Object> header = new ArrayList<>(List.of("role"));
        for (int h = 0; h < 24; h++) {
            header.add(String.format("%02d:00", h));
        }
        table.add(header);
        for (int i = 0; i < heat.roles().size(); i++) {
            List<Object> row = new ArrayList<>(List.of(heat.roles().get(i)));
            row.addAll(heat.counts().get(i));
            table.add(row);
        }
        return new Chart(Map.of("roles", heat.roles(), "counts", heat.counts()), table);
    }

    private static Double seconds(Long millis) {
        return millis == null ? null : millis / 1000.0;
    }
}
