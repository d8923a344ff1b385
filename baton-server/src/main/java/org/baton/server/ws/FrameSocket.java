package org.baton.server.ws;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * One open WebSocket as the outlets see it: text frames out, a close, whether it is still open. In the server it is
 * Jetty's core session ({@link #of(CoreSession)}); the outlets' tests give a socket of their own that never drains.
 */
interface FrameSocket {
    /**
     * Hands one text frame to the network; {@code written} runs once it is written, or failed.
     *
     * @param more another frame follows at once, so this one may wait to be written together with it
     */
    void send(String text, boolean more, Runnable written);

    void close(int code, String reason);

    boolean isOpen();

    /** Jetty's core session: frames handed over with {@code more} are batched and gathered into one socket write. */
    static FrameSocket of(CoreSession core) {
        return new FrameSocket() {
            @Override
            public void send(String text, boolean more, Runnable written) {
                core.sendFrame(new Frame(OpCode.TEXT).setPayload(text), Callback.from(written, failure -> written.run()), more);
            }

            @Override
            public void close(int code, String reason) {
                core.close(code, reason, Callback.NOOP);
            }

            @Override
            public boolean isOpen() {
                return core.isOutputOpen();
            }
        };
    }
}
