package org.baton.server.notify;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.baton.core.Actor;
import org.baton.core.LockEvent;
import org.baton.core.PresenceEntry;
import org.baton.core.ReleaseCause;
import org.baton.core.ResourceId;
import org.baton.core.notify.Notification;
import org.baton.core.bus.BusMessage;
import org.baton.server.http.Json;
import org.baton.server.locks.EventFanOut;
import org.baton.store.jdbc.Announcer;
import org.baton.store.jdbc.EventJournal;
import org.baton.store.jdbc.notify.JdbcNotificationInbox;

/**
 * Derives seed 000's notifications from the events of decisions made on this instance, keeps them in the user's
 * inbox (once), and pushes them live ({@code notification} event) to every connected session of that user, on
 * whichever instance it is connected:
 * <ul>
 *   <li>{@code lock_available}: it is your turn: with auto-acquire you have the record now, without it you may claim
 *       it (when queue notifications are on);</li>
 *   <li>{@code lock_acquired}: someone started editing a record you follow (you view it or wait for it); or you got
 *       the lock without asking right then (an approved request or takeover);</li>
 *   <li>{@code lock_released}: someone finished editing a record you follow; or your own lock ended without you
 *       (expired, idle, disconnected, admin release);</li>
 *   <li>{@code lock_override}: someone took your lock, with their reason, and whether your draft is on the server
 *       (and since when) — never a promise of a draft that does not exist;</li>
 *   <li>{@code lock_expiring}: your lock is about to end for inactivity;</li>
 *   <li>{@code takeover_requested}: someone asks to take your lock, and when it will be forced.</li>
 * </ul>
 * Who follows a record is read from the presence the same decision published: its viewers and waiters.
 *
 * <p>What a decision tells the people it happened to (an override, a lock that ended without its holder, a takeover
 * asked of them, their turn) is kept in the inbox, and pushed, by the transaction that stores the decision: as a
 * journal of the lock store ({@link #write}), so a crash cannot keep an override and lose its notice, and the push
 * leaves only once the decision is durable. Those are a few rows at most. The news for its followers (one row per
 * viewer and waiter: hundreds on a watched record) is kept just after the commit, as a decision listener
 * ({@link #accept}), so that a decision's commit, and the fan-out of its own events, do not grow with its audience.
 */
public final class Notifier implements EventJournal, Consumer<List<LockEvent>> {
    private final JdbcNotificationInbox inbox;
    private final Announcer announcer;
    private final InstantSource clock;
    private final boolean queueNotifications;
    private final EventFanOut.DraftFacts drafts;

    /**
     * Keeps notifications in {@code inbox} (once, by the deciding instance) and pushes them to wherever their user is
     * connected, announced with {@code announcer}: a decision's personal notices in its transaction, its followers'
     * news in one transaction after it, all of them in one bus message.
     */
    public Notifier(JdbcNotificationInbox inbox, Announcer announcer, InstantSource clock, boolean queueNotifications,
                    EventFanOut.DraftFacts drafts) {
        this.inbox = inbox;
        this.announcer = announcer;
        this.clock = clock;
        this.queueNotifications = queueNotifications;
        this.drafts = drafts;
    }

    /** Keeps and announces the decision's personal notices, in its transaction. */
    @Override
    public void write(Connection connection, List<LockEvent> events) throws SQLException {
        List<Notification> personal = noticesOf(events).personal().stream()
                .map(n -> note(n.to(), n.type(), n.resourceId(), n.message().get())).toList();
        for (Notification stored : inbox.addIn(connection, personal)) {
            announcer.announce(connection, push(stored));
        }
    }

    /** Keeps and pushes the followers' news of a decision that has committed: one transaction, one bus message. */
    @Override
    public void accept(List<LockEvent> events) {
        Notices notices = noticesOf(events);
        if (notices.news().isEmpty()) {
            return;
        }
        // A follower who was told something about the record personally in this decision needs no second word on it.
        Set<String> toldPersonally = notices.personal().stream().map(n -> n.to().userId() + " " + n.resourceId()).collect(Collectors.toSet());
        List<Actor> followers = followers(events);
        List<Notification> news = new ArrayList<>();
        for (News item : notices.news()) {
            for (Actor follower : followers) {
                if (!follower.sameUser(item.editor()) && !toldPersonally.contains(follower.userId() + " " + item.resourceId())) {
                    news.add(note(follower, item.type(), item.resourceId(), item.message()));
                }
            }
        }
        inbox.addAndAnnounce(news, announcer, stored -> new BusMessage.Pushes(stored.stream().map(Notifier::push).toList()));
    }

