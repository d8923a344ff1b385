package org.baton.core.analytics;

import java.time.Instant;

/** One takeover or admin release: when, which kind, on which record and section, by whom, and the reason they gave. */
public record OverrideEvent(long seq, Instant at, String cause, String recordKey, String section, String userId, String role, String reason) {
}
