package org.baton.bench;

import io.javalin.Javalin;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * The floors' server, in its own process pinned like Baton's, on the same stack as Baton: a minimal WebSocket echo on
 * Jetty's core API ({@code /echo}, Baton's WebSocket transport), the same echo as a Javalin WebSocket
 * ({@code /echo-javalin}, Baton's transport until 2026-11-30: kept to show what an idle session of each costs) and a
 * raw HTTP responder ({@code GET /ping}, Javalin on Jetty with virtual threads, as Baton's REST). Args: the port.
 */
public final class EchoMain {
    private EchoMain() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.concurrency.useVirtualThreads = true;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = port;
            config.jetty.modifyServer(server -> {
                WebSocketUpgradeHandler upgrades = new WebSocketUpgradeHandler();
                upgrades.setHandler((Handler) null); // Javalin puts its servlet context here
                upgrades.addMapping("/echo", (request, response, callback) -> new CoreEcho());
                server.setHandler(upgrades);
            });
            config.routes.get("/ping", ctx -> ctx.result("ok"));
            config.routes.ws("/echo-javalin", ws -> {
                ws.onConnect(ctx -> ctx.session.setIdleTimeout(Duration.ofMinutes(10))); // as Baton does: kept open between rounds
                ws.onMessage(ctx -> ctx.send(ctx.message()));
            });
        }).start();
        System.out.println("echo ready on " + port);
    }

    /** Sends every text frame back (the load generator's messages fit in one frame). */
    private static final class CoreEcho implements FrameHandler {
        private CoreSession session;

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            coreSession.setIdleTimeout(Duration.ofMinutes(10));
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            if (frame.getOpCode() == OpCode.TEXT) {
                ByteBuffer copy = ByteBuffer.allocate(frame.getPayloadLength());
                copy.put(frame.getPayload().slice()).flip();
                session.sendFrame(new Frame(OpCode.TEXT).setPayload(copy), Callback.NOOP, false);
            }
            callback.succeeded();
            session.demand();
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }
    }
}
