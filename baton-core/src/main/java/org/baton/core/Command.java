package org.baton.core;

/**
 * Everything that can be asked of one resource's lock. Each command is applied by {@link LockMachine} in one pure
 * transition; REST and WebSocket build the same commands.
 */
public sealed interface Command {
    /** What an acquire does when someone else holds the lock. */
    enum IfHeld { DENY, QUEUE, POLICY }

    /** Take the editor lock (viewer → editor); {@code ifHeld} decides between refusal, queueing and the type's upgrade mode. */
    record Acquire(Actor actor, IfHeld ifHeld) implements Command { }

    /** Let go of the lock, optionally leaving a note for the next editor. */
    record Release(Actor actor, String leaseId, String note) implements Command { }

    /** Heartbeat: renews the lease; {@code active} (real user activity) also renews the idle deadline. */
    record Extend(Actor actor, String leaseId, boolean active) implements Command { }

    record JoinQueue(Actor actor) implements Command { }

    record LeaveQueue(Actor actor) implements Command { }

    /** Take the lock offered by {@code lock:your_turn}. */
    record Claim(Actor actor) implements Command { }

    /**
     * Watch the resource read-only (presence). A polling actor (REST) watches until {@code viewerTimeout} after it last
     * looked; an actor on a live connection until it leaves or disconnects.
     */
    record View(Actor actor) implements Command { }

    /** A polling client looked at the resource (REST {@code check}): time passes, and its viewing, if any, is renewed. */
    record Poll(Actor actor) implements Command { }

    /** Leave the resource: stop viewing, leave the queue, and release the lock if this session holds it. */
    record Leave(Actor actor) implements Command { }

    /** Ask the holder to hand over, with a short message. */
    record AskHolder(Actor actor, String requestId, String message) implements Command { }

    /** The holder answers an ask: approve hands the lock straight to the asker. */
    record AnswerAsk(Actor actor, String requestId, boolean approve, String note) implements Command { }

    /** Ask the holder to hand over for a reason; forced at the deadline unless approved earlier. */
    record RequestTakeover(Actor actor, String reason) implements Command { }

    /** Take the lock at once for a reason (roles permitting); the holder is told and keeps their draft. */
    record EmergencyTakeover(Actor actor, String reason) implements Command { }

    /** The holder answers a takeover request: approve hands over now, deny tells the requester (the deadline stands). */
    record AnswerTakeover(Actor actor, boolean approve, String note) implements Command { }

    /**
     * A holder who lost the lock (takeover, admin release) leaves a note afterwards, proving who they were with the
     * lease id they held: the current editor gets it at once, or the next one with their grant.
     */
    record LeaveNote(Actor actor, String leaseId, String note) implements Command { }

    /** An admin releases the lock without taking it. */
    record ForceRelease(Actor actor, String reason) implements Command { }

    /** A session's connection dropped: its lease enters the disconnect grace, its waiting entries too. */
    record Disconnect(String sessionId) implements Command { }

    /** A session reconnected within the grace: its lease and queue places continue unchanged. */
    record Resume(Actor actor) implements Command { }

    /** The same user moves the lock from another of their sessions (tabs) to this one. */
    record MoveToSession(Actor actor) implements Command { }

    /** Time passed; only the derived expiries apply. */
    record Tick() implements Command { }
}
