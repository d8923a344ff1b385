package org.baton.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.baton.core.notify.Notification;
import org.baton.core.notify.NotificationInbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract of every {@link NotificationInbox}: ids assigned in order, per-user reads, read marks, retention. */
public abstract class NotificationInboxContract {
    protected static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");
    protected NotificationInbox inbox;

    protected abstract NotificationInbox newInbox();

    @BeforeEach
    void createInbox() {
        inbox = newInbox();
    }

    private static Notification note(String user, String type, Instant at) {
        return new Notification(0, user, type, "patient:1:main", type + " for " + user, at, null);
    }

    @Test
    void add_assignsIncreasingIds_andListIsPerUserNewestFirst() {
        List<Notification> stored = inbox.add(List.of(note("sharma", "lock_available", NOW), note("okafor", "lock_override", NOW),
                note("sharma", "lock_expiring", NOW.plusSeconds(1))));
        assertThat(stored).extracting(Notification::id).isSorted().doesNotHaveDuplicates().allMatch(id -> id > 0);
        assertThat(inbox.list("sharma", false, 10)).extracting(Notification::type).containsExactly("lock_expiring", "lock_available");
        assertThat(inbox.list("sharma", false, 1)).hasSize(1);
        assertThat(inbox.add(List.of())).isEmpty();
    }

    @Test
    void markRead_touchesOnlyTheUsersOwn_andUnreadOnlyFilters() {
        List<Notification> stored = inbox.add(List.of(note("sharma", "a", NOW), note("sharma", "b", NOW), note("okafor", "c", NOW)));
        assertThat(inbox.markRead("sharma", List.of(stored.get(0).id(), stored.get(2).id()), NOW)).isEqualTo(1);
        assertThat(inbox.list("sharma", true, 10)).extracting(Notification::type).containsExactly("b");
        assertThat(inbox.list("okafor", true, 10)).hasSize(1);
        assertThat(inbox.markAllRead("sharma", NOW)).isEqualTo(1);
        assertThat(inbox.list("sharma", true, 10)).isEmpty();
        assertThat(inbox.list("sharma", false, 10)).allSatisfy(n -> assertThat(n.readAt()).isEqualTo(NOW));
    }

    @Test
    void deleteOlderThan_forgetsOldNotifications() {
        inbox.add(List.of(note("sharma", "old", NOW), note("sharma", "new", NOW.plusSeconds(3600))));
        assertThat(inbox.deleteOlderThan(NOW.plusSeconds(60))).isEqualTo(1);
        assertThat(inbox.list("sharma", false, 10)).extracting(Notification::type).containsExactly("new");
    }
}
