package org.baton.core.store;

import java.time.Instant;
import java.util.List;
import org.baton.core.LockEvent;
import org.baton.core.LockState;

/**
 * Everything one decision writes about one resource, in one atomic step: the next state, the per-user guard it must
 * pass, the events it produced (journaled for the audit trail and announced on the event bus together with the
 * state), when the state's next time-driven transition is due (so any instance can sweep it, even when the one that
 * decided is gone), and the session that already has the decision as its direct answer.
 *
 * @param nextDeadline the earliest deadline of {@code next}, or null when nothing is due later
 * @param callerSessionId the session that asked (it gets the outcome directly), or null for timers and sweeps
 * @param at when the decision was made (the coordinator's clock): the row's last change, for housekeeping
 * @param waitersChanged whether the users waiting ({@link LockState#waitingUsers()}) differ from the state replaced, so
 *                       a store that lists them apart must rewrite that list; a store may skip the rewrite when false
 */
public record LockWrite(LockState next, HolderGuard guard, List<LockEvent> events, Instant nextDeadline, String callerSessionId,
                        Instant at, boolean waitersChanged) {
    public LockWrite {
        events = List.copyOf(events);
    }

    /** A write that does not know the state it replaces: the store rewrites every derived list. */
    public LockWrite(LockState next, HolderGuard guard, List<LockEvent> events, Instant nextDeadline, String callerSessionId, Instant at) {
        this(next, guard, events, nextDeadline, callerSessionId, at, true);
    }

    /** A bare write with no events, no deadline and no caller, dated at the epoch (store tests). */
    public static LockWrite of(LockState next, HolderGuard guard) {
        return new LockWrite(next, guard, List.of(), null, null, Instant.EPOCH);
    }
}
