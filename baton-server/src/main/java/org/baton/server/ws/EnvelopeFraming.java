package org.baton.server.ws;

import org.baton.server.session.Outlet;
import org.eclipse.jetty.websocket.api.Session;

/** Baton's own framing on {@code /ws}: every frame is one {@link Envelope}. */
enum EnvelopeFraming implements Framing {
    INSTANCE;

    @Override
    public Outlet outlet(Session session, int maxQueued) {
        return new EnvelopeOutlet(session, maxQueued);
    }

    @Override
    public void opened(Connection connection) {
        if (connection.upgradeIdentity() != null) {
            connection.guard(new String[1], () -> connection.bind(connection.upgradeIdentity(), connection.requestedSessionId()));
        }
    }

    @Override
    public void receive(Connection connection, String text) {
        connection.receive(text, Envelope::parse);
    }
}
