package org.baton.server.http;

import io.javalin.Javalin;
import java.util.List;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * Builds the Javalin server from route groups (and Jetty's WebSocket upgrades of {@link WebSocketRoutes} in front of
 * it): problem+json for every refusal, JSON bodies bounded in size, blocking handlers on virtual threads, no banner.
 *
 * <p>It holds no routes of its own; {@code Main} (and tests) pass the groups, so a test can start exactly the
 * server it needs on port 0.
 */
public final class HttpApp {
    /** Where to listen and how large a request body may be. */
    public record Options(String host, int port, long maxBodyBytes) {
    }

    private final Javalin javalin;

    public HttpApp(Options options, List<RouteGroup> groups) {
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = options.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.http.defaultContentType = "application/json";
            config.jsonMapper(new io.javalin.json.JavalinJackson(Json.mapper(), true));
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            List<WebSocketRoutes> webSockets = groups.stream().filter(WebSocketRoutes.class::isInstance).map(WebSocketRoutes.class::cast).toList();
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new ProblemErrorHandler());
                if (!webSockets.isEmpty()) {
                    WebSocketUpgradeHandler upgrades = new WebSocketUpgradeHandler();
                    upgrades.setHandler((org.eclipse.jetty.server.Handler) null); // Javalin puts its servlet context here, behind the upgrades
                    webSockets.forEach(group -> group.register(upgrades));
                    server.setHandler(upgrades);
                }
            });
            config.router.ignoreTrailingSlashes = true;
            ProblemResponder.install(config.routes);
            for (RouteGroup group : groups) {
                group.register(config.routes);
            }
        });
    }

    public HttpApp start() {
        javalin.start();
        return this;
    }

    /**
     * Fixes the kernel send buffer of every connection accepted from now on (SO_SNDBUF; Linux doubles the figure for
     * its bookkeeping). Autotuned, it grows to megabytes, and a stalled consumer is felt only once they are full.
     */
    public void sendBufferBytes(int bytes) {
        for (var connector : javalin.jettyServer().server().getConnectors()) {
            if (connector instanceof org.eclipse.jetty.server.ServerConnector server) {
                server.setAcceptedSendBufferSize(bytes);
            }
        }
    }

    public int port() {
        return javalin.port();
    }

    public void stop() {
        javalin.stop();
    }

    /** Every HTTP route as "METHOD /path", in registration order (filters and WebSocket routes left out). */
    public List<String> endpoints() {
        return javalin.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    public Javalin javalin() {
        return javalin;
    }
}
