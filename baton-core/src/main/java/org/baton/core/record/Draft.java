package org.baton.core.record;

import java.time.Instant;
import org.baton.core.ResourceId;

/**
 * A user's autosaved, unsaved form content for one resource: one per (user, resource), replaced by each autosave.
 * It needs no lease, so a displaced holder's last words are still kept.
 *
 * @param data the client's JSON document as text (records put their fields under {@code fields})
 * @param baseVersion the record version the edit started from, when known; the base of a later merge
 */
public record Draft(String userId, ResourceId resourceId, String data, Long baseVersion, Instant savedAt, String sessionId) {
}
