package org.baton.core.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When each role starts editing: editing sessions begun per role (rows, alphabetical) and hour of the day (columns
 * 0–23, in the query's time zone).
 */
public record EditHeatmap(List<String> roles, List<List<Long>> counts) {

    /** Collects (slot, role, count) groups. */
    public static final class Collector {
        private final AnalyticsQuery query;
        private final Map<String, long[]> byRole = new TreeMap<>();

        public Collector(AnalyticsQuery query) {
            this.query = query;
        }

        public Collector add(long slot, String role, long count) {
            byRole.computeIfAbsent(role == null ? "user" : role, r -> new long[24])[Slots.hour(slot, query.zone())] += count;
            return this;
        }

        public EditHeatmap heatmap() {
            List<List<Long>> counts = new ArrayList<>();
            byRole.values().forEach(hours -> counts.add(java.util.Arrays.stream(hours).boxed().toList()));
            return new EditHeatmap(List.copyOf(byRole.keySet()), counts);
        }
    }
}
