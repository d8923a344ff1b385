package org.baton.core.store;

import java.time.Instant;

/**
 * A per-user limit, checked by the store inside the same atomic step as the write. For {@link Kind#LEASES} it holds
 * when {@code userId} holds live leases (expiring after {@code now}) on fewer than {@code maxLocks} OTHER resources;
 * for {@link Kind#QUEUE_PLACES} when {@code userId} waits (in line, or offered the lock) on fewer than
 * {@code maxLocks} OTHER resources. The numbers are the core's rules; the store only counts and compares.
 */
public record HolderGuard(String userId, int maxLocks, Instant now, Kind kind) {
    /** What the guard counts. */
    public enum Kind {
        /** Live leases: the lock limit, for a grant or an offer to claim. */
        LEASES,
        /** Queue places: the queue limit, for a new place in a line. */
        QUEUE_PLACES
    }

    /** No limit to check (the write grants nothing new to anyone). */
    public static final HolderGuard NONE = new HolderGuard(null, Integer.MAX_VALUE, Instant.EPOCH, Kind.LEASES);

    /** The lock limit: {@code userId} holds live leases on fewer than {@code maxLocks} other resources. */
    public HolderGuard(String userId, int maxLocks, Instant now) {
        this(userId, maxLocks, now, Kind.LEASES);
    }

    /** The queue limit: {@code userId} waits on fewer than {@code maxPlaces} other resources. */
    public static HolderGuard queuePlaces(String userId, int maxPlaces, Instant now) {
        return new HolderGuard(userId, maxPlaces, now, Kind.QUEUE_PLACES);
    }

    public boolean isNone() {
        return userId == null;
    }
}
