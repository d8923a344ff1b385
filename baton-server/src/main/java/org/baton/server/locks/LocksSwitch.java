package org.baton.server.locks;

import io.javalin.config.RoutesConfig;
import org.baton.server.http.ApiException;
import org.baton.server.http.RouteGroup;

/**
 * The master switch of the lock API ({@code LOCK_ENABLED}). When it is off, every lock operation answers 503
 * {@code LOCKS_DISABLED}, over REST (the lock, admin-lock and guard endpoints) and over the WebSocket alike, so a
 * client is never told it holds a lock Baton is not enforcing.
 */
public final class LocksSwitch implements RouteGroup {
    private final boolean enabled;

    public LocksSwitch(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Throws the 503 refusal when locks are off. */
    public void requireEnabled() {
        if (!enabled) {
            throw ApiException.of(503, "LOCKS_DISABLED", "Edit locks are turned off on this server (LOCK_ENABLED=false).");
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        if (!enabled) {
            for (String path : new String[] {"/api/locks/*", "/api/admin/locks", "/api/admin/locks/*", "/api/guard/*"}) {
                routes.before(path, ctx -> requireEnabled());
            }
        }
    }
}
