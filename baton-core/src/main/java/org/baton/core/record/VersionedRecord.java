package org.baton.core.record;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One saved version of a record: the fields as they were after the save, who saved them, when, and under which
 * lease (the fencing token and the locked resource), so an admin can see exactly what a takeover replaced.
 *
 * @param lockResource the resource id whose lease guarded this save (the record's {@code main} or a section)
 */
public record VersionedRecord(String type, String id, long version, Map<String, Object> fields, Instant updatedAt,
                              String updatedBy, Long fencingToken, String lockResource) {
    public VersionedRecord {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
