package org.baton.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.baton.core.ResourceId;
import org.baton.core.record.Draft;
import org.baton.core.record.DraftStore;

/** {@link DraftStore} on the embedded database; each put commits with {@code synchronous=FULL} before it returns. */
public final class JdbcDraftStore implements DraftStore {
    private static final String COLUMNS = "user_id, resource_id, data, base_version, saved_at, session_id";
    private final Database database;

    public JdbcDraftStore(Database database) {
        this.database = database;
    }

    @Override
    public void put(Draft draft) {
        database.inTransaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement("insert into drafts (" + COLUMNS + ", saved_millis) values (?, ?, ?, ?, ?, ?, ?)"
                    + " on conflict (user_id, resource_id) do update set data = excluded.data, base_version = excluded.base_version,"
                    + " saved_at = excluded.saved_at, session_id = excluded.session_id, saved_millis = excluded.saved_millis")) {
                upsert.setString(1, draft.userId());
                upsert.setString(2, draft.resourceId().toString());
                upsert.setString(3, draft.data());
                if (draft.baseVersion() == null) {
                    upsert.setNull(4, Types.BIGINT);
                } else {
                    upsert.setLong(4, draft.baseVersion());
                }
                upsert.setString(5, draft.savedAt().toString());
                upsert.setString(6, draft.sessionId());
                upsert.setLong(7, draft.savedAt().toEpochMilli());
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Draft> get(String userId, ResourceId resourceId) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select " + COLUMNS + " from drafts where user_id = ? and resource_id = ?")) {
                select.setString(1, userId);
                select.setString(2, resourceId.toString());
                return rows(select).stream().findFirst();
            }
        });
    }

    @Override
    public boolean delete(String userId, ResourceId resourceId) {
        return database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("delete from drafts where user_id = ? and resource_id = ?")) {
                delete.setString(1, userId);
                delete.setString(2, resourceId.toString());
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<Draft> ofUser(String userId) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select " + COLUMNS + " from drafts where user_id = ? order by saved_millis desc")) {
                select.setString(1, userId);
                return rows(select);
            }
        });
    }

    @Override
    public int deleteOlderThan(Instant cutoff) {
        return database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("delete from drafts where saved_millis < ?")) {
                delete.setLong(1, cutoff.toEpochMilli());
                return delete.executeUpdate();
            }
        });
    }

    private static List<Draft> rows(PreparedStatement select) throws SQLException {
        List<Draft> out = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                long base = rs.getLong(4);
                Long baseVersion = rs.wasNull() ? null : base;
                out.add(new Draft(rs.getString(1), ResourceId.parse(rs.getString(2)), rs.getString(3), baseVersion,
                        Instant.parse(rs.getString(5)), rs.getString(6)));
            }
        }
        return out;
    }
}
