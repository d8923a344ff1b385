package org.baton.core;

/**
 * Why a command was refused: the stable {@code code} of problem documents and WebSocket {@code error} events,
 * with the HTTP status it maps to, so the adapters need no second table.
 */
public enum RefusalCode {
    LOCK_HELD(409, "Someone else is editing this record."),
    HELD_IN_OTHER_SESSION(409, "You are already editing this record in another tab; you can move the lock here."),
    NOT_LOCK_HOLDER(403, "You do not hold this lock."),
    LEASE_EXPIRED(410, "This lease has ended; acquire the lock again."),
    STALE_FENCING_TOKEN(423, "A newer lease exists for this record; your save was refused."),
    MAX_LOCKS_EXCEEDED(409, "You hold as many locks as allowed; release one first."),
    MAX_QUEUES_EXCEEDED(409, "You are waiting in as many queues as allowed; leave one first."),
    QUEUE_FULL(409, "The queue for this record is full."),
    QUEUE_DISABLED(409, "Queueing is disabled for this record type."),
    ALREADY_QUEUED(409, "You are already in the queue for this record."),
    NOT_IN_QUEUE(404, "You are not in the queue for this record."),
    NO_TURN(409, "It is not your turn to claim this lock."),
    VIEWER_LIMIT(409, "This record has as many viewers as allowed."),
    FORBIDDEN_ROLE(403, "Your role does not allow this."),
    REASON_REQUIRED(400, "A reason is required."),
    TAKEOVER_DISABLED(403, "Taking over or force-releasing locks is turned off."),
    TAKEOVER_PENDING(409, "A takeover request is already pending for this record."),
    NO_TAKEOVER_PENDING(404, "There is no takeover request to answer."),
    NO_SUCH_REQUEST(404, "There is no such request."),
    REQUEST_PENDING(409, "You already asked the holder; wait for the answer."),
    NOT_HELD(409, "Nobody holds this lock."),
    MESSAGE_TOO_LONG(400, "The message is too long."),
    UNKNOWN_RESOURCE_TYPE(400, "There is no such resource type: Baton locks only the record types and resource types it is configured with."),
    UNKNOWN_SECTION(400, "This record type has no such section."),
    NOTE_NOT_ALLOWED(403, "Only an editor who recently lost this lock can leave a note for the next one."),
    NOTE_REQUIRED(400, "The note is empty.");

    private final int httpStatus;
    private final String message;

    RefusalCode(int httpStatus, String message) {
        this.httpStatus = httpStatus;
        this.message = message;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** A human sentence for the refusal. */
    public String message() {
        return message;
    }
}
