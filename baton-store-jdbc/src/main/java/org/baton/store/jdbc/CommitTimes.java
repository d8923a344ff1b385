package org.baton.store.jdbc;

import java.time.Duration;

/**
 * How long the database's recent commits took (the durable step: on SQLite the fsync of a group commit), for the
 * health panel: the last one, and the average and longest of the last {@link #WINDOW}.
 */
public final class CommitTimes {
    static final int WINDOW = 256;
    private final long[] nanos = new long[WINDOW];
    private long recorded;

    synchronized void record(long elapsedNanos) {
        nanos[(int) (recorded % WINDOW)] = elapsedNanos;
        recorded++;
    }

    /** The figures of the recent commits. */
    public record Snapshot(long commits, Duration last, Duration average, Duration longest) {
    }

    public synchronized Snapshot snapshot() {
        int n = (int) Math.min(recorded, WINDOW);
        if (n == 0) {
            return new Snapshot(0, null, null, null);
        }
        long sum = 0;
        long max = 0;
        for (int i = 0; i < n; i++) {
            sum += nanos[i];
            max = Math.max(max, nanos[i]);
        }
        return new Snapshot(recorded, Duration.ofNanos(nanos[(int) ((recorded - 1) % WINDOW)]), Duration.ofNanos(sum / n), Duration.ofNanos(max));
    }
}
