package org.baton.core.analytics;

import java.util.List;

/**
 * Statistics of the durable audit trail, for the pain team and IT: how long locks are held, how long people wait,
 * how often and why locks are taken over, what times out, how often drafts save someone's work, which records are
 * contended, and when each role edits. Every answer is counted from the {@link AuditFact facts} of the trail's entries
 * in the query's range and filters, so it survives restarts and covers every instance writing to the same trail.
 *
 * <p>Implementations keep each answer's cost independent of the trail's age (indexes on the facts, grouping in the
 * database); the rules of counting — days and hours in a time zone, percentiles from buckets — are the core's
 * ({@link Slots}, {@link DurationDistribution}), so every store answers alike.
 */
public interface LockAnalytics {
    /** How long leases were held before they ended in the range (one per ended lease). */
    DurationDistribution lockDurations(AnalyticsQuery query);

    /** Queue waits that ended with the lock, per day: count, median, 90th percentile. */
    List<DayWaits> queueWaits(AnalyticsQuery query);

    /** Overrides per day, per kind (EMERGENCY, FORCED, APPROVED, ADMIN). */
    List<DayCounts> overridesPerDay(AnalyticsQuery query);

    /** The latest overrides of the range with their reasons, newest first, at most {@code limit}. */
    List<OverrideEvent> overrides(AnalyticsQuery query, int limit);

    /** Timeouts per day, per cause. */
    List<DayCounts> timeouts(AnalyticsQuery query);

    /** Drafts offered back per day: restored into the editor, or discarded. */
    List<DayCounts> draftRecoveries(AnalyticsQuery query);

    /** The records with the most queue wait (then the most overrides), at most {@code limit}. */
    List<ContentiousRecord> contentiousRecords(AnalyticsQuery query, int limit);

    /** Editing sessions begun per role and hour of the day. */
    EditHeatmap editPatterns(AnalyticsQuery query);

    /** The headline figures. */
    AnalyticsSummary summary(AnalyticsQuery query);
}
