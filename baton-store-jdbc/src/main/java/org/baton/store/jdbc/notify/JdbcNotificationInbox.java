package org.baton.store.jdbc.notify;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.baton.core.bus.BusMessage;
import org.baton.core.notify.Notification;
import org.baton.core.notify.NotificationInbox;
import org.baton.store.jdbc.Announcer;
import org.baton.store.jdbc.Database;

/** {@link NotificationInbox} on the embedded database. */
public final class JdbcNotificationInbox implements NotificationInbox {
    private final Database database;

    public JdbcNotificationInbox(Database database) {
        this.database = database;
    }

    @Override
    public List<Notification> add(List<Notification> notifications) {
        if (notifications.isEmpty()) {
            return List.of();
        }
        return database.inTransaction(c -> addIn(c, notifications));
    }

    /**
     * Adds {@code notifications} in one transaction and announces, in the same transaction, the one message
     * {@code announcement} makes of them as stored (with their ids): it leaves only if they are kept, and once.
     */
    public List<Notification> addAndAnnounce(List<Notification> notifications, Announcer announcer,
                                             Function<List<Notification>, BusMessage> announcement) {
        if (notifications.isEmpty()) {
            return List.of();
        }
        return database.inTransaction(c -> {
            List<Notification> stored = addIn(c, notifications);
            announcer.announce(c, announcement.apply(stored));
            return stored;
        });
    }

    /**
     * Adds {@code notifications} on the caller's open transaction (the decision that caused them), so they are committed
     * with it or not at all; returns them with their ids.
     */
    public List<Notification> addIn(Connection c, List<Notification> notifications) throws SQLException {
        if (notifications.isEmpty()) {
            return List.of(); // most decisions tell nobody anything personally
        }
        List<Notification> stored = new ArrayList<>();
        try (PreparedStatement insert = c.prepareStatement(
                "insert into notifications (user_id, type, resource_id, message, at, at_millis) values (?, ?, ?, ?, ?, ?) returning id")) {
            for (Notification n : notifications) {
                insert.setString(1, n.userId());
                insert.setString(2, n.type());
                insert.setString(3, n.resourceId());
                insert.setString(4, n.message());
                insert.setString(5, n.at().toString());
                insert.setLong(6, n.at().toEpochMilli());
                try (ResultSet keys = insert.executeQuery()) {
                    keys.next();
                    stored.add(new Notification(keys.getLong(1), n.userId(), n.type(), n.resourceId(), n.message(), n.at(), null));
                }
            }
        }
        return stored;
    }

    @Override
    public List<Notification> list(String userId, boolean unreadOnly, int limit) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select id, user_id, type, resource_id, message, at, read_at from notifications"
                    + " where user_id = ?" + (unreadOnly ? " and read_at is null" : "") + " order by id desc limit ?")) {
                select.setString(1, userId);
                select.setInt(2, limit);
                List<Notification> out = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Notification(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                Instant.parse(rs.getString(6)), rs.getString(7) == null ? null : Instant.parse(rs.getString(7))));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public int markRead(String userId, List<Long> ids, Instant at) {
        if (ids.isEmpty()) {
            return 0;
        }
        return database.inTransaction(c -> {
            int changed = 0;
            try (PreparedStatement update = c.prepareStatement("update notifications set read_at = ? where user_id = ? and id = ? and read_at is null")) {
                for (Long id : ids) {
                    update.setString(1, at.toString());
                    update.setString(2, userId);
                    update.setLong(3, id);
                    changed += update.executeUpdate();
                }
            }
            return changed;
        });
    }

    @Override
    public int markAllRead(String userId, Instant at) {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("update notifications set read_at = ? where user_id = ? and read_at is null")) {
                update.setString(1, at.toString());
                update.setString(2, userId);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public int deleteOlderThan(Instant cutoff) {
        return database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("delete from notifications where at_millis < ?")) {
                delete.setLong(1, cutoff.toEpochMilli());
                return delete.executeUpdate();
            }
        });
    }
}
