package org.baton.core.analytics;

import java.util.List;

/** What an {@link AuditFact} counts, and (for the kinds charted by cause) every cause it can have, in display order. */
public enum FactKind {
    /** A lease was granted (an editing session began); cause: how ({@code via}). */
    EDIT_STARTED(List.of()),
    /** A waiter got the lock after waiting in line; duration: the wait; cause: how ({@code via}). */
    QUEUE_WAIT(List.of()),
    /** A lease ended; duration: how long it was held; cause: the release cause. */
    LOCK_HELD(List.of()),
    /** Someone took the lock from its holder: in an emergency, by a request forced at its deadline, approved by the holder, or an admin. */
    OVERRIDE(List.of("EMERGENCY", "FORCED", "APPROVED", "ADMIN")),
    /** Something ran out of time: a lease without heartbeat, an idle holder, a lost connection, an unclaimed turn, an old queue place, an unanswered ask. */
    TIMEOUT(List.of("EXPIRED", "IDLE_TIMEOUT", "GRACE_PERIOD_EXPIRED", "CLAIM_MISSED", "QUEUE_PLACE_EXPIRED", "ASK_UNANSWERED")),
    /** A draft was offered back to its author, who restored it into the editor or discarded it. */
    DRAFT_RECOVERY(List.of("RESTORED", "DISCARDED")),
    /** A waiting user asked the holder to hand over. */
    ASK(List.of());

    private final List<String> causes;

    FactKind(List<String> causes) {
        this.causes = causes;
    }

    /** The causes charted for this kind (empty when it is not charted by cause). */
    public List<String> causes() {
        return causes;
    }
}
