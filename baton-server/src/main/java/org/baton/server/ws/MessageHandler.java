package org.baton.server.ws;

import org.baton.server.session.ClientSession;
import org.baton.server.session.SessionRegistry;

/**
 * What the WebSocket transport hands authenticated traffic to. The transport owns framing, authentication,
 * Origin, size and rate limits; the handler owns meaning (lock commands, drafts, presence).
 */
public interface MessageHandler {
    /** A connection is bound to a session (new or resumed) and {@code session:ready} has been sent. */
    void onReady(SessionRegistry.Binding binding);

    /**
     * Handles one client event. Refusals are thrown as {@link org.baton.server.http.ApiException}; the transport
     * answers them as an {@code error} event carrying the message's {@code ref}.
     */
    void onMessage(ClientSession session, Envelope message);

    /** The session's connection dropped; its leases enter the disconnect grace. */
    void onDisconnected(ClientSession session);
}
