package org.baton.server.timers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Timers} driven by hand: tests move a manual clock and call {@link #runDue(Instant)}, which runs every task
 * due by then, in order of their instants, including tasks that the tasks themselves schedule in that span. A poll
 * that fell behind runs once per call, as it would on a real scheduler with a fixed delay.
 */
public final class ManualTimers implements Timers {
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(Comparator.comparing(Entry::at).thenComparingLong(Entry::order));
    private final AtomicLong order = new AtomicLong();

    private final class Entry implements Scheduled {
        final Instant at;
        final long order;
        final Runnable task;
        final Duration period;
        final boolean coalesce;
        volatile boolean cancelled;

        Entry(Instant at, long order, Runnable task, Duration period, boolean coalesce) {
            this.at = at;
            this.order = order;
            this.task = task;
            this.period = period;
            this.coalesce = coalesce;
        }

        @Override
        public Instant at() {
            return at;
        }

        long order() {
            return order;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private Instant lastRun;

    /** Timers whose clock starts at the epoch. */
    public ManualTimers() {
        this(Instant.EPOCH);
    }

    /** Timers whose clock starts at {@code start}: periodic tasks first run one period after it. */
    public ManualTimers(Instant start) {
        this.lastRun = start;
    }

    @Override
    public synchronized Scheduled schedule(Instant at, Runnable task) {
        Entry entry = new Entry(at, order.incrementAndGet(), task, null, false);
        queue.add(entry);
        return entry;
    }

    @Override
    public synchronized Scheduled every(Duration period, Runnable task) {
        Entry entry = new Entry(lastRun.plus(period), order.incrementAndGet(), task, period, false);
        queue.add(entry);
        return entry;
    }

    @Override
    public synchronized Scheduled poll(Duration period, Runnable task) {
        Entry entry = new Entry(lastRun.plus(period), order.incrementAndGet(), task, period, true);
        queue.add(entry);
        return entry;
    }

    /** Runs every task due at or before {@code now}; returns how many ran. */
    public int runDue(Instant now) {
        int ran = 0;
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.at.isAfter(now)) {
                    lastRun = now;
                    return ran;
                }
                queue.poll();
                if (next.period != null && !next.cancelled) {
                    Instant again = next.at.plus(next.period);
                    if (next.coalesce) {
                        while (!again.isAfter(now)) {
                            again = again.plus(next.period);
                        }
                    }
                    queue.add(new Entry(again, order.incrementAndGet(), next.task, next.period, next.coalesce));
                }
            }
            if (!next.cancelled) {
                ExecutorTimers.runSafely(next.task);
                ran++;
            }
        }
    }

    /** Instants of the tasks still pending, earliest first (for assertions). */
    public synchronized List<Instant> pending() {
        List<Instant> result = new ArrayList<>();
        queue.stream().filter(e -> !e.cancelled).sorted(queue.comparator()).forEach(e -> result.add(e.at));
        return result;
    }
}
