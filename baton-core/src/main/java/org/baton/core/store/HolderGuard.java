package org.baton.core.store;

import java.time.Instant;

/**
 * The per-user lock limit, checked by the store inside the same atomic step as the write: it holds when
 * {@code userId} holds live leases (expiring after {@code now}) on fewer than {@code maxLocks} OTHER resources.
 * The number is the core's rule; the store only counts and compares.
 */
public record HolderGuard(String userId, int maxLocks, Instant now) {
    /** No limit to check (the write grants nothing new to anyone). */
    public static final HolderGuard NONE = new HolderGuard(null, Integer.MAX_VALUE, Instant.EPOCH);

    public boolean isNone() {
        return userId == null;
    }
}
