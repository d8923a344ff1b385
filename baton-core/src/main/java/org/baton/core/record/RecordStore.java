package org.baton.core.record;

import java.util.List;
import java.util.Optional;
import org.baton.core.LeaseVerdict;
import org.baton.core.LockState;
import org.baton.core.audit.AuditRecord;

/**
 * Port to where records and their history live. A save is one atomic step: the store checks the expected version,
 * asks the {@link LeaseGuard} about the lock state it sees in the same step, writes the new version, its history row
 * and its audit entry ({@link SaveAudit}), and deletes the saver's draft, or does none of it. The audit entry is in the
 * step because a clinical record changed without its entry in the trail (a crash between two writes) is a gap an
 * auditor cannot tell from tampering, and a save that failed after it was written would be reported as not saved.
 */
public interface RecordStore {
    Optional<VersionedRecord> get(String type, String id);

    /** Records of a type, newest change first. */
    List<VersionedRecord> list(String type, int offset, int limit);

    int count(String type);

    /** Every saved version, oldest first; empty when the record does not exist. */
    List<VersionedRecord> history(String type, String id);

    Optional<VersionedRecord> version(String type, String id, long version);

    /** Stores version 1 of a new record with its audit entry; false (and nothing written) when a record with that id exists. */
    boolean create(VersionedRecord first, SaveAudit audit);

    /** The guarded save, with the written version's audit entry in the same atomic step. */
    SaveResult save(SaveRequest request, LeaseGuard guard, SaveAudit audit);

    /** The lease rule applied inside the save, given the lock state of the guarded resource as the store sees it. */
    @FunctionalInterface
    interface LeaseGuard {
        LeaseVerdict check(LockState lockState);
    }

    /**
     * The audit entry of a version about to be written, journaled in the same atomic step as the version; if it cannot
     * be written, neither is the version.
     */
    @FunctionalInterface
    interface SaveAudit {
        /** For data written without an entry of its own (demo and benchmark seeding, whose audit history is generated apart). */
        SaveAudit NONE = written -> null;

        /** The entry for {@code written}, or null for none. */
        AuditRecord entryFor(VersionedRecord written);
    }
}
