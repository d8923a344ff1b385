package org.baton.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.baton.core.store.StoreUnavailableException;
import org.sqlite.SQLiteConfig;

/**
 * The embedded database: one SQLite file ({@code <dataDir>/baton.db}) with the schema migrated by Flyway at open.
 *
 * <p>Durability first: WAL journal with {@code synchronous=FULL}, so a transaction is on disk before its commit
 * returns, and an acknowledged write survives {@code kill -9} (STACK.md measured 0 losses with these settings;
 * H2's defaults lost hundreds). Writes go through one writer connection whose transactions begin
 * {@code IMMEDIATE}, taking SQLite's single write lock up front, so a read-then-write transaction never fails half
 * way on a lock upgrade. Readers use their own pool ({@code DEFERRED}): WAL lets them run beside the writer, and a
 * read transaction sees one snapshot.
 *
 * <p>Writes are group-committed ({@link #inTransaction}): the fsync that makes a commit durable is the expensive
 * part, so concurrent writers share one. Savepoint journals stay in memory ({@code temp_store=MEMORY}): past
 * 64 KiB SQLite spilled them to a temporary file, which made most of the writer's disk writes. The data directory is
 * locked while open, so a second Baton on the same directory is refused instead of silently splitting the live state.
 */
public final class SqliteDatabase extends Database {
    private static final int BUSY_TIMEOUT_MS = 10_000;
    /** Most works committed together; bounds the latency a batch adds to its last member. */
    private static final int MAX_BATCH = 256;
    /**
     * Page cache of the writer's connection: every decision walks the lock table's and the trail's indexes, and with
     * SQLite's default 2 MiB the writer read their pages back from the file (a profile: pread at 3.5% of the process).
     */
    private static final int WRITER_CACHE_KIB = 32 * 1024;
    /** Page cache of each reader connection (SQLite's default). */
    private static final int READER_CACHE_KIB = 2 * 1024;
    private final HikariDataSource writerPool;
    private final HikariDataSource readerPool;
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock directoryLock;
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    private final CommittedStates committedStates = new CommittedStates();
    /** The writer thread's connection with its prepared statements, kept from batch to batch (writer thread only). */
    private StatementCache writerConnection;

    private SqliteDatabase(HikariDataSource writerPool, HikariDataSource readerPool, Path file, FileChannel lockChannel, FileLock directoryLock) {
        this.writerPool = writerPool;
        this.readerPool = readerPool;
        this.file = file;
        this.lockChannel = lockChannel;
        this.directoryLock = directoryLock;
        this.writer = Thread.ofPlatform().name("baton-db-writer").daemon(true).start(this::writeLoop);
    }

    static SqliteDatabase openSqlite(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create the data directory " + dataDir, e);
        }
        Path file = dataDir.resolve("baton.db").toAbsolutePath();
        FileChannel channel;
        FileLock lock;
        try {
            channel = FileChannel.open(dataDir.resolve("baton.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = channel.tryLock();
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            throw new StoreUnavailableException("cannot lock the data directory " + dataDir.toAbsolutePath()
                    + ": another Baton (or a test in this JVM) is using it", e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new StoreUnavailableException("the data directory " + dataDir.toAbsolutePath()
                    + " is in use by another Baton process; stop it or choose another BATON_DATA_DIR", null);
        }
        SqliteNativeLibrary.useCopyIn(dataDir);
        HikariDataSource writerPool = pool(file, SQLiteConfig.TransactionMode.IMMEDIATE, 1, "baton-sqlite-writer", WRITER_CACHE_KIB);
        HikariDataSource readerPool = pool(file, SQLiteConfig.TransactionMode.DEFERRED, 4, "baton-sqlite-readers", READER_CACHE_KIB);
        try {
            Migrations.migrate(writerPool, Dialect.SQLITE);
        } catch (RuntimeException e) {
            writerPool.close();
            readerPool.close();
            releaseQuietly(lock, channel);
            throw new StoreUnavailableException("cannot migrate the database at " + file + ": " + e.getMessage(), e);
        }
        return new SqliteDatabase(writerPool, readerPool, file, channel, lock);
    }

    private static HikariDataSource pool(Path file, SQLiteConfig.TransactionMode mode, int size, String name, int cacheKib) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
        sqlite.setTransactionMode(mode);
        sqlite.setTempStore(SQLiteConfig.TempStore.MEMORY);
        sqlite.setCacheSize(-cacheKib); // negative: KiB, not pages
        // Baton reads ids with RETURNING; left on, the driver matches every statement's SQL against a pattern after it
        // runs, to get its generated keys ready (a profile found that regex on the single writer, per statement).
        sqlite.setGetGeneratedKeys(false);
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl("jdbc:sqlite:" + file);
        pool.setDataSourceProperties(sqlite.toProperties());
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(1);
        pool.setPoolName(name);
        pool.setConnectionTimeout(BUSY_TIMEOUT_MS);
        return new HikariDataSource(pool);
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    CommittedStates committedStates() {
        return committedStates;
    }

    @Override
    public DataSource dataSource() {
        return readerPool;
    }

    public Path file() {
        return file;
    }

    /**
     * Runs {@code work} in a transaction: its changes are committed (and on disk) when this returns, and rolled back
     * when it throws. Concurrent callers are group-committed: one writer thread runs the waiting works one after
     * another on one connection, each inside its own savepoint, and commits them together with a single fsync. Each
     * caller still sees exactly its own outcome (a failing work rolls back only itself), the works are serialized in
     * queue order as SQLite would serialize separate transactions, and nothing is acknowledged before the commit.
     */
    @Override
    public <T> T inTransaction(Work<T> work) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException("nested transactions are not supported: use the connection the work was given");
        }
        if (closed) {
            throw new StoreUnavailableException("the database is closed", null);
        }
        Pending<T> pending = new Pending<>(work);
        queue.add(pending);
        return pending.await();
    }

