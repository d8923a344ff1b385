package org.baton.core.audit;

import java.util.List;

/**
 * The append-only, hash-chained record of every lock event, refusal, takeover and admin action. Appends are
 * serialised and atomic (entry and chain head together); nothing is ever updated or deleted.
 */
public interface AuditTrail {
    /** Appends records in order, in one atomic step, and returns them chained. */
    List<AuditEntry> append(List<AuditRecord> records);

    /** Entries matching the query, newest first. */
    List<AuditEntry> search(AuditQuery query);

    /**
     * Walks the whole chain, as one consistent snapshot, and compares it with the stored head (and, for a sealed
     * trail, with the seals and the checkpoints kept outside the store).
     */
    AuditChain.Report verify();

    /** The chain head now (for checkpoints kept outside the store). */
    AuditChain.Head head();
}
