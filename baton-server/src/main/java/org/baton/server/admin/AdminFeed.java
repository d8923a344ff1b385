package org.baton.server.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.baton.core.LockEvent;
import org.baton.server.session.ClientSession;
import org.baton.server.session.Outbound;
import org.baton.server.session.SessionRegistry;

/**
 * Keeps the admin dashboard live: every change to who holds or waits for a lock is pushed as
 * {@code admin:lock_changed {resourceId, change}} to each connected admin session, which then refreshes its view.
 * Only the kind of change travels, never lease ids.
 */
public final class AdminFeed implements Consumer<List<LockEvent>> {
    private final SessionRegistry sessions;

    public AdminFeed(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public void accept(List<LockEvent> events) {
        List<ClientSession> admins = null; // looked up once per decision, and only when it has news for admins
        for (LockEvent event : events) {
            String change = switch (event) {
                case LockEvent.Acquired e -> "acquired";
                case LockEvent.Released e -> "released";
                case LockEvent.Queued e -> "queued";
                case LockEvent.LeftQueue e -> "left_queue";
                case LockEvent.TakenOver e -> "taken_over";
                case LockEvent.AdminReleased e -> "admin_released";
                case LockEvent.TakeoverRequested e -> "takeover_requested";
                default -> null;
            };
            if (change == null) {
                continue;
            }
            if (admins == null) {
                admins = sessions.withRole("admin").stream().filter(ClientSession::isConnected).toList();
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("resourceId", event.resourceId().toString());
            data.put("change", change);
            Outbound push = Outbound.event("admin:lock_changed", data);
            admins.forEach(s -> s.deliver(push));
        }
    }
}
