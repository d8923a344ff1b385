package org.baton.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.baton.core.LeaseVerdict;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.baton.core.audit.AuditRecord;
import org.baton.core.record.RecordStore;
import org.baton.core.record.SaveRequest;
import org.baton.core.record.SaveResult;
import org.baton.core.record.VersionedRecord;
import org.baton.store.jdbc.audit.JdbcAuditTrail;

/**
 * {@link RecordStore} on either database. A save is one transaction that locks the record's row, then reads the
 * guarding resource's lock state through {@link JdbcLockStore#lockedForSave} (locked against change until commit:
 * SQLite's single writer, PostgreSQL's {@code FOR SHARE}), so a lease that is valid when checked is still the
 * lease when the row is written — a takeover racing the save either commits first (and the save sees the new
 * fence) or waits for the save to commit. The written version's audit entry is appended to the trail in the same
 * transaction ({@link JdbcAuditTrail#appendIn}, which takes the trail's head last), so a version is never on disk
 * without its entry, nor its entry without it.
 */
public final class JdbcRecordStore implements RecordStore {
    private static final String COLUMNS = "type, id, version, fields, updated_at, updated_by, fencing_token, lock_resource";
    private final Database database;
    private final JdbcAuditTrail trail;

    /** Records on {@code database}, each written version journaled in {@code trail} (on the same database) by its transaction. */
    public JdbcRecordStore(Database database, JdbcAuditTrail trail) {
        this.database = database;
        this.trail = trail;
    }

    @Override
    public Optional<VersionedRecord> get(String type, String id) {
        return database.read(c -> current(c, type, id));
    }

    @Override
    public List<VersionedRecord> list(String type, int offset, int limit) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select " + COLUMNS + " from records where type = ?"
                    + " order by updated_millis desc, id limit ? offset ?")) {
                select.setString(1, type);
                select.setInt(2, limit);
                select.setInt(3, offset);
                return rows(select);
            }
        });
    }

    @Override
    public int count(String type) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select count(*) from records where type = ?")) {
                select.setString(1, type);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public List<VersionedRecord> history(String type, String id) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select type, id, version, fields, saved_at, saved_by, fencing_token,"
                    + " lock_resource from record_history where type = ? and id = ? order by version")) {
                select.setString(1, type);
                select.setString(2, id);
                return rows(select);
            }
        });
    }

    @Override
    public Optional<VersionedRecord> version(String type, String id, long version) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select type, id, version, fields, saved_at, saved_by, fencing_token,"
                    + " lock_resource from record_history where type = ? and id = ? and version = ?")) {
                select.setString(1, type);
                select.setString(2, id);
                select.setLong(3, version);
                return rows(select).stream().findFirst();
            }
        });
    }

    @Override
    public boolean create(VersionedRecord first, SaveAudit audit) {
        return database.inTransaction(c -> {
            if (current(c, first.type(), first.id()).isPresent() || !write(c, first, true)) {
                return false;
            }
            journal(c, audit, first);
            return true;
        });
    }

    @Override
    public SaveResult save(SaveRequest request, LeaseGuard guard, SaveAudit audit) {
        Dialect dialect = database.dialect();
        return database.inTransaction(c -> {
            Optional<VersionedRecord> current = current(c, request.type(), request.id(), dialect.forUpdate());
            if (current.isEmpty()) {
                return new SaveResult.Missing();
            }
            LeaseVerdict verdict = guard.check(JdbcLockStore.lockedForSave(c, dialect, request.lockResource()));
            if (!verdict.isValid()) {
                return new SaveResult.LeaseRefused(verdict.refusal());
            }
            if (current.get().version() != request.expectedVersion()) {
                return new SaveResult.VersionConflict(current.get());
            }
            VersionedRecord next = new VersionedRecord(request.type(), request.id(), request.expectedVersion() + 1, request.fields(),
                    request.at(), request.userId(), verdict.lease().fencingToken(), request.lockResource().toString());
            write(c, next, false);
            try (PreparedStatement delete = c.prepareStatement("delete from drafts where user_id = ? and resource_id = ?")) {
                delete.setString(1, request.userId());
                delete.setString(2, request.lockResource().toString());
                delete.executeUpdate();
            }
            journal(c, audit, next);
            return new SaveResult.Saved(next);
        });
    }

    /** Appends {@code written}'s audit entry, if it has one, last in the transaction that writes it. */
    private void journal(Connection c, SaveAudit audit, VersionedRecord written) throws SQLException {
        AuditRecord entry = audit.entryFor(written);
        if (entry != null) {
            trail.appendIn(c, List.of(entry));
        }
    }

    /** Writes the record's current row and its history row; false when a concurrent create of the same id won. */
    private static boolean write(Connection c, VersionedRecord r, boolean insert) throws SQLException {
        String fields = FieldsJson.write(r.fields());
        String sql = insert
                ? "insert into records (fields, updated_at, updated_by, fencing_token, lock_resource, updated_millis, version, type, id)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (type, id) do nothing"
                : "update records set fields = ?, updated_at = ?, updated_by = ?, fencing_token = ?, lock_resource = ?, updated_millis = ?,"
                + " version = ? where type = ? and id = ? and version = " + (r.version() - 1);
        try (PreparedStatement write = c.prepareStatement(sql)) {
            write.setString(1, fields);
            write.setString(2, r.updatedAt().toString());
            write.setString(3, r.updatedBy());
            if (r.fencingToken() == null) {
                write.setNull(4, Types.BIGINT);
            } else {
                write.setLong(4, r.fencingToken());
            }
            write.setString(5, r.lockResource());
            write.setLong(6, r.updatedAt().toEpochMilli());
            write.setLong(7, r.version());
            write.setString(8, r.type());
            write.setString(9, r.id());
            if (write.executeUpdate() != 1) {
                if (insert) {
                    return false;
                }
                throw new SQLException("record " + r.type() + "/" + r.id() + " changed inside its own transaction");
            }
        }
        try (PreparedStatement history = c.prepareStatement("insert into record_history (type, id, version, fields, saved_at, saved_by,"
                + " fencing_token, lock_resource) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            history.setString(1, r.type());
            history.setString(2, r.id());
            history.setLong(3, r.version());
            history.setString(4, fields);
            history.setString(5, r.updatedAt().toString());
            history.setString(6, r.updatedBy());
            if (r.fencingToken() == null) {
                history.setNull(7, Types.BIGINT);
            } else {
                history.setLong(7, r.fencingToken());
            }
            history.setString(8, r.lockResource());
            history.executeUpdate();
        }
        return true;
    }

    private static Optional<VersionedRecord> current(Connection c, String type, String id) throws SQLException {
        return current(c, type, id, "");
    }

    private static Optional<VersionedRecord> current(Connection c, String type, String id, String lockClause) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("select " + COLUMNS + " from records where type = ? and id = ?" + lockClause)) {
            select.setString(1, type);
            select.setString(2, id);
            return rows(select).stream().findFirst();
        }
    }

    private static List<VersionedRecord> rows(PreparedStatement select) throws SQLException {
        List<VersionedRecord> out = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                long fence = rs.getLong(7);
                Long fencingToken = rs.wasNull() ? null : fence;
                out.add(new VersionedRecord(rs.getString(1), rs.getString(2), rs.getLong(3), FieldsJson.read(rs.getString(4)),
                        Instant.parse(rs.getString(5)), rs.getString(6), fencingToken, rs.getString(8)));
            }
        }
        return out;
    }
}
