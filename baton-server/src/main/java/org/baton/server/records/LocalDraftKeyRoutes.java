package org.baton.server.records;

import io.javalin.config.RoutesConfig;
import java.util.Map;
import org.baton.server.auth.Identity;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;

/**
 * {@code GET /api/autosave/local-key}: the signed-in user's key for encrypting drafts kept in the browser. Answered
 * with {@code Cache-Control: no-store}, so no cache on a shared workstation keeps it.
 */
public final class LocalDraftKeyRoutes implements RouteGroup {
    private final LocalDraftKeys keys;

    public LocalDraftKeyRoutes(LocalDraftKeys keys) {
        this.keys = keys;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/autosave/local-key", ctx -> {
            Identity who = RequestAuth.identity(ctx);
            ctx.header("Cache-Control", "no-store");
            ctx.json(Map.of("userId", who.userId(), "key", keys.keyFor(who.userId()), "derivation", "HKDF-SHA256"));
        });
    }
}
