package org.baton.core.record;

import org.baton.core.RefusalCode;

/** What a guarded save did. */
public sealed interface SaveResult {
    /** Written as {@code record.version()}. */
    record Saved(VersionedRecord record) implements SaveResult {
    }

    /** The record moved on since the expected version; nothing written. */
    record VersionConflict(VersionedRecord current) implements SaveResult {
    }

    /** The caller's lease does not allow the write (no lease, another's, expired, stale fence); nothing written. */
    record LeaseRefused(RefusalCode code) implements SaveResult {
    }

    /** No such record. */
    record Missing() implements SaveResult {
    }
}
