package org.baton.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything known about one resource's lock, as one immutable value: the holder's lease, the queue, the viewers,
 * the pending claim offer, "ask the holder" requests and takeover request, and the last fencing token issued.
 *
 * <p>Expiry is not stored as a flag: {@link LockMachine} derives it from the deadlines at the top of every
 * transition, so correctness never depends on a timer having run. {@link #nextDeadline()} tells the server when
 * the next time-driven transition is due.
 *
 * @param lastFence the last fencing token issued for this resource; the next grant gets {@code lastFence + 1}
 * @param averageHold moving average of how long leases were held, for the queue's wait estimate
 * @param handoverNote the last holder's note for the next editor, delivered with the next grant
 * @param recentlyEnded the last few ended lease ids, so a late caller learns {@code LEASE_EXPIRED}, not
 *                      {@code NOT_LOCK_HOLDER}
 */
public record LockState(ResourceId resourceId, Lease holder, List<Waiter> queue, Offer offer, List<Viewer> viewers,
                        List<Ask> asks, Takeover takeover, long lastFence, Duration averageHold, String handoverNote,
                        List<String> recentlyEnded) {

    static final int RECENT_LEASES = 8;
    /** The wait estimate per place in line before any lease has ended here. */
    static final Duration DEFAULT_HOLD = Duration.ofMinutes(5);

    /** One user waiting in line; {@code disconnectedAt} is set while their connection is down. */
    public record Waiter(Actor actor, Instant joinedAt, Instant disconnectedAt) {
    }

    /**
     * The lock is offered to {@code actor} until {@code claimBy} (auto-acquire off); {@code queuedSince} is when they
     * joined the queue (null in states written before it was kept), so a claim can say how long they waited.
     */
    public record Offer(Actor actor, Instant claimBy, Instant queuedSince) {
    }

    /**
     * Someone watching the resource read-only; a polling viewer (REST) until {@code expiresAt} unless it looks again,
     * a viewer on a live connection ({@code expiresAt} null) until it leaves or disconnects.
     */
    public record Viewer(Actor actor, Instant since, Instant expiresAt) {
    }

    /** "Ask the holder": {@code from} asked for the lock with a short message, until {@code expiresAt}. */
    public record Ask(String requestId, Actor from, String message, Instant expiresAt) {
    }

    /** A takeover request by {@code from}, forced at {@code autoForceAt} unless approved earlier. */
    public record Takeover(Actor from, String reason, Instant autoForceAt) {
    }

    public LockState {
        queue = List.copyOf(queue);
        viewers = List.copyOf(viewers);
        asks = List.copyOf(asks);
        recentlyEnded = List.copyOf(recentlyEnded);
    }

    public static LockState initial(ResourceId resourceId) {
        return new LockState(resourceId, null, List.of(), null, List.of(), List.of(), null, 0, null, null, List.of());
    }

    /**
     * This state with its last fencing token raised to at least {@code floor}: the store's durable high-water mark
     * after idle rows were compacted or the database was restored from a backup, so the next grant's token is above
     * every token ever issued for this resource.
     */
    public LockState withFenceFloor(long floor) {
        if (lastFence >= floor) {
            return this;
        }
        return new LockState(resourceId, holder, queue, offer, viewers, asks, takeover, floor, averageHold, handoverNote, recentlyEnded);
    }

    public Optional<Lease> holderLease() {
        return Optional.ofNullable(holder);
    }

    /** True when nothing is held, queued, offered, watched or pending: a store may compact it, keeping {@code lastFence}. */
    public boolean isIdle() {
        return holder == null && queue.isEmpty() && offer == null && viewers.isEmpty() && asks.isEmpty() && takeover == null;
    }

    /** The earliest instant at which a time-driven transition is due, if any. */
    public Optional<Instant> nextDeadline(LockPolicy policy) {
        List<Instant> deadlines = new ArrayList<>();
        if (holder != null) {
            deadlines.add(holder.expiresAt());
            deadlines.add(holder.idleExpiresAt());
            if (!holder.warned()) {
                deadlines.add(holder.idleExpiresAt().minus(policy.idleWarning()));
            }
            if (holder.disconnectedAt() != null) {
                deadlines.add(holder.disconnectedAt().plus(policy.disconnectGrace()));
            }
        }
        if (offer != null) {
            deadlines.add(offer.claimBy());
        }
        if (takeover != null) {
            deadlines.add(takeover.autoForceAt());
        }
        asks.forEach(a -> deadlines.add(a.expiresAt()));
        queue.stream().filter(w -> w.disconnectedAt() != null).forEach(w -> deadlines.add(w.disconnectedAt().plus(policy.disconnectGrace())));
        queue.forEach(w -> deadlines.add(w.joinedAt().plus(policy.queueTimeout())));
        viewers.stream().filter(v -> v.expiresAt() != null).forEach(v -> deadlines.add(v.expiresAt()));
        return deadlines.stream().min(Instant::compareTo);
    }

    /** How long the one at 1-based {@code position} may wait: the moving average hold per place ahead, at least one place. */
    public Duration estimatedWait(int position) {
        Duration average = averageHold == null ? DEFAULT_HOLD : averageHold;
        return average.multipliedBy(Math.max(1, position));
    }

    /** The users who wait here, in line or offered the lock (each once, in line order, the offered one last). */
    public Set<String> waitingUsers() {
        Set<String> waiting = new LinkedHashSet<>();
        queue.forEach(w -> waiting.add(w.actor().userId()));
        if (offer != null) {
            waiting.add(offer.actor().userId());
        }
        return waiting;
    }

    /** True when {@code userId} waits here, in line or offered the lock, in any of their sessions. */
    public boolean hasQueuePlace(String userId) {
        return (offer != null && offer.actor().userId().equals(userId)) || queue.stream().anyMatch(w -> w.actor().userId().equals(userId));
    }

    /** True when {@code userId} is on this resource in any session: editing, offered, waiting or viewing. */
    public boolean isPresent(String userId) {
        return (holder != null && holder.holder().userId().equals(userId)) || hasQueuePlace(userId)
                || viewers.stream().anyMatch(v -> v.actor().userId().equals(userId));
    }

    /**
     * Whether {@code userId} may read the record behind this resource (the records API): always when the type has no
     * viewer limit; with one, when the user is already here in some session or one more viewer fits. A viewer the
     * limit refused does not read the record by another door.
     */
    public boolean admitsReader(String userId, LockPolicy policy) {
        return policy.maxViewers() == 0 || isPresent(userId) || hasViewerRoom(policy);
    }

    /** True when one more viewer fits under the policy's viewer limit (0 = unlimited). */
    public boolean hasViewerRoom(LockPolicy policy) {
        return policy.maxViewers() == 0 || viewers.size() < policy.maxViewers();
    }

    /** True when the lock is offered to this session (its turn came and it has not claimed it yet). */
    public boolean isOfferedTo(Actor actor) {
        return offer != null && offer.actor().sameSession(actor);
    }

    /** 1-based queue position of a session, or 0 when not queued. */
    public int positionOf(Actor actor) {
        for (int i = 0; i < queue.size(); i++) {
            if (queue.get(i).actor().sameSession(actor)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Who is here, for {@code presence:update}: the holder, the one offered the lock, the queue and the viewers. */
    public List<PresenceEntry> presence() {
        List<PresenceEntry> entries = new ArrayList<>();
        if (holder != null) {
            entries.add(new PresenceEntry(holder.holder(), PresenceEntry.Mode.EDITOR, true, holder.expiresAt()));
        }
        Stream.concat(offer == null ? Stream.empty() : Stream.of(offer.actor()), queue.stream().map(Waiter::actor))
                .forEach(a -> entries.add(new PresenceEntry(a, PresenceEntry.Mode.QUEUED, false, null)));
        viewers.forEach(v -> entries.add(new PresenceEntry(v.actor(), PresenceEntry.Mode.VIEWER, false, null)));
        return entries;
    }

    LockState withHolder(Lease lease) {
        return new LockState(resourceId, lease, queue, offer, viewers, asks, takeover, lastFence, averageHold, handoverNote, recentlyEnded);
    }

    LockState withQueue(List<Waiter> newQueue) {
        return new LockState(resourceId, holder, newQueue, offer, viewers, asks, takeover, lastFence, averageHold, handoverNote, recentlyEnded);
    }

    LockState withOffer(Offer newOffer) {
        return new LockState(resourceId, holder, queue, newOffer, viewers, asks, takeover, lastFence, averageHold, handoverNote, recentlyEnded);
    }

    LockState withViewers(List<Viewer> newViewers) {
        return new LockState(resourceId, holder, queue, offer, newViewers, asks, takeover, lastFence, averageHold, handoverNote, recentlyEnded);
    }

    LockState withAsks(List<Ask> newAsks) {
        return new LockState(resourceId, holder, queue, offer, viewers, newAsks, takeover, lastFence, averageHold, handoverNote, recentlyEnded);
    }

    LockState withTakeover(Takeover newTakeover) {
        return new LockState(resourceId, holder, queue, offer, viewers, asks, newTakeover, lastFence, averageHold, handoverNote, recentlyEnded);
    }

    LockState withHandoverNote(String note) {
        return new LockState(resourceId, holder, queue, offer, viewers, asks, takeover, lastFence, averageHold, note, recentlyEnded);
    }

    LockState withGrant(Lease lease) {
        return new LockState(resourceId, lease, queue, offer, viewers, asks, takeover, lease.fencingToken(), averageHold, null, recentlyEnded);
    }

    LockState withEnded(Lease ended, Duration newAverage, String note) {
        List<String> recent = new ArrayList<>(recentlyEnded);
        recent.add(ended.leaseId());
        if (recent.size() > RECENT_LEASES) {
            recent.remove(0);
        }
        return new LockState(resourceId, null, queue, offer, viewers, asks, takeover, lastFence, newAverage, note, recent);
    }
}
