package org.baton.core;

/**
 * Why a lease ended (the {@code reason} of {@code lock:released}). Involuntary causes mean the holder may have
 * unsaved work: the client saves a draft and tells the user.
 */
public enum ReleaseCause {
    /** The holder released it (or approved a hand-over). */
    RELEASED(false),
    /** No heartbeat for the lease TTL. */
    EXPIRED(true),
    /** No user activity for the idle timeout. */
    IDLE_TIMEOUT(true),
    /** The holder left the resource (closed the page). */
    DISCONNECT(false),
    /** The holder's connection stayed down past the disconnect grace. */
    GRACE_PERIOD_EXPIRED(true),
    /** Another user took it over (by request or in an emergency). */
    TAKEOVER(true),
    /** An admin force-released it. */
    ADMIN_RELEASE(true),
    /** The same user moved it to another session (tab). */
    MOVED(false);

    private final boolean involuntary;

    ReleaseCause(boolean involuntary) {
        this.involuntary = involuntary;
    }

    /** True when the holder did not choose to let go, so unsaved work may be at stake. */
    public boolean wasInvoluntary() {
        return involuntary;
    }
}
