package org.baton.server.timers;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The server's clock: the wall-clock instant read once at start, advanced by the monotonic nanosecond counter.
 *
 * <p>Lease and idle deadlines are compared against it, so a wall-clock jump (NTP step, an operator's
 * {@code date -s}) neither expires a lease early nor keeps it alive late (RELIABILITY.md promise 3). Displayed
 * times ({@code expiresAt}) drift from the wall clock by at most the jump, which is the honest answer: the lease
 * lasts its full duration of real time.
 */
public final class MonotonicClock implements java.time.InstantSource {
    private final Instant origin;
    private final long originNanos;
    private final LongSupplier nanoTime;

    public MonotonicClock(Instant origin, LongSupplier nanoTime) {
        this.origin = origin;
        this.nanoTime = nanoTime;
        this.originNanos = nanoTime.getAsLong();
    }

    public static MonotonicClock startingNow() {
        return new MonotonicClock(Instant.now(), System::nanoTime);
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(nanoTime.getAsLong() - originNanos);
    }
}
