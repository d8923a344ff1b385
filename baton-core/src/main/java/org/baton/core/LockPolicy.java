package org.baton.core;

import java.time.Duration;
import java.util.Set;

/**
 * How locks on one resource type behave. Defaults are SPEC.md's decisions; each resource type may override them.
 *
 * @param leaseTtl liveness: a lease lapses this long after its last heartbeat ({@code EXPIRED})
 * @param heartbeatInterval how often clients heartbeat (advice to clients; must be below {@code leaseTtl})
 * @param idleTimeout activity: a lease lapses this long after the last real user activity ({@code IDLE_TIMEOUT})
 * @param idleWarning how long before the idle timeout the holder is warned ({@code lock:expiring})
 * @param disconnectGrace how long a disconnected holder keeps the lease ({@code GRACE_PERIOD_EXPIRED} after)
 * @param claimWindow with auto-acquire off, how long the next in line has to claim
 * @param maxViewers viewers per resource, 0 for unlimited
 * @param takeoverRequestTimeout a takeover request the holder does not approve is forced after this long
 * @param askHolderTimeout an unanswered "ask the holder" request expires after this long
 * @param maxQueuesPerUser in how many resources' queues one user may wait at once (a new place beyond it gets
 *                         {@code MAX_QUEUES_EXCEEDED}), so that one user cannot line up everywhere
 * @param queueTimeout a place in a queue expires this long after joining ({@code queue:left} with {@code EXPIRED})
 * @param viewerTimeout a polling (REST) viewer that has not looked for this long leaves presence
 */
public record LockPolicy(Duration leaseTtl, Duration heartbeatInterval, Duration idleTimeout, Duration idleWarning,
                         Duration disconnectGrace, Duration claimWindow, boolean queueEnabled, int queueMaxSize,
                         boolean queueAutoAcquire, int maxLocksPerUser, int maxViewers, UpgradeMode upgradeMode,
                         boolean takeoverEnabled, Set<String> takeoverRoles, boolean takeoverRequiresReason,
                         Duration takeoverRequestTimeout, Duration askHolderTimeout, boolean trackViewers,
                         int maxQueuesPerUser, Duration queueTimeout, Duration viewerTimeout) {

    public LockPolicy {
        takeoverRoles = Set.copyOf(takeoverRoles);
        validate(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueMaxSize,
                maxLocksPerUser, maxViewers, takeoverRequestTimeout, askHolderTimeout);
        if (maxQueuesPerUser < 1) {
            throw new IllegalArgumentException("maxQueuesPerUser must be at least 1");
        }
        positive("queueTimeout", queueTimeout);
        positive("viewerTimeout", viewerTimeout);
    }

    /**
     * SPEC.md's defaults: 5 min lease, 60 s heartbeat, 30 min idle with a 5 min warning, 30 s grace, queue of 10; 5 locks
     * and 5 queue places per user, queue places kept for an hour, polling viewers for 10 min.
     */
    public static LockPolicy defaults() {
        return new LockPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofMinutes(30), Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofSeconds(30), true, 10, true, 5, 0, UpgradeMode.QUEUE,
                true, Set.of("admin", "attending"), true, Duration.ofSeconds(30), Duration.ofMinutes(2), true,
                5, Duration.ofHours(1), Duration.ofMinutes(10));
    }

    public LockPolicy withLeaseTtl(Duration value) {
        return new LockPolicy(value, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, trackViewers, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withQueue(boolean enabled, int maxSize, boolean autoAcquire) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, enabled, maxSize,
                autoAcquire, maxLocksPerUser, maxViewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, trackViewers, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withLimits(int locksPerUser, int viewers) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, locksPerUser, viewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, trackViewers, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withUpgradeMode(UpgradeMode mode) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, mode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, trackViewers, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withIdle(Duration timeout, Duration warning) {
        return new LockPolicy(leaseTtl, heartbeatInterval, timeout, warning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, trackViewers, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withGraceAndClaim(Duration grace, Duration claim) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, grace, claim, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, trackViewers, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withTakeover(boolean enabled, Set<String> roles, boolean requiresReason, Duration requestTimeout) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, upgradeMode, enabled, roles, requiresReason, requestTimeout,
                askHolderTimeout, trackViewers, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withAskHolderTimeout(Duration timeout) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, timeout, trackViewers, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withTrackViewers(boolean track) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, track, maxQueuesPerUser, queueTimeout, viewerTimeout);
    }

    public LockPolicy withQueuePlaces(int perUser, Duration timeout) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, trackViewers, perUser, timeout, viewerTimeout);
    }

    public LockPolicy withViewerTimeout(Duration timeout) {
        return new LockPolicy(leaseTtl, heartbeatInterval, idleTimeout, idleWarning, disconnectGrace, claimWindow, queueEnabled, queueMaxSize,
                queueAutoAcquire, maxLocksPerUser, maxViewers, upgradeMode, takeoverEnabled, takeoverRoles, takeoverRequiresReason,
                takeoverRequestTimeout, askHolderTimeout, trackViewers, maxQueuesPerUser, queueTimeout, timeout);
    }

    private static void validate(Duration leaseTtl, Duration heartbeat, Duration idle, Duration warning, Duration grace,
                                 Duration claim, int queueMax, int locksPerUser, int viewers, Duration takeover, Duration ask) {
        positive("leaseTtl", leaseTtl);
        positive("heartbeatInterval", heartbeat);
        positive("idleTimeout", idle);
        positive("idleWarning", warning);
        notNegative("disconnectGrace", grace);
        positive("claimWindow", claim);
        positive("takeoverRequestTimeout", takeover);
        positive("askHolderTimeout", ask);
        if (heartbeat.compareTo(leaseTtl) >= 0) {
            throw new IllegalArgumentException("heartbeatInterval must be shorter than leaseTtl");
        }
        if (warning.compareTo(idle) >= 0) {
            throw new IllegalArgumentException("idleWarning must be shorter than idleTimeout");
        }
        if (queueMax < 1) {
            throw new IllegalArgumentException("queueMaxSize must be at least 1");
        }
        if (locksPerUser < 1) {
            throw new IllegalArgumentException("maxLocksPerUser must be at least 1");
        }
        if (viewers < 0) {
            throw new IllegalArgumentException("maxViewers must be 0 (unlimited) or more");
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration");
        }
    }

    private static void notNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
