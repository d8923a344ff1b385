package org.baton.bench;

import io.javalin.Javalin;
import java.time.Duration;

/**
 * The floors' server, in its own process pinned like Baton's: a minimal WebSocket echo ({@code /echo}) and a raw HTTP
 * responder ({@code GET /ping}) on the same stack as Baton (Javalin on Jetty, virtual threads). Args: the port.
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
            config.routes.get("/ping", ctx -> ctx.result("ok"));
            config.routes.ws("/echo", ws -> {
                ws.onConnect(ctx -> ctx.session.setIdleTimeout(Duration.ofMinutes(10))); // as Baton does: kept open between rounds
                ws.onMessage(ctx -> ctx.send(ctx.message()));
            });
        }).start();
        System.out.println("echo ready on " + port);
    }
}
