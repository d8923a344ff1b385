package org.baton.core.analytics;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How many facts of one kind happened on one day, per cause (every cause of the kind present, zeros included). */
public record DayCounts(LocalDate day, Map<String, Long> counts) {
    public DayCounts {
        counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Collects (slot, cause, count) groups into one {@link DayCounts} per day of the query. */
    public static final class Collector {
        private final AnalyticsQuery query;
        private final FactKind kind;
        private final Map<LocalDate, Map<String, Long>> byDay = new TreeMap<>();

        public Collector(AnalyticsQuery query, FactKind kind) {
            this.query = query;
            this.kind = kind;
        }

        public Collector add(long slot, String cause, long count) {
            byDay.computeIfAbsent(Slots.day(slot, query.zone()), d -> new LinkedHashMap<>()).merge(cause, count, Long::sum);
            return this;
        }

        public List<DayCounts> days() {
            return Slots.days(query).stream().map(day -> {
                Map<String, Long> counts = new LinkedHashMap<>();
                kind.causes().forEach(c -> counts.put(c, 0L));
                byDay.getOrDefault(day, Map.of()).forEach((cause, n) -> counts.merge(cause, n, Long::sum));
                return new DayCounts(day, counts);
            }).toList();
        }
    }
}
