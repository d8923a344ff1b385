package org.baton.server.ws;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.baton.server.session.Outlet;

/**
 * Closes a connection for breaking a rule (1008, 1009, 1013) so that the client learns why, instead of seeing a reset.
 *
 * <p>Jetty ends the TCP connection as soon as it has written a close frame whose code is not 1000 or 3000 and above,
 * without waiting for the client's reply. If frames the client sent are still unread at that moment, the kernel answers
 * with a reset, and the client may lose the close frame and the {@code error} events before it: it sees 1006 and
 * reconnects, not knowing it flooded or that its token ran out. So the connection first stops acting on what it
 * receives ({@link #heard()} only notes that something came), lets what is queued for the client go out, and closes
 * once the client has been quiet for {@link #QUIET} — or after {@link #LINGER} at the latest, for a client that never
 * stops sending.
 */
final class QuietClose {
    /** How long the client must have sent nothing before the close frame goes. */
    static final Duration QUIET = Duration.ofMillis(100);
    /** The longest a closing connection is kept, whatever the client does. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private final Outlet outlet;
    private final int code;
    private final String reason;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final long deadline;
    private volatile long lastHeard;
    private volatile Future<?> next;
    private volatile boolean done;

    private QuietClose(Outlet outlet, int code, String reason, ScheduledExecutorService scheduler, LongSupplier nanoTime) {
        this.outlet = outlet;
        this.code = code;
        this.reason = reason;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
        this.lastHeard = nanoTime.getAsLong();
        this.deadline = lastHeard + LINGER.toNanos();
    }

    /** Starts closing {@code outlet}: the close frame follows what is queued, once the client is quiet. */
    static QuietClose start(Outlet outlet, int code, String reason, ScheduledExecutorService scheduler, LongSupplier nanoTime) {
        QuietClose close = new QuietClose(outlet, code, reason, scheduler, nanoTime);
        close.checkIn(QUIET.toNanos());
        return close;
    }

    /** The client sent something while the connection was closing; it is dropped unread, and the quiet starts again. */
    void heard() {
        lastHeard = nanoTime.getAsLong();
    }

    /** The connection closed by itself (the client went): nothing left to do. */
    void cancel() {
        done = true;
        Future<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void check() {
        if (done || !outlet.isOpen()) {
            return;
        }
        long now = nanoTime.getAsLong();
        long quietFor = now - lastHeard;
        if (now - deadline >= 0 || (quietFor >= QUIET.toNanos() && outlet.unsent() == 0)) {
            done = true;
            outlet.close(code, reason);
            return;
        }
        long untilQuiet = quietFor >= QUIET.toNanos() ? TimeUnit.MILLISECONDS.toNanos(10) : QUIET.toNanos() - quietFor;
        checkIn(Math.min(untilQuiet, deadline - now));
    }

    private void checkIn(long nanos) {
        try {
            next = scheduler.schedule(this::check, Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            done = true;
            outlet.close(code, reason); // the server is stopping: close now rather than leave the connection open
        }
    }
}
