package org.baton.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What changed, for everyone who cares: presence pushes, {@code lock:*} events, notifications and audit entries are
 * all derived from these. Each event says whom it concerns through the actors and leases it carries:
 * {@link #resourceWide()} events go to every session joined to the resource; the others go to the sessions named.
 */
public sealed interface LockEvent {
    ResourceId resourceId();

    /** True when every session joined to the resource should receive it. */
    default boolean resourceWide() {
        return false;
    }

    /** How a lease was granted. */
    enum Via { DIRECT, QUEUE_AUTO_ACQUIRE, CLAIM, ASK_APPROVED, TAKEOVER_APPROVED, TAKEOVER_FORCED, EMERGENCY, MOVED }

    /**
     * A lease was granted {@code via} a route; {@code queuedSince} is when the new holder joined the queue they were
     * served from (null when they did not wait in line), so the audit trail can tell how long they waited.
     */
    record Acquired(Lease lease, Via via, String handoverNote, Instant queuedSince) implements LockEvent {
        public ResourceId resourceId() {
            return lease.resourceId();
        }

        public boolean resourceWide() {
            return true;
        }
    }

    /** A lease ended; {@code by} and {@code reason} are set for takeovers and admin releases. */
    record Released(Lease lease, ReleaseCause cause, String note, Actor by, String reason) implements LockEvent {
        public ResourceId resourceId() {
            return lease.resourceId();
        }

        public boolean resourceWide() {
            return true;
        }
    }

    /** The holder will be released for inactivity at {@code idleExpiresAt} unless they act. */
    record Expiring(Lease lease) implements LockEvent {
        public ResourceId resourceId() {
            return lease.resourceId();
        }
    }

    record Queued(ResourceId resourceId, Actor actor, int position, Duration estimatedWait) implements LockEvent { }

    /** Why a waiter left the queue without getting the lock. */
    enum QueueExit {
        /** They left (or left the resource). */
        LEFT,
        /** Their connection stayed down past the disconnect grace. */
        GRACE_PERIOD_EXPIRED,
        /** Their place was older than the queue timeout. */
        EXPIRED
    }

    /** Someone left the queue without the lock, and why. */
    record LeftQueue(ResourceId resourceId, Actor actor, QueueExit why) implements LockEvent { }

    /**
     * A waiter's place or estimated wait changed because someone ahead left, was served or timed out (not sent for
     * the waiter's own join: that is {@link Queued}).
     */
    record QueuePositionChanged(ResourceId resourceId, Actor actor, int position, Duration estimatedWait) implements LockEvent { }

    /** The lock is free for {@code actor} to claim until {@code claimBy}. */
    record YourTurn(ResourceId resourceId, Actor actor, Instant claimBy) implements LockEvent { }

    /** {@code actor} did not claim in time; the turn passed on. */
    record TurnPassed(ResourceId resourceId, Actor actor) implements LockEvent { }

    record HolderDisconnected(Lease lease, Instant graceEndsAt) implements LockEvent {
        public ResourceId resourceId() {
            return lease.resourceId();
        }

        public boolean resourceWide() {
            return true;
        }
    }

    record HolderResumed(Lease lease) implements LockEvent {
        public ResourceId resourceId() {
            return lease.resourceId();
        }

        public boolean resourceWide() {
            return true;
        }
    }

    /** To the holder: {@code ask.from} asks for the lock. */
    record AskReceived(ResourceId resourceId, LockState.Ask ask, Actor holder) implements LockEvent { }

    /** To the asker: the holder answered, or the request timed out ({@code approved} false, {@code timedOut} true). */
    record AskAnswered(ResourceId resourceId, LockState.Ask ask, boolean approved, boolean timedOut) implements LockEvent { }

    /** To the holder: {@code from} requests a takeover, forced at {@code autoForceAt}. */
    record TakeoverRequested(ResourceId resourceId, Actor from, String reason, Instant autoForceAt, Actor holder) implements LockEvent { }

    /** To the requester: the holder objected; the takeover is still forced at the deadline. */
    record TakeoverDenied(ResourceId resourceId, Actor from, Actor holder) implements LockEvent { }

    /** To the displaced holder: {@code by} took the lock for {@code reason}. */
    record TakenOver(Lease displaced, Actor by, String reason, boolean emergency) implements LockEvent {
        public ResourceId resourceId() {
            return displaced.resourceId();
        }
    }

    /** To the current holder: {@code from}, who held the lock before, left {@code note} after losing it. */
    record NoteLeft(ResourceId resourceId, Actor from, Actor holder, String note) implements LockEvent { }

    /** The admin {@code by} released the lock for {@code reason}. */
    record AdminReleased(Lease released, Actor by, String reason) implements LockEvent {
        public ResourceId resourceId() {
            return released.resourceId();
        }
    }

    /** A command was refused (for the audit trail of denied attempts). */
    record Refused(ResourceId resourceId, Actor actor, String command, RefusalCode code) implements LockEvent { }

    /** Who is on the resource changed. */
    record PresenceChanged(ResourceId resourceId, List<PresenceEntry> users) implements LockEvent {
        public boolean resourceWide() {
            return true;
        }
    }
}
