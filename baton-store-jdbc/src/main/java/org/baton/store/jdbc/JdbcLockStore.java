package org.baton.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.baton.core.Lease;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.baton.core.bus.BusMessage;
import org.baton.core.store.HolderGuard;
import org.baton.core.store.LockStore;
import org.baton.core.store.LockWrite;
import org.baton.core.store.Versioned;

/**
 * {@link LockStore} on either database: one {@code lock_state} row per resource, written by compare-and-set in one
 * transaction — lock the row and compare its version, count the user's live leases for the guard (under the user's
 * advisory lock on PostgreSQL, so two instances cannot both grant a user's last allowed lock), write, journal the
 * decision's audit entries and announce it on the event bus, all committed together.
 *
 * <p>Besides the state JSON, each row carries derived columns: the holder's user, session, lease id and fence
 * ({@code current_fence}), so the per-user count needs no decoding; {@code max_fence}, which never decreases — rows
 * are never deleted, so fencing tokens continue after a restart; and {@code next_deadline}, the earliest instant a
 * time-driven transition is due, which any instance's sweep finds with an index scan. {@code lock_waiter} lists who
 * waits where, for the per-user queue limit.
 */
public final class JdbcLockStore implements LockStore {
    private final Database database;
    private final EventJournal journal;
    private final Announcer announcer;
    /** What the embedded database committed last (SQLite); null on PostgreSQL, where other instances write. */
    private final CommittedStates committed;

    /** A store whose decisions are journaled (audited) by {@code journal} and announced by {@code announcer} in the transaction that writes them. */
    public JdbcLockStore(Database database, EventJournal journal, Announcer announcer) {
        this.database = database;
        this.journal = journal;
        this.announcer = announcer;
        this.committed = database.committedStates();
    }

    /** A store without a journal or announcements (tests of the store alone). */
    public JdbcLockStore(Database database) {
        this(database, EventJournal.NONE, Announcer.NONE);
    }

