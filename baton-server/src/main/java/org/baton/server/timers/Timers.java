package org.baton.server.timers;

import java.time.Instant;

/**
 * Runs a task at an instant of the server's clock. The server's only source of "later": lease and idle deadlines,
 * grace periods, claim windows, takeover auto-force and housekeeping all go through it, so tests drive every
 * timer from a {@link ManualTimers} instead of sleeping.
 *
 * <p>Tasks run at or after their instant, never before; a task that throws is logged and does not stop others.
 */
public interface Timers {
    /** A scheduled task that may still be called off. */
    interface Scheduled {
        void cancel();

        Instant at();
    }

    Scheduled schedule(Instant at, Runnable task);

    /** Runs {@code task} every {@code period}, first after one period; runs that fell behind are caught up. */
    Scheduled every(java.time.Duration period, Runnable task);

    /**
     * Runs an idempotent poll (a sweep, a heartbeat) about every {@code period}, first after one period. Unlike
     * {@link #every}, a poll that fell behind runs once, not once per missed period: one sweep after a long pause
     * sees everything a hundred would.
     */
    Scheduled poll(java.time.Duration period, Runnable task);
}