    /** A work waiting for the writer, and then its outcome. */
    private static final class Pending<T> {
        final Work<T> work;
        final CompletableFuture<T> outcome = new CompletableFuture<>();
        CommitHooks hooks = CommitHooks.NONE;

        Pending(Work<T> work) {
            this.work = work;
        }

        T await() {
            try {
                return outcome.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw unavailable("database write failed", cause);
            }
        }
    }

    private void writeLoop() {
        List<Pending<?>> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        discardWriterConnection();
    }

    /** The writer's connection, opened on first use and again after a failure discarded it. */
    private StatementCache writerConnection() throws SQLException {
        if (writerConnection == null) {
            writerConnection = new StatementCache(writerPool.getConnection());
        }
        return writerConnection;
    }

    /**
     * After a failed batch the connection's transaction state is not known, so it is closed for good instead of going
     * back to the pool, and the next batch opens a fresh one. When SQLite has already ended the transaction by itself
     * (a full disk, an I/O error), the driver's rollback fails and leaves it believing a transaction is still open: on
     * that connection every later statement would commit on its own and every commit fail, until a restart.
     */
    private void evictWriterConnection() {
        if (writerConnection != null) {
            writerPool.evictConnection(writerConnection.physical());
            discardWriterConnection();
        }
    }

    private void discardWriterConnection() {
        if (writerConnection != null) {
            writerConnection.close();
            writerConnection = null;
        }
    }

    private void commit(List<Pending<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try {
            StatementCache cached = writerConnection();
            Connection connection = cached.physical();
            connection.setAutoCommit(false);
            try {
                for (Pending<?> pending : batch) {
                    Savepoint savepoint = connection.setSavepoint();
                    CommitHooks hooks = collectHooks();
                    try {
                        results.add(pending.work.run(cached.connection()));
                        connection.releaseSavepoint(savepoint);
                        pending.hooks = hooks;
                    } catch (SQLException | RuntimeException | Error e) {
                        if (abortsTransaction(e)) {
                            throw e; // SQLite rolled the whole transaction back itself: every work of the batch is undone
                        }
                        connection.rollback(savepoint);
                        results.add(new Failed(e));
                    } finally {
                        stopCollectingHooks();
                    }
                }
                timedCommit(connection);
                connection.setAutoCommit(true); // holds no transaction (nor SQLite's write lock) between batches
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            evictWriterConnection();
            for (Pending<?> pending : batch) {
                pending.outcome.completeExceptionally(e instanceof SQLException ? unavailable("database write failed", e) : e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).hooks.runBeforeAnswer();
            complete(batch.get(i), results.get(i));
        }
        for (Pending<?> pending : batch) {
            pending.hooks.runAfterAnswer(); // news for others (the bus): the callers' answers did not wait for it
        }
    }

    /**
     * Whether SQLite may already have rolled back the whole transaction after {@code failure}: a full disk, an I/O error,
     * no memory, an interrupt or corruption (SQLite's "automatic rollback"). Then no savepoint is left to roll back
     * to, and the batch fails whole with that error (so a full disk is reported as such, not as a failed rollback).
     */
    private static boolean abortsTransaction(Throwable failure) {
        return failure instanceof org.sqlite.SQLiteException sqlite && switch (sqlite.getResultCode().code & 0xff) {
            case 7, 9, 10, 11, 13, 26 -> true; // NOMEM, INTERRUPT, IOERR, CORRUPT, FULL, NOTADB
            default -> false;
        };
    }

    /** Rolls back what is left of the transaction; a rollback that fails too is kept beside the original failure. */
    private static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> pending, Object result) {
        if (result instanceof Failed failed) {
            Throwable e = failed.error();
            pending.outcome.completeExceptionally(e instanceof SQLException ? unavailable("database write failed", e) : e);
        } else {
            pending.outcome.complete((T) result);
        }
    }

    /** A work that threw; kept apart from results so that a work may return any value, null included. */
    private record Failed(Throwable error) {
    }

    @Override
    public <T> T read(Work<T> work) {
        try (Connection connection = readerPool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable("database read failed", e);
        }
    }

    @Override
    public <T> T snapshot(Work<T> work) {
        try (Connection connection = readerPool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                return work.run(connection);
            } finally {
                endSnapshot(connection);
            }
        } catch (SQLException e) {
            throw unavailable("database read failed", e);
        }
    }

    /**
     * Ends a read transaction. When that fails, the connection is evicted rather than returned: the driver then
     * believes a transaction is open when SQLite has none (as after SQLite's own rollback on an I/O error), and on
     * that connection every later snapshot would read without one (not one consistent view) and then fail to end.
     * The work's own result or failure stands: a read needs nothing undone.
     */
    private void endSnapshot(Connection connection) {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(SqliteDatabase.class).warn("a read transaction could not be ended; its connection is replaced", e);
            readerPool.evictConnection(connection);
        }
    }

    @Override
    public boolean isReachable() {
        return answersWithinASecond(readerPool);
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writerPool.close();
        readerPool.close();
        releaseQuietly(directoryLock, lockChannel);
    }

    private static void releaseQuietly(FileLock lock, FileChannel channel) {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
