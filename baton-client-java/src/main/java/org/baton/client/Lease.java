package org.baton.client;

import java.time.Instant;

/**
 * The editor lock of one resource, as its holder sees it. {@code leaseId} is the holder's secret: send it with
 * {@link BatonClient#extend}, {@link BatonClient#release} and guarded saves. {@code fencingToken} strictly increases
 * per resource, so a write carrying a smaller one than the last write is stale. {@code expiresAt} is renewed by every
 * heartbeat; {@code idleExpiresAt} only by heartbeats that report real user activity.
 */
public record Lease(String resourceId, String leaseId, long fencingToken, Person holder, Instant acquiredAt, Instant expiresAt,
                    Instant idleExpiresAt) {
}
