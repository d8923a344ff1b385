package org.baton.server.http;

import io.javalin.config.RoutesConfig;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (the durable store answers too), for load
 * balancers and for the start script's "ready" line. Neither needs a token.
 */
public final class HealthRoutes implements RouteGroup {
    private final BooleanSupplier storeReachable;

    public HealthRoutes(BooleanSupplier storeReachable) {
        this.storeReachable = storeReachable;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        routes.get("/health/ready", ctx -> {
            if (storeReachable.getAsBoolean()) {
                ctx.json(Map.of("status", "UP", "database", "UP"));
            } else {
                ctx.header("Retry-After", "5");
                ctx.status(503).json(Map.of("status", "DOWN", "database", "DOWN"));
            }
        });
    }
}
