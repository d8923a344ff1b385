package org.baton.server.http;

import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (every check passes: the durable store
 * answers, the event bus is connected, and this instance's heartbeat is fresh so it may act), for load balancers and
 * for the start script's "ready" line. Neither needs a token. Ready names each check, so an operator sees which one
 * failed, beside facts about the instance (which store, its name) that must not share a check's name.
 */
public final class HealthRoutes implements RouteGroup {
    private final Map<String, BooleanSupplier> checks;
    private final Map<String, Object> about;

    /**
     * @param checks named readiness checks, in display order
     * @param about facts shown with every answer (the instance, the store)
     */
    public HealthRoutes(Map<String, BooleanSupplier> checks, Map<String, Object> about) {
        for (String name : about.keySet()) {
            if (checks.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is both a readiness check and a fact; the fact would hide the check");
            }
        }
        this.checks = checks;
        this.about = about;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        routes.get("/health/ready", ctx -> {
            Map<String, Object> body = new LinkedHashMap<>();
            boolean ready = true;
            Map<String, Object> results = new LinkedHashMap<>();
            for (Map.Entry<String, BooleanSupplier> check : checks.entrySet()) {
                boolean up = check.getValue().getAsBoolean();
                results.put(check.getKey(), up ? "UP" : "DOWN");
                ready &= up;
            }
            body.put("status", ready ? "UP" : "DOWN");
            body.putAll(results);
            body.putAll(about);
            if (!ready) {
                ctx.header("Retry-After", "5");
                ctx.status(503);
            }
            ctx.json(body);
        });
    }
}
