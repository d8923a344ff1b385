package org.baton.store.jdbc.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.baton.core.bus.BusMessage;
import org.baton.core.session.SessionStore;
import org.baton.core.session.StoredSession;
import org.baton.store.jdbc.Announcer;
import org.baton.store.jdbc.Database;

/** {@link SessionStore} on either database: {@code client_sessions} and the resources each joined. */
public final class JdbcSessionStore implements SessionStore {
    private static final String COLUMNS = "s.session_id, s.user_id, s.instance_id, s.disconnected_at";
    private final Database database;
    private final Announcer announcer;

    /** A store that announces nothing (tested on its own). */
    public JdbcSessionStore(Database database) {
        this(database, Announcer.NONE);
    }

    /** @param announcer announces each attach on the bus, in the attach's transaction */
    public JdbcSessionStore(Database database, Announcer announcer) {
        this.database = database;
        this.announcer = announcer;
    }

    @Override
    public Optional<StoredSession> find(String sessionId) {
        return database.read(c -> sessions(c, "select " + COLUMNS + " from client_sessions s where s.session_id = ?", sessionId)
                .stream().findFirst());
    }

    @Override
    public Optional<StoredSession> attach(String sessionId, String userId, String instanceId, Instant now) {
        return database.inTransaction(c -> {
            Optional<StoredSession> before = sessions(c, "select " + COLUMNS + " from client_sessions s where s.session_id = ?", sessionId)
                    .stream().findFirst();
            try (PreparedStatement upsert = c.prepareStatement("insert into client_sessions (session_id, user_id, instance_id, disconnected_at,"
                    + " updated_at) values (?, ?, ?, null, ?) on conflict (session_id) do update set instance_id = excluded.instance_id,"
                    + " disconnected_at = null, updated_at = excluded.updated_at where client_sessions.user_id = excluded.user_id")) {
                upsert.setString(1, sessionId);
                upsert.setString(2, userId);
                upsert.setString(3, instanceId);
                upsert.setLong(4, now.toEpochMilli());
                if (upsert.executeUpdate() == 1) {
                    announcer.announce(c, new BusMessage.SessionAttached(sessionId, instanceId));
                }
            }
            return before;
        });
    }

    @Override
    public boolean detach(String sessionId, String instanceId, Instant now) {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("update client_sessions set instance_id = null, disconnected_at = ?,"
                    + " updated_at = ? where session_id = ? and instance_id = ?")) {
                update.setLong(1, now.toEpochMilli());
                update.setLong(2, now.toEpochMilli());
                update.setString(3, sessionId);
                update.setString(4, instanceId);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void join(String sessionId, String resourceId) {
        database.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("insert into client_session_resources (session_id, resource_id) values (?, ?)"
                    + " on conflict (session_id, resource_id) do nothing")) {
                insert.setString(1, sessionId);
                insert.setString(2, resourceId);
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public void leave(String sessionId, String resourceId) {
        database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("delete from client_session_resources where session_id = ? and resource_id = ?")) {
                delete.setString(1, sessionId);
                delete.setString(2, resourceId);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public List<StoredSession> orphaned() {
        return database.read(c -> sessions(c, "select " + COLUMNS + " from client_sessions s where s.instance_id is not null and not exists"
                + " (select 1 from instances i where i.instance_id = s.instance_id and i.dead_at is null)"));
    }

    @Override
    public int forgetDisconnectedBefore(Instant cutoff) {
        return database.inTransaction(c -> {
            try (PreparedStatement resources = c.prepareStatement("delete from client_session_resources where session_id in"
                    + " (select session_id from client_sessions where instance_id is null and disconnected_at < ?)");
                 PreparedStatement sessions = c.prepareStatement("delete from client_sessions where instance_id is null and disconnected_at < ?")) {
                resources.setLong(1, cutoff.toEpochMilli());
                resources.executeUpdate();
                sessions.setLong(1, cutoff.toEpochMilli());
                return sessions.executeUpdate();
            }
        });
    }

    private static List<StoredSession> sessions(Connection c, String sql, Object... args) throws SQLException {
        Map<String, Object[]> rows = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                select.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long disconnected = rs.getLong(4);
                    Instant disconnectedAt = rs.wasNull() ? null : Instant.ofEpochMilli(disconnected);
                    rows.put(rs.getString(1), new Object[] {rs.getString(2), rs.getString(3), disconnectedAt});
                }
            }
        }
        List<StoredSession> out = new ArrayList<>();
        for (Map.Entry<String, Object[]> row : rows.entrySet()) {
            out.add(new StoredSession(row.getKey(), (String) row.getValue()[0], (String) row.getValue()[1], (Instant) row.getValue()[2],
                    resources(c, row.getKey())));
        }
        return out;
    }

    private static Set<String> resources(Connection c, String sessionId) throws SQLException {
        Set<String> resources = new HashSet<>();
        try (PreparedStatement select = c.prepareStatement("select resource_id from client_session_resources where session_id = ?")) {
            select.setString(1, sessionId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    resources.add(rs.getString(1));
                }
            }
        }
        return resources;
    }

}
