package org.baton.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.baton.core.Lease;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.baton.core.store.HolderGuard;
import org.baton.core.store.LockStore;
import org.baton.core.store.Versioned;

/**
 * {@link LockStore} on the embedded database: one {@code lock_state} row per resource, written by compare-and-set in
 * one {@code IMMEDIATE} transaction (read version and the guard's count, then a conditional write).
 *
 * <p>Besides the state JSON, each row carries derived columns: the holder's user, session, lease id and fence
 * ({@code current_fence}), so the per-user count needs no decoding and the record store can check a save's fence
 * inside its own transaction; and {@code max_fence}, which never decreases — rows are never deleted, so fencing
 * tokens continue after a restart. {@code lock_waiter} lists who waits where, for the per-user queue limit.
 */
public final class JdbcLockStore implements LockStore {
    private final Database database;
    private final EventJournal journal;

    /** A store whose decisions are journaled (audited) by {@code journal} in the transaction that writes them. */
    public JdbcLockStore(Database database, EventJournal journal) {
        this.database = database;
        this.journal = journal;
    }

    /** A store without a journal (tests of the store alone). */
    public JdbcLockStore(Database database) {
        this(database, EventJournal.NONE);
    }

    @Override
    public Versioned<LockState> load(ResourceId id) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select version, state from lock_state where resource_id = ?")) {
                select.setString(1, id.toString());
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? new Versioned<>(rs.getLong(1), StateJson.read(rs.getString(2))) : new Versioned<>(0, LockState.initial(id));
                }
            }
        });
    }

    @Override
    public CasResult compareAndSet(ResourceId id, long expectedVersion, LockState next, HolderGuard guard) {
        return compareAndSet(id, expectedVersion, next, guard, List.of());
    }

    @Override
    public CasResult compareAndSet(ResourceId id, long expectedVersion, LockState next, HolderGuard guard, List<LockEvent> events) {
        String json = StateJson.write(next);
        return database.inTransaction(c -> {
            long storedVersion = 0;
            long maxFence = 0;
            try (PreparedStatement select = c.prepareStatement("select version, max_fence from lock_state where resource_id = ?")) {
                select.setString(1, id.toString());
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        storedVersion = rs.getLong(1);
                        maxFence = rs.getLong(2);
                    }
                }
            }
            if (storedVersion != expectedVersion) {
                return CasResult.VERSION_CONFLICT;
            }
            if (next.lastFence() < maxFence) {
                throw new IllegalStateException("fencing token would go back for " + id + " (" + next.lastFence() + " < " + maxFence + "): a bug in the caller");
            }
            if (!guard.isNone() && countedElsewhere(c, id, guard) >= guard.maxLocks()) {
                return CasResult.GUARD_REFUSED;
            }
            write(c, id, expectedVersion, next, json);
            if (!events.isEmpty()) {
                journal.write(c, events);
            }
            return CasResult.WRITTEN;
        });
    }

    @Override
    public void journal(List<LockEvent> events) {
        if (journal != EventJournal.NONE && !events.isEmpty()) {
            database.inTransaction(c -> {
                journal.write(c, events);
                return null;
            });
        }
    }

    private static long countedElsewhere(Connection c, ResourceId id, HolderGuard guard) throws SQLException {
        boolean leases = guard.kind() == HolderGuard.Kind.LEASES;
        try (PreparedStatement count = c.prepareStatement(leases
                ? "select count(*) from lock_state where holder_user_id = ? and resource_id <> ? and lease_expires_at > ?"
                : "select count(*) from lock_waiter where user_id = ? and resource_id <> ?")) {
            count.setString(1, guard.userId());
            count.setString(2, id.toString());
            if (leases) {
                count.setLong(3, guard.now().toEpochMilli());
            }
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void write(Connection c, ResourceId id, long expectedVersion, LockState next, String json) throws SQLException {
        Lease lease = next.holder();
        String sql = expectedVersion == 0
                ? "insert into lock_state (holder_user_id, holder_session_id, lease_id, current_fence, lease_expires_at, max_fence, idle,"
                + " updated_at, state, version, resource_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                : "update lock_state set holder_user_id = ?, holder_session_id = ?, lease_id = ?, current_fence = ?, lease_expires_at = ?,"
                + " max_fence = ?, idle = ?, updated_at = ?, state = ?, version = ? where resource_id = ? and version = " + expectedVersion;
        try (PreparedStatement write = c.prepareStatement(sql)) {
            write.setString(1, lease == null ? null : lease.holder().userId());
            write.setString(2, lease == null ? null : lease.holder().sessionId());
            write.setString(3, lease == null ? null : lease.leaseId());
            if (lease == null) {
                write.setNull(4, java.sql.Types.BIGINT);
                write.setNull(5, java.sql.Types.BIGINT);
            } else {
                write.setLong(4, lease.fencingToken());
                write.setLong(5, lease.expiresAt().toEpochMilli());
            }
            write.setLong(6, next.lastFence());
            write.setInt(7, next.isIdle() ? 1 : 0);
            write.setLong(8, System.currentTimeMillis());
            write.setString(9, json);
            write.setLong(10, expectedVersion + 1);
            write.setString(11, id.toString());
            if (write.executeUpdate() != 1) {
                throw new IllegalStateException("lock_state row for " + id + " changed inside an IMMEDIATE transaction");
            }
        }
        writeWaiters(c, id, next);
    }

    /** Replaces the resource's {@code lock_waiter} rows: one per user waiting in line or offered the lock. */
    private static void writeWaiters(Connection c, ResourceId id, LockState next) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("delete from lock_waiter where resource_id = ?")) {
            delete.setString(1, id.toString());
            delete.executeUpdate();
        }
        java.util.Set<String> waiting = new java.util.LinkedHashSet<>();
        next.queue().forEach(w -> waiting.add(w.actor().userId()));
        if (next.offer() != null) {
            waiting.add(next.offer().actor().userId());
        }
        if (waiting.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("insert into lock_waiter (resource_id, user_id) values (?, ?)")) {
            for (String user : waiting) {
                insert.setString(1, id.toString());
                insert.setString(2, user);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Override
    public List<LockState> activeStates() {
        return database.read(c -> {
            List<LockState> states = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("select state from lock_state where idle = 0");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    states.add(StateJson.read(rs.getString(1)));
                }
            }
            return states;
        });
    }

    @Override
    public List<Lease> leasesHeldBy(String userId) {
        return database.read(c -> {
            List<Lease> leases = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("select state from lock_state where holder_user_id = ?")) {
                select.setString(1, userId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        leases.add(StateJson.read(rs.getString(1)).holder());
                    }
                }
            }
            return leases;
        });
    }
}
