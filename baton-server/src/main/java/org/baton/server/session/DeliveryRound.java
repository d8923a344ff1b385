package org.baton.server.session;

import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bus message delivered to every session it concerns, with the network writes held back until all of them have
 * their frames queued: then each connection writes what it was given in one system call instead of one per frame.
 * A lock change reaches a viewer as two frames (the lock event and the presence); written one by one, 500 viewers
 * cost 1,000 socket writes on the thread that delivers, and the kernel's send path was most of that thread's time
 * (issue 14). Held, they cost 500.
 *
 * <p>A round lasts as long as its caller's delivery, on the caller's thread only: a send from any other thread (the
 * answer to a request, on the requester's thread) is written at once, as before. Rounds do not nest: a round begun
 * inside another joins it.
 */
public final class DeliveryRound {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRound.class);
    private static final ThreadLocal<Set<Held>> OPEN = new ThreadLocal<>();

    private DeliveryRound() {
    }

    /** A connection whose writes can wait for the end of the round. */
    public interface Held {
        /** Writes what was held back. */
        void release();
    }

    /** Runs {@code delivery}, holding back the writes of every connection it sends to until it returns. */
    public static void run(Runnable delivery) {
        if (OPEN.get() != null) {
            delivery.run();
            return;
        }
        Set<Held> held = new LinkedHashSet<>();
        OPEN.set(held);
        try {
            delivery.run();
        } finally {
            OPEN.remove();
            for (Held h : held) {
                try {
                    h.release();
                } catch (RuntimeException e) {
                    LOG.warn("a connection failed to write what the round held for it; the others go on", e);
                }
            }
        }
    }

    /**
     * Called by a connection that has just queued a frame: true when a round is open on this thread and the write
     * waits for its end (the connection is released once, however often it asks); false when it should write now.
     */
    public static boolean holdBack(Held connection) {
        Set<Held> held = OPEN.get();
        if (held == null) {
            return false;
        }
        held.add(connection);
        return true;
    }
}
