package org.baton.client;

/**
 * Someone else holds the lock ({@code LOCK_HELD}), or the same user holds it in another session
 * ({@code HELD_IN_OTHER_SESSION}: move it with the browser client's move-here). Show {@link #holder()} — "Dr. Sharma is
 * editing" — and offer to queue, view read-only or, with the authority, take over.
 */
public final class LockHeldException extends BatonProblemException {
    private final Holder holder;

    public LockHeldException(Problem problem, Holder holder) {
        super(problem);
        this.holder = holder;
    }

    /** The current holder, or null when Baton did not say. */
    public Holder holder() {
        return holder;
    }
}
