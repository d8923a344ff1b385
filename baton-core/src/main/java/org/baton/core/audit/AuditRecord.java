package org.baton.core.audit;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One audit fact before it is chained: who did what to which resource, when, how serious, and why. The trail
 * assigns its sequence number and hashes.
 *
 * @param severity {@code INFO}, {@code WARNING} (refusals) or {@code HIGH} (takeovers, admin releases)
 */
public record AuditRecord(Instant at, String actorUserId, String actorName, String actorRole, String action,
                          String resourceId, String severity, String reason, Map<String, String> details) {
    public AuditRecord {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(details));
    }
}
