package org.baton.server.ws;

/**
 * Where one Engine.IO session's packets go right now: its WebSocket, or the queue its long-polling requests drain.
 * A Socket.IO session starts on one and may move to the other (polling, then the upgrade to WebSocket).
 */
interface TextChannel {
    /** Queues a packet without blocking; a channel that cannot keep up closes itself. */
    void sendText(String text);

    void close(int code, String reason);

    boolean isOpen();
}
