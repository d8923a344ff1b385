package org.baton.server.limits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many WebSocket connections each user may have open at once ({@code BATON_MAX_CONNECTIONS_PER_USER}). Without a
 * cap one token could hold thousands of connections, and every change on a record they all view would be pushed to
 * each of them. A slot is taken when a connection binds to a session and given back when it closes; taking one is
 * atomic, so concurrent connects cannot overshoot the cap.
 */
public final class ConnectionQuota {
    private final int maxPerUser;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    public ConnectionQuota(int maxPerUser) {
        if (maxPerUser < 1) {
            throw new IllegalArgumentException("maxPerUser must be at least 1");
        }
        this.maxPerUser = maxPerUser;
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    /** Takes a slot for {@code userId}; false when the user already has {@link #maxPerUser()} connections open. */
    public boolean tryOpen(String userId) {
        boolean[] taken = new boolean[1];
        open.compute(userId, (user, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerUser) {
                return count;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    /** Gives back a slot taken by {@link #tryOpen}. */
    public void close(String userId) {
        open.computeIfPresent(userId, (user, count) -> count <= 1 ? null : count - 1);
    }

    /** True when {@code userId} has no slot left (checked early, at the upgrade; {@link #tryOpen} decides). */
    public boolean isFull(String userId) {
        return open.getOrDefault(userId, 0) >= maxPerUser;
    }
}
