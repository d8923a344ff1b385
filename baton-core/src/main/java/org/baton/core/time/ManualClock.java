package org.baton.core.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when told: tests advance it instead of sleeping. */
public final class ManualClock implements InstantSource {
    private volatile Instant now;

    public ManualClock(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        return now;
    }

    public synchronized Instant advance(Duration by) {
        now = now.plus(by);
        return now;
    }

    public synchronized void set(Instant to) {
        now = to;
    }
}
