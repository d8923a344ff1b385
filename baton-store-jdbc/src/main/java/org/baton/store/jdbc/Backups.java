package org.baton.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.baton.core.store.StoreUnavailableException;

/**
 * Backing up and restoring Baton's data without ever letting a fencing token repeat.
 *
 * <p>A backup is a consistent copy of the embedded database taken while Baton runs ({@code VACUUM INTO} reads one
 * snapshot of the WAL database; writers go on). Restoring it brings back an older world: every fence issued after
 * the backup was taken is unknown to it, and a naive restart would issue those numbers again — to a different
 * holder. So a restore always ends by raising the store's fence floor above anything the lost tail can have issued:
 * the larger of the highest fence on record plus one and the restore time in microseconds since 1970 (a resource
 * cannot be granted more than once a microsecond, so no fence issued before the restore can exceed its time in
 * microseconds once fences have been raised this way). On PostgreSQL the same raise runs after the operator restores
 * with PostgreSQL's own tools ({@code pg_restore}, a base backup): {@link #raiseFenceFloor}.
 */
public final class Backups {
    private Backups() {
    }

    /** Writes a consistent copy of the embedded database in {@code dataDir} to {@code target} (which must not exist). */
    public static void backupSqlite(Path dataDir, Path target) {
        Path source = dataDir.resolve("baton.db").toAbsolutePath();
        if (!Files.exists(source)) {
            throw new StoreUnavailableException("there is no database at " + source, null);
        }
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + " exists already; choose a new file for the backup");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); PreparedStatement vacuum = c.prepareStatement("vacuum into ?")) {
            vacuum.setString(1, target.toAbsolutePath().toString());
            vacuum.execute();
        } catch (SQLException e) {
            throw new StoreUnavailableException("the backup of " + source + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the backup {@code from} in place of the embedded database of {@code dataDir} (Baton must be stopped: the
     * directory's lock is taken), keeps the replaced files beside it, and raises the fence floor; returns the new floor.
     */
    public static long restoreSqlite(Path dataDir, Path from, Instant now) {
        if (!Files.isReadable(from)) {
            throw new IllegalArgumentException(from + " is not a readable backup file");
        }
        Path db = dataDir.resolve("baton.db");
        try (var lock = java.nio.channels.FileChannel.open(Files.createDirectories(dataDir).resolve("baton.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE); var held = lock.tryLock()) {
            if (held == null) {
                throw new IllegalStateException("Baton is running on " + dataDir.toAbsolutePath() + "; stop it before restoring");
            }
            String suffix = ".replaced-" + now.toEpochMilli();
            for (String part : new String[] {"", "-wal", "-shm"}) {
                Path file = dataDir.resolve("baton.db" + part);
                if (Files.exists(file)) {
                    Files.move(file, dataDir.resolve("baton.db" + part + suffix));
                }
            }
            Files.copy(from, db, StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
            throw new StoreUnavailableException("the restore into " + dataDir + " failed: " + e.getMessage(), e);
        }
        try (Database database = Database.open(dataDir)) {
            return raiseFenceFloor(database, now);
        }
    }

    /** Raises the fence floor after a restore (see the class comment); returns the new floor. */
    public static long raiseFenceFloor(Database database, Instant now) {
        long byTime = Math.multiplyExact(now.toEpochMilli(), 1_000L);
        return database.inTransaction(c -> {
            long highest;
            try (Statement s = c.createStatement(); var rs = s.executeQuery("select coalesce(max(max_fence), 0) from lock_state")) {
                rs.next();
                highest = rs.getLong(1);
            }
            long floor = Math.max(Math.max(JdbcLockStore.fenceFloor(c), highest + 1), byTime);
            try (PreparedStatement update = c.prepareStatement("update fence_floor set floor = ? where id = 1")) {
                update.setLong(1, floor);
                update.executeUpdate();
            }
            CommittedStates committed = database.committedStates();
            if (committed != null) {
                Database.afterCommit(() -> committed.reset(floor));
            }
            return floor;
        });
    }
}
