package org.baton.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.baton.core.notify.NotificationInbox;
import org.baton.server.auth.Identity;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;

/** {@code GET /api/notifications[?unread=true&limit=n]} and {@code POST /api/notifications/read {ids | all}}. */
public final class NotificationRoutes implements RouteGroup {
    private final NotificationInbox inbox;
    private final InstantSource clock;

    public NotificationRoutes(NotificationInbox inbox, InstantSource clock) {
        this.inbox = inbox;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/notifications", ctx -> {
            Identity me = RequestAuth.identity(ctx);
            boolean unread = "true".equals(ctx.queryParam("unread"));
            int limit;
            try {
                limit = ctx.queryParam("limit") == null ? 50 : Integer.parseInt(ctx.queryParam("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 500) {
                throw ApiException.badRequest("INVALID_FIELD", "'limit' must be a whole number from 1 to 500.");
            }
            var items = inbox.list(me.userId(), unread, limit).stream().map(Notifier::wire).toList();
            long unreadCount = inbox.list(me.userId(), true, 500).size();
            ctx.json(Map.of("notifications", items, "unread", unreadCount));
        });
        routes.post("/api/notifications/read", ctx -> {
            Identity me = RequestAuth.identity(ctx);
            JsonNode body = Json.readTree(ctx.body());
            int changed;
            if (body.path("all").asBoolean(false)) {
                changed = inbox.markAllRead(me.userId(), clock.instant());
            } else {
                JsonNode ids = body.path("ids");
                if (!ids.isArray() || ids.size() > 500) {
                    throw ApiException.badRequest("INVALID_FIELD", "Send {\"ids\": [..]} (at most 500) or {\"all\": true}.");
                }
                List<Long> list = new ArrayList<>();
                for (JsonNode id : ids) {
                    if (!id.canConvertToLong()) {
                        throw ApiException.badRequest("INVALID_FIELD", "'ids' must be numbers.");
                    }
                    list.add(id.asLong());
                }
                changed = inbox.markRead(me.userId(), list, clock.instant());
            }
            ctx.json(Map.of("marked", changed));
        });
    }
}
