package org.baton.core.store;

import java.time.Instant;
import java.util.List;
import org.baton.core.Lease;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.core.ResourceId;

/**
 * Where lock states live: a dumb, durable map from resource to {@link LockState} with compare-and-set. No lock rule
 * lives here; the store compares versions, counts a user's live leases or queue places for the {@link HolderGuard},
 * and keeps each state's next deadline so that due resources can be found by any instance.
 *
 * <p>Every write is one atomic step (one transaction): the state, the audit journal of the decision's events, and
 * its announcement on the event bus ({@link org.baton.core.bus.BusMessage.ResourceChanged}, delivered only once the
 * write is durable, in commit order) are committed together or not at all. Implementations keep each resource's
 * {@code lastFence} forever (a row may be compacted only if its fence is remembered elsewhere), so fencing tokens
 * never repeat, not even after a restart. They throw {@link StoreUnavailableException} when they cannot read or
 * durably write.
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

    /**
     * Atomically stores {@code write.next()} if the stored version is {@code expectedVersion} and the guard holds;
     * when it writes, the events are journaled and announced in the same step.
     */
    CasResult compareAndSet(ResourceId id, long expectedVersion, LockWrite write);

    /** {@link #compareAndSet(ResourceId, long, LockWrite)} with no events, no deadline and no caller. */
    default CasResult compareAndSet(ResourceId id, long expectedVersion, LockState next, HolderGuard guard) {
        return compareAndSet(id, expectedVersion, LockWrite.of(next, guard));
    }

    /** Journals the events of a decision that changed no state (a refused attempt); they are not announced. */
    void journal(List<LockEvent> events);

    /** Every non-idle state (for admin views and alerts). */
    List<LockState> activeStates();

    /** The leases {@code userId} holds, live or not yet settled. */
    List<Lease> leasesHeldBy(String userId);

    /** Up to {@code limit} resources whose stored next deadline is at or before {@code now}, earliest first. */
    List<ResourceId> due(Instant now, int limit);

    /**
     * Housekeeping: forgets states that have been idle (nobody holding, waiting, watching or asking) since before
     * {@code cutoff}, first raising the store's fence floor to their last fencing tokens, so that a forgotten
     * resource's next grant still gets a token above every one it ever had; returns how many were forgotten.
     */
    int forgetIdleBefore(Instant cutoff);

    /** Replaces the stored next deadline of {@code id} if its version is still {@code version} (no version change). */
    void reschedule(ResourceId id, long version, Instant nextDeadline);
}
