package org.baton.core.analytics;

import java.time.Instant;

/**
 * One countable fact read from one audit entry ({@link AuditFacts}): what kind, when, about which record and section,
 * by whom, how long it lasted and why. The statistics count facts, never raw entries, so every figure is traceable to
 * the entry {@code seq} it came from.
 *
 * @param recordKey the record as {@code type:id} (sections of one record share it)
 * @param durationMillis how long it lasted (waits, holds), or null
 */
public record AuditFact(long seq, Instant at, FactKind kind, String cause, String resourceType, String recordKey, String section,
                        String userId, String role, Long durationMillis, String reason) {
}
