package org.baton.server.ws;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.CloseException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

/**
 * One WebSocket connection on Jetty's core API: it joins a text message's frames and hands the message to its
 * {@link Listener}. It is Baton's own instead of Javalin's or Jetty's WebSocket API because those keep the HTTP
 * request that upgraded the connection (its parser, headers, URI with the access token, the servlet request around
 * it) for the connection's whole life: about 14 KiB of heap per idle session, most of what an idle session cost.
 * What Baton needs from the upgrade is read once by {@link WsGateway} into an {@link WsGateway.Upgrade}.
 *
 * <p>Control frames are answered by Jetty (a PING gets its PONG, a CLOSE its CLOSE). A text message larger than
 * {@code maxTextMessageSize} closes the connection with 1009, invalid UTF-8 with 1007, a binary frame with 1003.
 */
final class WsEndpoint implements FrameHandler {
    /** What the gateway does with one connection's life. */
    interface Listener {
        /** The largest text message read at all; a larger one closes the connection (1009). */
        long maxTextMessageBytes();

        /** The connection is open; {@code socket} sends on it. */
        void opened(WsEndpoint endpoint, FrameSocket socket);

        /** One whole text message. */
        void received(WsEndpoint endpoint, String text);

        /** The connection is closed (by either side, or lost); called once. */
        void closed(WsEndpoint endpoint);
    }

    private final String id;
    private final WsGateway.Upgrade upgrade;
    private final Listener listener;
    private volatile CoreSession session;
    private Utf8StringBuilder message; // the text message being joined, null between messages
    private long messageBytes;

    WsEndpoint(String id, WsGateway.Upgrade upgrade, Listener listener) {
        this.id = id;
        this.upgrade = upgrade;
        this.listener = listener;
    }

    /** This connection's id, unique within the gateway. */
    String id() {
        return id;
    }

    /** What the upgrade request said, as far as Baton uses it. */
    WsGateway.Upgrade upgrade() {
        return upgrade;
    }

    /** Closes the connection (a close frame with {@code code}); the listener hears of it when the close completes. */
    void close(int code, String reason) {
        CoreSession open = session;
        if (open != null) {
            open.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        try {
            coreSession.setMaxTextMessageSize(listener.maxTextMessageBytes());
            coreSession.setIdleTimeout(WsGateway.IDLE_TIMEOUT);
            listener.opened(this, FrameSocket.of(coreSession));
        } catch (Throwable failure) {
            callback.failed(failure);
            return;
        }
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.TEXT, OpCode.CONTINUATION -> onTextFrame(frame, callback);
            case OpCode.BINARY -> callback.failed(new CloseException(CloseStatus.BAD_DATA, "Baton accepts text messages only"));
            default -> { // PING, PONG, CLOSE: Jetty answers once the callback completes
                callback.succeeded();
                session.demand();
            }
        }
    }

    private void onTextFrame(Frame frame, Callback callback) {
        try {
            messageBytes += frame.getPayloadLength();
            long max = session.getMaxTextMessageSize();
            if (max > 0 && messageBytes > max) {
                throw new MessageTooLargeException(String.format("Text message too large: %,d > %,d", messageBytes, max));
            }
            if (message == null) {
                message = new Utf8StringBuilder();
            }
            message.append(frame.getPayload());
            if (frame.isFin()) {
                String text = message.takeCompleteString(BadPayloadException.InvalidUtf8::new);
                message = null;
                messageBytes = 0;
                listener.received(this, text);
            }
        } catch (Throwable failure) {
            message = null;
            messageBytes = 0;
            callback.failed(failure); // Jetty closes: 1009, 1007, or 1011 for anything else
            return;
        }
        callback.succeeded();
        session.demand();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        callback.succeeded(); // Jetty closes the connection next, and onClosed follows
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        try {
            listener.closed(this);
        } finally {
            callback.succeeded();
        }
    }
}
