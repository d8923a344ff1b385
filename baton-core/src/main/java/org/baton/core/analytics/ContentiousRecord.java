package org.baton.core.analytics;

/**
 * One record's contention in a range: waits in its queues (how many, their total and the longest), overrides and
 * asks, over all of its sections. The report ranks records by total wait, then overrides.
 */
public record ContentiousRecord(String recordKey, long waits, long totalWaitMillis, long longestWaitMillis, long overrides, long asks) {
    /** The record type (before the colon). */
    public String resourceType() {
        return recordKey.substring(0, recordKey.indexOf(':'));
    }

    /** The record id (after the colon). */
    public String recordId() {
        return recordKey.substring(recordKey.indexOf(':') + 1);
    }
}
