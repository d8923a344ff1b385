package org.baton.server.ws;

import java.util.concurrent.atomic.AtomicInteger;
import org.baton.server.session.Outbound;
import org.baton.server.session.Outlet;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A Baton-protocol connection: frames each message as {@code {"event","data","ref"?}} and sends it without
 * blocking. At most {@code maxQueued} messages may wait for the network; a consumer slower than that is closed
 * with 1013 (try again later) instead of growing the server's memory or stalling the sender (RELIABILITY.md §8).
 */
final class EnvelopeOutlet implements Outlet, TextChannel {
    private final Session session;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();

    EnvelopeOutlet(Session session, int maxQueued) {
        this.session = session;
        this.maxQueued = maxQueued;
    }

    @Override
    public void send(Outbound message) {
        sendText(frame(message));
    }

    @Override
    public void sendText(String text) {
        if (!session.isOpen()) {
            return;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            close(1013, "slow consumer: too many unsent messages");
            return;
        }
        session.sendText(text, Callback.from(queued::decrementAndGet, failure -> queued.decrementAndGet()));
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
        if (session.isOpen()) {
            session.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }
}
