package org.baton.core.analytics;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The queue waits that ended on one day: how many, their median and 90th percentile (see {@link DurationDistribution}). */
public record DayWaits(LocalDate day, long waits, Long medianMillis, Long p90Millis) {

    /** Collects (slot, bucket, count, longest) groups into one {@link DayWaits} per day of the query. */
    public static final class Collector {
        private final AnalyticsQuery query;
        private final Map<LocalDate, DurationDistribution> byDay = new TreeMap<>();

        public Collector(AnalyticsQuery query) {
            this.query = query;
        }

        public Collector add(long slot, int bucket, long count, long longestMillis, long sumMillis) {
            byDay.computeIfAbsent(Slots.day(slot, query.zone()), d -> new DurationDistribution()).add(bucket, count, longestMillis, sumMillis);
            return this;
        }

        public List<DayWaits> days() {
            return Slots.days(query).stream().map(day -> {
                DurationDistribution d = byDay.getOrDefault(day, new DurationDistribution());
                return new DayWaits(day, d.total(), d.percentileMillis(0.5), d.percentileMillis(0.9));
            }).toList();
        }
    }
}
