package org.baton.server.ws;

import org.baton.server.session.Outlet;

/** How one WebSocket dialect frames messages: Baton's JSON envelopes or Socket.IO v4 packets. */
interface Framing {
    /** @param presenceDeltas whether the upgrade asked for {@code presence:delta} ({@code /ws?presence=delta}) */
    Outlet outlet(FrameSocket socket, boolean presenceDeltas, int maxQueued);

    /** The connection is open: greet the client, and bind at once if the upgrade already proved who it is. */
    void opened(Connection connection);

    /** One text frame from the client. */
    void receive(Connection connection, String text);

    /** The connection closed; stop anything the framing runs for it. */
    default void closed(Connection connection) {
    }
}
