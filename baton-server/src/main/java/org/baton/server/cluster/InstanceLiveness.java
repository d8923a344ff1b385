package org.baton.server.cluster;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.baton.core.store.StoreUnavailableException;

/**
 * Whether this instance may act. Scaled out, an instance acts only while its heartbeat is fresh: one that was
 * paused (a long GC, {@code SIGSTOP}, a frozen VM) or cut off from the database longer than half the dead-instance
 * timeout, or that was declared dead by the others, refuses every command (503) until a heartbeat succeeds again —
 * so it never acts on sessions and connections it remembers but the cluster has already handed elsewhere
 * (RELIABILITY promise 9). The silence is measured on the monotonic clock of this process, which a pause advances
 * and a wall-clock step does not. A single instance on its embedded database has nobody to disagree with and is
 * always alive.
 */
public final class InstanceLiveness {
    private final boolean enforced;
    private final long maxSilenceNanos;
    private final LongSupplier nanoTime;
    private volatile long lastHeartbeatNanos;
    private volatile boolean dead;

    private InstanceLiveness(boolean enforced, Duration maxSilence, LongSupplier nanoTime) {
        this.enforced = enforced;
        this.maxSilenceNanos = maxSilence.toNanos();
        this.nanoTime = nanoTime;
        this.lastHeartbeatNanos = nanoTime.getAsLong();
    }

    /** Liveness that follows the heartbeat: silent for {@code maxSilence} means not alive. */
    public static InstanceLiveness heartbeatBound(Duration maxSilence, LongSupplier nanoTime) {
        return new InstanceLiveness(true, maxSilence, nanoTime);
    }

    /** The single embedded instance: always alive. */
    public static InstanceLiveness always() {
        return new InstanceLiveness(false, Duration.ZERO, System::nanoTime);
    }

    public boolean isAlive() {
        return !enforced || (!dead && nanoTime.getAsLong() - lastHeartbeatNanos < maxSilenceNanos);
    }

    /** Throws the store-unavailable refusal unless {@link #isAlive()}. */
    public void requireAlive() {
        if (!isAlive()) {
            throw new StoreUnavailableException(dead ? "this instance was declared dead and is rejoining"
                    : "this instance has not heard from the database for too long", null);
        }
    }

    void heartbeatSucceeded() {
        lastHeartbeatNanos = nanoTime.getAsLong();
        dead = false;
    }

    void declaredDead() {
        dead = true;
    }
}
