package org.baton.server.ws;

import org.baton.server.session.Outlet;

/** Baton's own framing on {@code /ws}: every frame is one {@link Envelope}. */
enum EnvelopeFraming implements Framing {
    INSTANCE;

    @Override
    public Outlet outlet(FrameSocket socket, boolean presenceDeltas, int maxQueued) {
        return new EnvelopeOutlet(socket, maxQueued, presenceDeltas);
    }

    /**
     * Binds the identity of an {@code access_token} upgrade. When that fails (the store did not answer, say, after the
     * error frame that says so) the connection is closed with 1013 at once: a client reconnecting after a restart then
     * retries on its backoff instead of sitting unauthenticated until the 5 s authentication timeout (issue 16).
     */
    @Override
    public void opened(Connection connection) {
        if (connection.upgradeIdentity() != null) {
            connection.guard(new String[1], () -> connection.bind(connection.upgradeIdentity(), connection.requestedSessionId()));
            if (!connection.isAuthenticated()) {
                connection.closeQuietly(1013, "try again later: the session could not be opened");
            }
        }
    }

    @Override
    public void receive(Connection connection, String text) {
        connection.receive(text, Envelope::parse);
    }
}
