package org.baton.client;

/**
 * The lease may not be used any more: {@code NOT_LOCK_HOLDER} (not this session's, or released), {@code LEASE_EXPIRED}
 * (ended: heartbeats stopped or the user was idle), {@code STALE_FENCING_TOKEN} (someone took over since). Nothing was
 * written; keep the user's draft, acquire again and let them review.
 */
public final class LeaseRefusedException extends BatonProblemException {
    public LeaseRefusedException(Problem problem) {
        super(problem);
    }
}
