package org.baton.core;

import java.time.Duration;
import java.time.Instant;

/** The answer to the caller of a command. Refusals are values too ({@link Denied}), not exceptions. */
public sealed interface Outcome {
    /** The caller holds the lock now; {@code handoverNote} is the previous editor's note, if they left one. */
    record Granted(Lease lease, String handoverNote) implements Outcome { }

    record Queued(int position, Duration estimatedWait) implements Outcome { }

    record Extended(Lease lease) implements Outcome { }

    record Released() implements Outcome { }

    /** A takeover request is with the holder; it is forced at {@code autoForceAt}. */
    record TakeoverPending(Instant autoForceAt) implements Outcome { }

    /** An "ask the holder" request is with the holder until {@code expiresAt}. */
    record AskSent(String requestId, Instant expiresAt) implements Outcome { }

    /** Done, nothing more to say (viewing, left, answered, tick). */
    record Done() implements Outcome { }

    /** Refused, with the current holder for {@code LOCK_HELD}-like refusals (or null). */
    record Denied(RefusalCode code, Lease holder) implements Outcome { }
}
