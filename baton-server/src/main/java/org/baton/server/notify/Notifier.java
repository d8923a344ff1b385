package org.baton.server.notify;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.baton.core.Actor;
import org.baton.core.LockEvent;
import org.baton.core.ReleaseCause;
import org.baton.core.notify.Notification;
import org.baton.core.notify.NotificationInbox;
import org.baton.core.bus.BusMessage;
import org.baton.core.bus.EventBus;
import org.baton.server.http.Json;

/**
 * Derives seed 000's notifications from the events of decisions made on this instance, keeps them in the user's
 * inbox (once), and pushes them live ({@code notification} event) to every connected session of that user, on
 * whichever instance it is connected:
 * <ul>
 *   <li>{@code lock_acquired}: you got the lock without asking right then (queue hand-over, approved request);</li>
 *   <li>{@code lock_released}: your lock ended without you (expired, idle, disconnected, admin release);</li>
 *   <li>{@code lock_available}: your turn to claim (when queue notifications are on);</li>
 *   <li>{@code lock_override}: someone took your lock, with their reason; your draft is kept;</li>
 *   <li>{@code lock_expiring}: your lock is about to end for inactivity;</li>
 *   <li>{@code takeover_requested}: someone asks to take your lock, and when it will be forced.</li>
 * </ul>
 */
public final class Notifier implements Consumer<List<LockEvent>> {
    private final NotificationInbox inbox;
    private final EventBus bus;
    private final InstantSource clock;
    private final boolean queueNotifications;

    /** Keeps notifications in {@code inbox} (once, on the deciding instance) and pushes them over {@code bus} to wherever their user is connected. */
    public Notifier(NotificationInbox inbox, EventBus bus, InstantSource clock, boolean queueNotifications) {
        this.inbox = inbox;
        this.bus = bus;
        this.clock = clock;
        this.queueNotifications = queueNotifications;
    }

    @Override
    public void accept(List<LockEvent> events) {
        List<Notification> pending = new ArrayList<>();
        for (LockEvent event : events) {
            String rid = event.resourceId().toString();
            switch (event) {
                case LockEvent.Acquired e when e.via() != LockEvent.Via.DIRECT && e.via() != LockEvent.Via.MOVED
                        && e.via() != LockEvent.Via.EMERGENCY -> pending.add(note(e.lease().holder(), "lock_acquired", rid,
                        "You are now editing " + rid + "." + (e.handoverNote() == null ? "" : " Note from the previous editor: " + e.handoverNote())));
                case LockEvent.Released e when e.cause() != ReleaseCause.TAKEOVER && e.cause() != ReleaseCause.MOVED && e.cause().wasInvoluntary() ->
                        pending.add(note(e.lease().holder(), "lock_released", rid, "Your edit lock on " + rid + " ended ("
                                + e.cause().name().toLowerCase().replace('_', ' ') + ")" + (e.reason() == null ? "" : ": " + e.reason())
                                + ". Your draft is kept."));
                case LockEvent.YourTurn e when queueNotifications -> pending.add(note(e.actor(), "lock_available", rid,
                        rid + " is available: claim it before " + e.claimBy() + "."));
                case LockEvent.TakenOver e -> pending.add(note(e.displaced().holder(), "lock_override", rid,
                        "Your edit session on " + rid + " was overridden by " + e.by().name() + (e.emergency() ? " (emergency)" : "")
                                + ": " + e.reason() + ". Your draft is kept."));
                case LockEvent.Expiring e -> pending.add(note(e.lease().holder(), "lock_expiring", rid,
                        "Your lock on " + rid + " ends at " + e.lease().idleExpiresAt() + " unless you keep editing."));
                case LockEvent.TakeoverRequested e -> pending.add(note(e.holder(), "takeover_requested", rid,
                        e.from().name() + " asks to take over " + rid + ": " + e.reason() + ". It is forced at " + e.autoForceAt() + "."));
                default -> { }
            }
        }
        for (Notification stored : inbox.add(pending)) {
            bus.publish(new BusMessage.Push(BusMessage.Audience.USER, stored.userId(), "notification", Json.write(wire(stored))));
        }
    }

    public static Map<String, Object> wire(Notification n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("type", n.type());
        m.put("resourceId", n.resourceId());
        m.put("message", n.message());
        m.put("at", n.at());
        m.put("read", n.readAt() != null);
        return m;
    }

    private Notification note(Actor to, String type, String resourceId, String message) {
        return new Notification(0, to.userId(), type, resourceId, message, clock.instant(), null);
    }
}
