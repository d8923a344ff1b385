package org.baton.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    /** One user waiting in line; {@code disconnectedAt} is set while their connection is down. */
    public record Waiter(Actor actor, Instant joinedAt, Instant disconnectedAt) {
    }

    /** The lock is offered to {@code actor} until {@code claimBy} (auto-acquire off). */
    public record Offer(Actor actor, Instant claimBy) {
    }

    /** Someone watching the resource read-only. */
    public record Viewer(Actor actor, Instant since) {
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
        return deadlines.stream().min(Instant::compareTo);
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
