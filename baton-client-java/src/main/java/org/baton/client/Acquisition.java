package org.baton.client;

import java.time.Duration;
import java.util.Optional;

/**
 * What {@link BatonClient#acquire} got: the lock, or (when asked to queue) a place in the FIFO queue. A refusal — someone
 * else holds it ({@link LockHeldException}), too many locks, a full queue — is thrown instead.
 */
public sealed interface Acquisition {
    /** The caller holds the lock now; {@code handoverNote} is what the previous editor left, to show first. */
    record Acquired(Lease lease, Optional<String> handoverNote) implements Acquisition {
    }

    /** The caller waits at {@code position} (1 is next); follow it with {@link BatonClient#check}. */
    record Queued(int position, Duration estimatedWait) implements Acquisition {
    }
}
