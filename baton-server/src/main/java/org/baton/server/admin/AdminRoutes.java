package org.baton.server.admin;

import io.javalin.config.RoutesConfig;
import java.util.Map;
import org.baton.server.http.RouteGroup;

/** {@code GET /api/admin/alerts} and {@code GET /api/admin/metrics}: the dashboard's alerts and live figures (admin only). */
public final class AdminRoutes implements RouteGroup {
    private final AlertWatch alerts;
    private final LockMetrics metrics;

    public AdminRoutes(AlertWatch alerts, LockMetrics metrics) {
        this.alerts = alerts;
        this.metrics = metrics;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/admin/alerts", ctx -> {
            ctx.json(Map.of("alerts", alerts.current()));
        });
        routes.get("/api/admin/metrics", ctx -> {
            ctx.json(metrics.snapshot());
        });
    }
}
