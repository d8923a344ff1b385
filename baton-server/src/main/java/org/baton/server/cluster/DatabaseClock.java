package org.baton.server.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clock of a scaled-out instance: the database server's clock, read periodically and carried forward between
 * readings by this process's monotonic clock. Every instance decides expiries against the same clock however its
 * own wall clock is set (RELIABILITY promise 9: instances with skewed clocks agree on every expiry), and a wall-clock
 * step on this machine changes nothing. Each reading is taken as the midpoint of its round trip; a new reading
 * replaces the offset only when it moved by more than the reading's own uncertainty, so time does not jitter.
 */
public final class DatabaseClock implements InstantSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseClock.class);
    private final Supplier<Instant> serverTime;
    private final LongSupplier nanoTime;
    private final Thread refresher;
    private volatile Instant anchor;
    private volatile long anchorNanos;
    private volatile boolean closed;

    /** Reads the server's time at once (failing if it cannot), then again every {@code refresh}. */
    public DatabaseClock(Supplier<Instant> serverTime, LongSupplier nanoTime, Duration refresh) {
        this.serverTime = serverTime;
        this.nanoTime = nanoTime;
        sync(true);
        this.refresher = Thread.ofPlatform().name("baton-db-clock").daemon(true).start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(refresh.toMillis());
                    sync(false);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("could not read the database clock; carrying on with the last reading ({})", e.getMessage());
                }
            }
        });
    }

    private void sync(boolean first) {
        long before = nanoTime.getAsLong();
        Instant server = serverTime.get();
        long after = nanoTime.getAsLong();
        long midpoint = before + (after - before) / 2;
        if (first) {
            anchor = server;
            anchorNanos = midpoint;
            return;
        }
        Instant carried = anchor.plusNanos(midpoint - anchorNanos);
        long driftMicros = Math.abs(Duration.between(carried, server).toNanos() / 1_000);
        if (driftMicros * 1_000 > (after - before)) {
            if (driftMicros > 50_000) {
                LOG.info("database clock moved by {} ms against this process's monotonic clock", driftMicros / 1_000);
            }
            anchor = server;
            anchorNanos = midpoint;
        }
    }

    @Override
    public Instant instant() {
        return anchor.plusNanos(nanoTime.getAsLong() - anchorNanos);
    }

    @Override
    public void close() {
        closed = true;
        refresher.interrupt();
    }
}
