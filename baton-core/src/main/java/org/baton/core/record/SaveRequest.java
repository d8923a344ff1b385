package org.baton.core.record;

import org.baton.core.ResourceId;

/**
 * A guarded save: the whole new field set, the version it was based on ({@code If-Match}), and the resource whose
 * lease guards it. The store writes {@code expectedVersion + 1} with the fencing token of the lease the guard found.
 */
public record SaveRequest(String type, String id, long expectedVersion, java.util.Map<String, Object> fields,
                          ResourceId lockResource, String userId, java.time.Instant at) {
}
