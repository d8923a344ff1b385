package org.baton.server.ws;

import java.util.ArrayDeque;
import java.util.Iterator;
import org.baton.server.session.DeliveryRound;
import org.baton.server.session.Outbound;
import org.baton.server.session.Outlet;
import org.baton.server.session.PresenceNews;

/**
 * A Baton-protocol connection: frames each message as {@code {"event","data","ref"?}} and sends it without
 * blocking. At most {@value #IN_FLIGHT} frames are handed to the network at once; the rest wait here, where a newer
 * presence message about a resource replaces a waiting one about the same resource ({@link PresenceNews}), so a
 * reader that falls behind gets the latest presence, not every step. At most {@code maxQueued} messages may wait in
 * all; a consumer slower than that is closed with 1013 (try again later) instead of growing the server's memory or
 * stalling the sender (RELIABILITY.md §8). The frame of a message is written once and shared by every connection
 * that sends it ({@link Outbound#framed}).
 *
 * <p>Frames handed over together are written together: all but the last are given to Jetty as a batch, which it
 * gathers with the last into one socket write. During a {@link DeliveryRound} (one bus message to many sessions) the
 * frames wait for the end of the round, so a viewer's lock event and presence leave in one write.
 */
final class EnvelopeOutlet implements Outlet, TextChannel, DeliveryRound.Held {
    /** Frames handed to Jetty and not yet written: enough to keep the socket busy, few enough to leave room to coalesce. */
    static final int IN_FLIGHT = 4;
    private static final Object ENVELOPE = new Object();

    private final FrameSocket socket;
    private final int maxQueued;
    private final boolean presenceDeltas;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>(); // Outbound messages and raw text frames, in order
    private int inFlight;
    private boolean draining;

    EnvelopeOutlet(FrameSocket socket, int maxQueued) {
        this(socket, maxQueued, false);
    }

    /** @param presenceDeltas whether the client asked for {@code presence:delta} ({@code /ws?presence=delta}) */
    EnvelopeOutlet(FrameSocket socket, int maxQueued, boolean presenceDeltas) {
        this.socket = socket;
        this.maxQueued = maxQueued;
        this.presenceDeltas = presenceDeltas;
    }

    @Override
    public boolean takesPresenceDeltas() {
        return presenceDeltas;
    }

    @Override
    public void send(Outbound message) {
        enqueue(message);
    }

    @Override
    public void sendText(String text) {
        enqueue(text);
    }

    private void enqueue(Object item) {
        if (!socket.isOpen()) {
            return;
        }
        boolean full;
        synchronized (this) {
            item = coalesce(item);
            full = waiting.size() + inFlight >= maxQueued;
            if (full) {
                waiting.clear();
            } else {
                waiting.addLast(item);
            }
        }
        if (full) {
            close(1013, "slow consumer: too many unsent messages"); // outside the lock: Jetty may call back into written()
            return;
        }
        if (!DeliveryRound.holdBack(this)) {
            drain();
        }
    }

    @Override
    public void release() {
        drain();
    }

    /** Takes a waiting presence message about the same resource out of the queue and returns what replaces both. */
    private Object coalesce(Object item) {
        String resource = item instanceof Outbound message ? PresenceNews.resourceOf(message) : null;
        if (resource == null) {
            return item;
        }
        for (Iterator<Object> it = waiting.descendingIterator(); it.hasNext(); ) {
            if (it.next() instanceof Outbound queued && resource.equals(PresenceNews.resourceOf(queued))) {
                Outbound merged = PresenceNews.merge(queued, (Outbound) item);
                if (merged == null) {
                    return item;
                }
                it.remove(); // the merged message goes last, after the lock events that came before it
                return merged;
            }
        }
        return item;
    }

    /**
     * Hands waiting frames to Jetty while fewer than {@value #IN_FLIGHT} are unwritten, those taken together in one
     * write; one thread at a time.
     */
    private void drain() {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        Object[] next = new Object[IN_FLIGHT];
        while (true) {
            int taken = 0;
            synchronized (this) {
                if (!socket.isOpen()) {
                    waiting.clear();
                }
                while (inFlight < IN_FLIGHT && !waiting.isEmpty()) {
                    next[taken++] = waiting.pollFirst();
                    inFlight++;
                }
                if (taken == 0) {
                    draining = false;
                    return;
                }
            }
            int handed = 0;
            try {
                for (; handed < taken; handed++) {
                    Object item = next[handed];
                    next[handed] = null;
                    String text = item instanceof Outbound message ? message.framed(ENVELOPE, EnvelopeOutlet::frame) : (String) item;
                    socket.send(text, handed < taken - 1, this::written);
                }
            } catch (RuntimeException e) {
                synchronized (this) {
                    inFlight -= taken - handed;
                    draining = false;
                }
                throw e;
            }
        }
    }

    private void written() {
        synchronized (this) {
            inFlight--;
        }
        drain();
    }

    static String frame(Outbound message) {
        var sb = new StringBuilder(64 + message.dataJson().length());
        sb.append("{\"event\":").append(quote(message.event())).append(",\"data\":").append(message.dataJson());
        if (message.ref() != null) {
            sb.append(",\"ref\":").append(quote(message.ref()));
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        return org.baton.server.http.Json.write(s);
    }

    @Override
    public void close(int code, String reason) {
        if (socket.isOpen()) {
            socket.close(code, reason);
        }
    }

    @Override
    public synchronized int unsent() {
        return waiting.size() + inFlight;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }
}