    private static BusMessage.Push push(Notification stored) {
        return new BusMessage.Push(BusMessage.Audience.USER, stored.userId(), "notification", Json.write(wire(stored)));
    }

    /**
     * What a decision tells one person it happened to; the message is made only when the notice is kept (it may read
     * the user's draft), so telling who was told personally costs nothing.
     */
    private record Notice(Actor to, String type, String resourceId, Supplier<String> message) {
    }

    /** What a decision tells each follower of the record but its editor. */
    private record News(Actor editor, String type, String resourceId, String message) {
    }

    /** A decision's notices to the people it happened to, and its news for the record's followers, in event order. */
    private record Notices(List<Notice> personal, List<News> news) {
    }

    private Notices noticesOf(List<LockEvent> events) {
        List<Notice> personal = new ArrayList<>();
        List<News> news = new ArrayList<>();
        for (LockEvent event : events) {
            String rid = event.resourceId().toString();
            switch (event) {
                case LockEvent.Acquired e -> {
                    Actor editor = e.lease().holder();
                    String note = e.handoverNote() == null ? "" : " Note from the previous editor: " + e.handoverNote();
                    if (e.via() == LockEvent.Via.QUEUE_AUTO_ACQUIRE && queueNotifications) {
                        personal.add(new Notice(editor, "lock_available", rid, () -> "It is your turn: you have " + rid + " now and are editing it." + note));
                    } else if (e.via() != LockEvent.Via.DIRECT && e.via() != LockEvent.Via.MOVED && e.via() != LockEvent.Via.EMERGENCY) {
                        personal.add(new Notice(editor, "lock_acquired", rid, () -> "You are now editing " + rid + "." + note));
                    }
                    if (e.via() != LockEvent.Via.MOVED) {
                        news.add(new News(editor, "lock_acquired", rid, editor.name() + " started editing " + rid + "."));
                    }
                }
                case LockEvent.Released e -> {
                    Actor editor = e.lease().holder();
                    if (e.cause() != ReleaseCause.TAKEOVER && e.cause() != ReleaseCause.MOVED && e.cause().wasInvoluntary()) {
                        personal.add(new Notice(editor, "lock_released", rid, () -> "Your edit lock on " + rid + " ended ("
                                + e.cause().name().toLowerCase().replace('_', ' ') + ")" + (e.reason() == null ? "" : ": " + e.reason())
                                + ". " + draftSentence(editor, e.resourceId())));
                    }
                    if (e.cause() != ReleaseCause.MOVED) {
                        news.add(new News(editor, "lock_released", rid, editor.name() + " finished editing " + rid + "."));
                    }
                }
                case LockEvent.YourTurn e when queueNotifications -> personal.add(new Notice(e.actor(), "lock_available", rid,
                        () -> "It is your turn: " + rid + " is available; claim it before " + e.claimBy() + "."));
                case LockEvent.TakenOver e -> personal.add(new Notice(e.displaced().holder(), "lock_override", rid,
                        () -> "Your edit session on " + rid + " was overridden by " + e.by().name() + (e.emergency() ? " (emergency)" : "")
                                + ": " + e.reason() + ". " + draftSentence(e.displaced().holder(), e.resourceId())));
                case LockEvent.Expiring e -> personal.add(new Notice(e.lease().holder(), "lock_expiring", rid,
                        () -> "Your lock on " + rid + " ends at " + e.lease().idleExpiresAt() + " unless you keep editing."));
                case LockEvent.TakeoverRequested e -> personal.add(new Notice(e.holder(), "takeover_requested", rid,
                        () -> e.from().name() + " asks to take over " + rid + ": " + e.reason() + ". It is forced at " + e.autoForceAt() + "."));
                default -> { }
            }
        }
        return new Notices(personal, news);
    }

    /** The viewers and waiters after the decision, one per user, from the presence it published (none if unchanged). */
    private static List<Actor> followers(List<LockEvent> events) {
        Map<String, Actor> byUser = new LinkedHashMap<>();
        for (LockEvent event : events) {
            if (event instanceof LockEvent.PresenceChanged presence) {
                byUser.clear();
                presence.users().stream().filter(u -> u.mode() != PresenceEntry.Mode.EDITOR)
                        .forEach(u -> byUser.putIfAbsent(u.actor().userId(), u.actor()));
            }
        }
        return List.copyOf(byUser.values());
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
