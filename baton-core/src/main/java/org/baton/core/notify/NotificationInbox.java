package org.baton.core.notify;

import java.time.Instant;
import java.util.List;

/** Each user's durable inbox of {@link Notification}s: for users who were offline when something happened. */
public interface NotificationInbox {
    /** Stores the notifications (ids ignored) and returns them with their ids. */
    List<Notification> add(List<Notification> notifications);

    /** The user's newest notifications first, at most {@code limit}. */
    List<Notification> list(String userId, boolean unreadOnly, int limit);

    /** Marks the user's own notifications read (others' ids are ignored); returns how many changed. */
    int markRead(String userId, List<Long> ids, Instant at);

    int markAllRead(String userId, Instant at);

    /** Housekeeping: forgets notifications older than {@code cutoff}. */
    int deleteOlderThan(Instant cutoff);
}
