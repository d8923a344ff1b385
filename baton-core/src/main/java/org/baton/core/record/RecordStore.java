package org.baton.core.record;

import java.util.List;
import java.util.Optional;
import org.baton.core.LeaseVerdict;
import org.baton.core.LockState;

/**
 * Port to where records and their history live. A save is one atomic step: the store checks the expected version,
 * asks the {@link LeaseGuard} about the lock state it sees in the same step, writes the new version and its history
 * row, and deletes the saver's draft, or does none of it.
 */
public interface RecordStore {
    Optional<VersionedRecord> get(String type, String id);

    /** Records of a type, newest change first. */
    List<VersionedRecord> list(String type, int offset, int limit);

    int count(String type);

    /** Every saved version, oldest first; empty when the record does not exist. */
    List<VersionedRecord> history(String type, String id);

    Optional<VersionedRecord> version(String type, String id, long version);

    /** Stores version 1 of a new record; false when a record with that id exists. */
    boolean create(VersionedRecord first);

    SaveResult save(SaveRequest request, LeaseGuard guard);

    /** The lease rule applied inside the save, given the lock state of the guarded resource as the store sees it. */
    @FunctionalInterface
    interface LeaseGuard {
        LeaseVerdict check(LockState lockState);
    }
}
