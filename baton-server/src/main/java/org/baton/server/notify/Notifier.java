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
import org.baton.core.ResourceId;
import org.baton.core.notify.Notification;
import org.baton.core.notify.NotificationInbox;
import org.baton.server.locks.EventFanOut;
import org.baton.server.session.ClientSession;
import org.baton.server.session.Outbound;
import org.baton.server.session.SessionRegistry;

/**
 * Derives seed 000's notifications from lock events, keeps them in the user's inbox, and pushes them live
 * ({@code notification} event) to every connected session of that user:
 * <ul>
 *   <li>{@code lock_acquired}: you got the lock without asking right then (queue hand-over, approved request);</li>
 *   <li>{@code lock_released}: your lock ended without you (expired, idle, disconnected, admin release);</li>
 *   <li>{@code lock_available}: your turn to claim (when queue notifications are on);</li>
 *   <li>{@code lock_override}: someone took your lock, with their reason, and whether your draft is on the server
 *       (and since when) — never a promise of a draft that does not exist;</li>
 *   <li>{@code lock_expiring}: your lock is about to end for inactivity;</li>
 *   <li>{@code takeover_requested}: someone asks to take your lock, and when it will be forced.</li>
 * </ul>
 */
public final class Notifier implements Consumer<List<LockEvent>> {
    private final NotificationInbox inbox;
    private final SessionRegistry sessions;
    private final InstantSource clock;
    private final boolean queueNotifications;
    private final EventFanOut.DraftFacts drafts;

    public Notifier(NotificationInbox inbox, SessionRegistry sessions, InstantSource clock, boolean queueNotifications,
                    EventFanOut.DraftFacts drafts) {
        this.inbox = inbox;
        this.sessions = sessions;
        this.clock = clock;
        this.queueNotifications = queueNotifications;
        this.drafts = drafts;
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
                                + ". " + draftSentence(e.lease().holder(), e.resourceId())));
                case LockEvent.YourTurn e when queueNotifications -> pending.add(note(e.actor(), "lock_available", rid,
                        rid + " is available: claim it before " + e.claimBy() + "."));
                case LockEvent.TakenOver e -> pending.add(note(e.displaced().holder(), "lock_override", rid,
                        "Your edit session on " + rid + " was overridden by " + e.by().name() + (e.emergency() ? " (emergency)" : "")
                                + ": " + e.reason() + ". " + draftSentence(e.displaced().holder(), e.resourceId())));
                case LockEvent.Expiring e -> pending.add(note(e.lease().holder(), "lock_expiring", rid,
                        "Your lock on " + rid + " ends at " + e.lease().idleExpiresAt() + " unless you keep editing."));
                case LockEvent.TakeoverRequested e -> pending.add(note(e.holder(), "takeover_requested", rid,
                        e.from().name() + " asks to take over " + rid + ": " + e.reason() + ". It is forced at " + e.autoForceAt() + "."));
                default -> { }
            }
        }
        for (Notification stored : inbox.add(pending)) {
            Outbound message = Outbound.event("notification", wire(stored));
            for (ClientSession session : sessions.ofUser(stored.userId())) {
                session.deliver(message);
            }
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

    /** What is true about the user's draft right now. */
    private String draftSentence(Actor holder, ResourceId resource) {
        return drafts.of(holder.userId(), resource)
                .map(d -> "Your unsaved changes are kept as your draft (saved " + d.savedAt() + ", "
                        + d.age().toSeconds() + " s before this).")
                .orElse("No draft of yours was on the server at that moment; an open page saves what you typed as your draft.");
    }

    private Notification note(Actor to, String type, String resourceId, String message) {
        return new Notification(0, to.userId(), type, resourceId, message, clock.instant(), null);
    }
}
