package org.baton.core.analytics;

/**
 * The headline figures of a range (the seed's monitoring list): editing sessions begun, the average lock duration,
 * queue waits with their median and 90th percentile, overrides and their share of all grants, lock timeouts (no
 * heartbeat, idle, lost connection), and drafts offered back with how many were restored.
 *
 * @param overrideRate overrides per editing session begun (0 when none began)
 * @param recoveryRate restored drafts among those offered back (null when none were)
 */
public record AnalyticsSummary(long edits, Long averageHoldMillis, long waits, Long medianWaitMillis, Long p90WaitMillis, long overrides,
                               double overrideRate, long lockTimeouts, long draftsRestored, long draftsDiscarded, Double recoveryRate) {
}
