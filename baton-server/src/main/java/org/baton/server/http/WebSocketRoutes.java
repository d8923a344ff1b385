package org.baton.server.http;

import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * A route group that also accepts WebSockets. They are mapped on Jetty's core upgrade handler, in front of Javalin,
 * rather than as Javalin WebSocket routes: a Javalin (servlet) WebSocket keeps its upgrade request for the
 * connection's life, and with thousands of idle sessions that request is most of their memory.
 */
public interface WebSocketRoutes {
    void register(WebSocketUpgradeHandler upgrades);
}
