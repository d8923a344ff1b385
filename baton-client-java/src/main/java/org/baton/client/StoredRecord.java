package org.baton.client;

import java.time.Instant;
import java.util.Map;

/** One version of a record kept by Baton's record API; {@code version} is what a guarded save names in If-Match. */
public record StoredRecord(String id, String type, long version, Map<String, Object> fields, Instant updatedAt, String updatedBy) {
}
