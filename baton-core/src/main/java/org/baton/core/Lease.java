package org.baton.core;

import java.time.Instant;

/**
 * The editor lock held by one (user, session) on one resource.
 *
 * @param leaseId unguessable id the holder presents to extend, release and save
 * @param fencingToken strictly increasing per resource for every grant, checked on every save
 * @param expiresAt liveness deadline, renewed by each heartbeat
 * @param idleExpiresAt activity deadline, renewed only by real user activity
 * @param warned whether {@code lock:expiring} was sent for the current idle deadline
 * @param disconnectedAt when the holder's connection dropped (grace running), or null while connected
 */
public record Lease(ResourceId resourceId, String leaseId, long fencingToken, Actor holder, Instant acquiredAt,
                   Instant expiresAt, Instant idleExpiresAt, Instant lastActivityAt, boolean warned, Instant disconnectedAt) {

    Lease extended(Instant newExpiry, Instant now, boolean active, LockPolicy policy) {
        return active
                ? new Lease(resourceId, leaseId, fencingToken, holder, acquiredAt, newExpiry, now.plus(policy.idleTimeout()), now, false, disconnectedAt)
                : new Lease(resourceId, leaseId, fencingToken, holder, acquiredAt, newExpiry, idleExpiresAt, lastActivityAt, warned, disconnectedAt);
    }

    Lease warnedNow() {
        return new Lease(resourceId, leaseId, fencingToken, holder, acquiredAt, expiresAt, idleExpiresAt, lastActivityAt, true, disconnectedAt);
    }

    Lease disconnected(Instant at) {
        return new Lease(resourceId, leaseId, fencingToken, holder, acquiredAt, expiresAt, idleExpiresAt, lastActivityAt, warned, at);
    }

    Lease reconnected(Actor actor) {
        return new Lease(resourceId, leaseId, fencingToken, actor, acquiredAt, expiresAt, idleExpiresAt, lastActivityAt, warned, null);
    }
}
