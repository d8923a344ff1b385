package org.baton.core.audit;

import java.time.Instant;

/**
 * A search of the audit trail: every filter optional; newest first; at most {@code limit} (1..1000) entries from
 * {@code offset}.
 */
public record AuditQuery(String resourceId, String userId, String action, Instant from, Instant to, int offset, int limit) {
    public AuditQuery {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be between 1 and 10000");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
    }

    public boolean matches(AuditEntry entry) {
        AuditRecord r = entry.record();
        return (resourceId == null || resourceId.equals(r.resourceId()))
                && (userId == null || userId.equals(r.actorUserId()))
                && (action == null || action.equals(r.action()))
                && (from == null || !r.at().isBefore(from))
                && (to == null || r.at().isBefore(to));
    }
}
