package org.baton.server.http;

import io.javalin.config.RoutesConfig;
import java.util.Map;
import org.baton.core.LockMachine;
import org.baton.server.config.BatonConfig;

/**
 * {@code GET /api/client-config}: the part of the configuration a browser client needs (whether locks are on at all,
 * heartbeat and autosave intervals, the idle warning, who may force an unlock, the longest message or note), so pages
 * follow the server's settings instead of guessing.
 */
public final class ClientConfigRoutes implements RouteGroup {
    private final Map<String, Object> settings;

    public ClientConfigRoutes(BatonConfig config) {
        this.settings = Map.of(
                "locksEnabled", config.locks().enabled(),
                "heartbeatSeconds", config.locks().heartbeatInterval().toSeconds(),
                "lockWarningSeconds", config.locks().idleWarning().toSeconds(),
                "autosaveEnabled", config.autosave().enabled(),
                "autosaveSeconds", config.autosave().interval().toSeconds(),
                "forceUnlockRoles", config.locks().forceUnlockRoles(),
                "maxMessageLength", LockMachine.MAX_MESSAGE);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/client-config", ctx -> ctx.json(settings));
    }
}
