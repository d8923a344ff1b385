package org.baton.server.timers;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Timers} on a scheduled executor: delays are computed from the server clock when scheduling and measured
 * by the executor's monotonic time, so a wall-clock jump neither fires a deadline early nor holds it back.
 * Tasks run on virtual threads, so a task that blocks on the database does not hold up the next one.
 */
public final class ExecutorTimers implements Timers, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorTimers.class);
    private final InstantSource clock;
    private final ScheduledExecutorService scheduler;

    public ExecutorTimers(InstantSource clock) {
        this.clock = clock;
        var executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("baton-timers").daemon().factory());
        executor.setRemoveOnCancelPolicy(true); // a cancelled lock deadline leaves the queue at once, not when it would have fired
        this.scheduler = executor;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public Scheduled schedule(Instant at, Runnable task) {
        long delayMillis = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        ScheduledFuture<?> future = scheduler.schedule(() -> Thread.ofVirtual().start(() -> runSafely(task)), delayMillis, TimeUnit.MILLISECONDS);
        return new FutureScheduled(future, at);
    }

    @Override
    public Scheduled every(Duration period, Runnable task) {
        ScheduledFuture<?> future = scheduler.scheduleAtFixedRate(() -> runSafely(task), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return new FutureScheduled(future, clock.instant().plus(period));
    }

    @Override
    public Scheduled poll(Duration period, Runnable task) {
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> future = scheduler.scheduleWithFixedDelay(() -> {
            if (running.compareAndSet(false, true)) { // a poll still running (a slow database) is not started twice
                Thread.ofVirtual().start(() -> {
                    try {
                        runSafely(task);
                    } finally {
                        running.set(false);
                    }
                });
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return new FutureScheduled(future, clock.instant().plus(period));
    }

    static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("a scheduled task failed; the timers go on", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private record FutureScheduled(ScheduledFuture<?> future, Instant at) implements Scheduled {
        @Override
        public void cancel() {
            future.cancel(false);
        }
    }
}