    /**
     * The state and version of {@code id}, its last fence raised to the store's fence floor (so a resource whose row
     * was forgotten, or a database restored from a backup, never hands out a fence it issued before).
     */
    @Override
    public Versioned<LockState> load(ResourceId id) {
        Versioned<LockState> known = committed == null ? null : committed.get(id);
        if (known != null) {
            return known;
        }
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select l.version, l.state, f.floor from fence_floor f"
                    + " left join lock_state l on l.resource_id = ? where f.id = 1")) {
                select.setString(1, id.toString());
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    String state = rs.getString(2);
                    long storedFloor = rs.getLong(3);
                    if (committed != null) {
                        committed.floorRead(storedFloor);
                    }
                    return state == null ? new Versioned<>(0, LockState.initial(id).withFenceFloor(storedFloor))
                            : new Versioned<>(rs.getLong(1), StateJson.read(state).withFenceFloor(storedFloor));
                }
            }
        });
    }

    /** The fence floor inside the caller's transaction. */
    static long fenceFloor(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("select floor from fence_floor where id = 1");
             ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * The lock state of {@code id} inside the caller's transaction, locked against change until it commits: what a
     * guarded record save checks its lease against (a takeover cannot slip in between the check and the write).
     */
    public static LockState lockedForSave(Connection c, Dialect dialect, ResourceId id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("select state from lock_state where resource_id = ?" + dialect.forShare())) {
            select.setString(1, id.toString());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? StateJson.read(rs.getString(1)) : LockState.initial(id);
            }
        }
    }

    @Override
    public CasResult compareAndSet(ResourceId id, long expectedVersion, LockWrite write) {
        LockState next = write.next();
        String json = StateJson.write(next);
        Dialect dialect = database.dialect();
        return database.inTransaction(c -> {
            if (expectedVersion != 0 && write.guard().isNone()) {
                // The common case, in one statement: compare the version (and that the fence goes forward) and write.
                if (writeRow(c, id, expectedVersion, write, json, true) == 1) {
                    return written(c, id, expectedVersion, write);
                }
                // Not written: find out why below (another writer came first, or a fence that would go back).
            }
            long storedVersion = 0;
            long maxFence = 0;
            try (PreparedStatement select = c.prepareStatement("select version, max_fence from lock_state where resource_id = ?" + dialect.forUpdate())) {
                select.setString(1, id.toString());
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        storedVersion = rs.getLong(1);
                        maxFence = rs.getLong(2);
                    }
                }
            }
            if (storedVersion != expectedVersion) {
                forget(id);
                return CasResult.VERSION_CONFLICT;
            }
            if (expectedVersion == 0 && next.lastFence() < fenceFloor(c)) {
                return CasResult.VERSION_CONFLICT; // the floor rose since the load (idle rows were forgotten): load again
            }
            if (next.lastFence() < maxFence) {
                throw new IllegalStateException("fencing token would go back for " + id + " (" + next.lastFence() + " < " + maxFence + "): a bug in the caller");
            }
            HolderGuard guard = write.guard();
            if (!guard.isNone()) {
                dialect.lockUser(c, guard.userId());
                if (countedElsewhere(c, id, guard) >= guard.maxLocks()) {
                    return CasResult.GUARD_REFUSED;
                }
            }
            if (!write(c, id, expectedVersion, write, json)) {
                forget(id);
                return CasResult.VERSION_CONFLICT; // a first write raced another first write of the same resource
            }
            return written(c, id, expectedVersion, write);
        });
    }

    /** After the row is written: remember it, announce the decision and journal its events, in the same transaction. */
    private CasResult written(Connection c, ResourceId id, long expectedVersion, LockWrite write) throws SQLException {
        if (committed != null) {
            Versioned<LockState> stored = new Versioned<>(expectedVersion + 1, write.next());
            Database.afterCommit(() -> committed.committed(id, stored));
        }
        announcer.announce(c, new BusMessage.ResourceChanged(id, expectedVersion + 1, write.events(), write.callerSessionId()));
        if (!write.events().isEmpty()) {
            journal.write(c, write.events());
        }
        return CasResult.WRITTEN;
    }

    private void forget(ResourceId id) {
        if (committed != null) {
            committed.forget(id);
        }
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

    /** Inserts (first write) or updates the row; false when a concurrent first write got there first. */
    private static boolean write(Connection c, ResourceId id, long expectedVersion, LockWrite write, String json) throws SQLException {
        int written = writeRow(c, id, expectedVersion, write, json, false);
        if (written != 1 && expectedVersion != 0) {
            throw new IllegalStateException("lock_state row for " + id + " changed while locked by its own transaction");
        }
        return written == 1;
    }

    private static final String INSERT = "insert into lock_state (holder_user_id, holder_session_id, lease_id, current_fence, lease_expires_at,"
            + " max_fence, idle, updated_at, state, next_deadline, version, resource_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " on conflict (resource_id) do nothing";
    private static final String UPDATE = "update lock_state set holder_user_id = ?, holder_session_id = ?, lease_id = ?, current_fence = ?,"
            + " lease_expires_at = ?, max_fence = ?, idle = ?, updated_at = ?, state = ?, next_deadline = ?, version = ? where resource_id = ?"
            + " and version = ?";

    /**
     * Inserts (version 0) or updates the row, and rewrites its waiters when they changed; returns the rows written (0
     * when the version moved on, or with {@code fenceForward} when the stored fence is above the new one).
     */
    private static int writeRow(Connection c, ResourceId id, long expectedVersion, LockWrite write, String json, boolean fenceForward) throws SQLException {
        LockState next = write.next();
        Lease lease = next.holder();
        String sql = expectedVersion == 0 ? INSERT : fenceForward ? UPDATE + " and max_fence <= ?" : UPDATE;
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, lease == null ? null : lease.holder().userId());
            statement.setString(2, lease == null ? null : lease.holder().sessionId());
            statement.setString(3, lease == null ? null : lease.leaseId());
            if (lease == null) {
                statement.setNull(4, Types.BIGINT);
                statement.setNull(5, Types.BIGINT);
            } else {
                statement.setLong(4, lease.fencingToken());
                statement.setLong(5, lease.expiresAt().toEpochMilli());
            }
            statement.setLong(6, next.lastFence());
            statement.setInt(7, next.isIdle() ? 1 : 0);
            statement.setLong(8, write.at().toEpochMilli());
            statement.setString(9, json);
            if (write.nextDeadline() == null) {
                statement.setNull(10, Types.BIGINT);
            } else {
                statement.setLong(10, write.nextDeadline().toEpochMilli());
            }
            statement.setLong(11, expectedVersion + 1);
            statement.setString(12, id.toString());
            if (expectedVersion != 0) {
                statement.setLong(13, expectedVersion);
            }
            if (fenceForward) {
                statement.setLong(14, next.lastFence());
            }
            int written = statement.executeUpdate();
            if (written != 1) {
                return written;
            }
        }
        if (write.waitersChanged()) {
            writeWaiters(c, id, next);
        }
        return 1;
    }

    /** Replaces the resource's {@code lock_waiter} rows: one per user waiting in line or offered the lock. */
    private static void writeWaiters(Connection c, ResourceId id, LockState next) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("delete from lock_waiter where resource_id = ?")) {
            delete.setString(1, id.toString());
            delete.executeUpdate();
        }
        java.util.Set<String> waiting = next.waitingUsers();
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

    @Override
    public int forgetIdleBefore(Instant cutoff) {
        return database.inTransaction(c -> {
            try (PreparedStatement raise = c.prepareStatement("update fence_floor set floor = (select max(x) from (select floor as x from fence_floor"
                    + " where id = 1 union all select max_fence as x from lock_state where idle = 1 and updated_at < ?) m) where id = 1");
                 PreparedStatement delete = c.prepareStatement("delete from lock_state where idle = 1 and updated_at < ?")) {
                raise.setLong(1, cutoff.toEpochMilli());
                raise.executeUpdate();
                delete.setLong(1, cutoff.toEpochMilli());
                int forgotten = delete.executeUpdate();
                if (committed != null) {
                    long raised = fenceFloor(c);
                    Database.afterCommit(() -> committed.reset(raised)); // forgotten rows start again from the raised floor
                }
                return forgotten;
            }
        });
    }

    @Override
    public void reschedule(ResourceId id, long version, Instant nextDeadline) {
        database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("update lock_state set next_deadline = ? where resource_id = ? and version = ?")) {
                if (nextDeadline == null) {
                    update.setNull(1, Types.BIGINT);
                } else {
                    update.setLong(1, nextDeadline.toEpochMilli());
                }
                update.setString(2, id.toString());
                update.setLong(3, version);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public List<ResourceId> due(Instant now, int limit) {
        return database.read(c -> {
            List<ResourceId> due = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "select resource_id from lock_state where next_deadline <= ? order by next_deadline limit ?")) {
                select.setLong(1, now.toEpochMilli());
                select.setInt(2, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        due.add(ResourceId.parse(rs.getString(1)));
                    }
                }
            }
            return due;
        });
    }
}
