package org.baton.core.store;

import java.util.List;
import org.baton.core.Lease;
import org.baton.core.LockState;
import org.baton.core.ResourceId;

/**
 * Where lock states live: a dumb, durable map from resource to {@link LockState} with compare-and-set. No lock rule
 * lives here; the store only compares versions and counts a user's live leases or queue places for the
 * {@link HolderGuard}.
 *
 * <p>Every mutation is one atomic step (one conditional UPDATE in SQL, one Lua compare-and-set in Redis).
 * Implementations must keep each resource's {@code lastFence} forever (never reset it by deleting a row), so fencing
 * tokens never repeat, not even after a restart. They throw {@link StoreUnavailableException} when they cannot
 * read or durably write.
 */
public interface LockStore {
    /** The outcome of a compare-and-set. */
    enum CasResult {
        /** Written; the stored version is now {@code expectedVersion + 1}. */
        WRITTEN,
        /** Someone else wrote first; reload and apply again. */
        VERSION_CONFLICT,
        /** The version matched but the guard's user is at the lock limit; nothing written. */
        GUARD_REFUSED
    }

    /** The state of {@code id} and its version; version 0 and {@link LockState#initial} when never written. */
    Versioned<LockState> load(ResourceId id);

    /** Atomically stores {@code next} if the stored version is {@code expectedVersion} and {@code guard} holds. */
    CasResult compareAndSet(ResourceId id, long expectedVersion, LockState next, HolderGuard guard);

    /**
     * {@link #compareAndSet}, and when it writes, the decision's events are journaled (the audit trail) in the same
     * atomic step: a decision and its audit entry are durable together or not at all, with one commit. Stores without
     * a journal ignore the events.
     */
    default CasResult compareAndSet(ResourceId id, long expectedVersion, LockState next, HolderGuard guard,
                                    List<org.baton.core.LockEvent> events) {
        return compareAndSet(id, expectedVersion, next, guard);
    }

    /** Journals the events of a decision that changed no state (a refused attempt); by default nowhere. */
    default void journal(List<org.baton.core.LockEvent> events) {
    }

    /** Every non-idle state (for admin views and for rescheduling timers after a restart). */
    List<LockState> activeStates();

    /** The leases {@code userId} holds, live or not yet settled. */
    List<Lease> leasesHeldBy(String userId);
}
