package org.baton.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.baton.core.store.StoreUnavailableException;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;

/**
 * The embedded database: one SQLite file ({@code <dataDir>/baton.db}) with the schema migrated by Flyway at open.
 *
 * <p>Durability first: WAL journal with {@code synchronous=FULL}, so a transaction is on disk before its commit
 * returns, and an acknowledged write survives {@code kill -9} (STACK.md measured 0 losses with these settings;
 * H2's defaults lost hundreds). Writers open their transactions {@code IMMEDIATE}, taking SQLite's single write
 * lock up front, so a read-then-write transaction never fails half way on a lock upgrade; concurrent writers wait
 * up to the busy timeout instead. A small HikariCP pool lets readers run beside the writer (WAL allows that).
 *
 * <p>Writes are group-committed ({@link #inTransaction}): the fsync that makes a commit durable is the expensive
 * part, so concurrent writers share one.
 */
public final class Database implements AutoCloseable {
    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final int BUSY_TIMEOUT_MS = 10_000;
    /** Most works committed together; bounds the latency a batch adds to its last member. */
    private static final int MAX_BATCH = 256;
    private final HikariDataSource dataSource;
    private final Path file;
    private final java.util.concurrent.LinkedBlockingQueue<Pending<?>> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    private Database(HikariDataSource dataSource, Path file) {
        this.dataSource = dataSource;
        this.file = file;
        this.writer = Thread.ofPlatform().name("baton-db-writer").daemon(true).start(this::writeLoop);
    }

    /** Opens (creating if needed) the database in {@code dataDir} and applies pending migrations. */
    public static Database open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create the data directory " + dataDir, e);
        }
        Path file = dataDir.resolve("baton.db").toAbsolutePath();
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Properties properties = sqlite.toProperties();

        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl("jdbc:sqlite:" + file);
        pool.setDataSourceProperties(properties);
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(1);
        pool.setPoolName("baton-sqlite");
        pool.setConnectionTimeout(BUSY_TIMEOUT_MS);
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreUnavailableException("cannot migrate the database at " + file + ": " + e.getMessage(), e);
        }
        return new Database(dataSource, file);
    }

    public DataSource dataSource() {
        return dataSource;
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
     * A work must not call this again (it would wait for itself); it is refused.
     */
    public <T> T inTransaction(Work<T> work) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException("nested transactions are not supported: use the connection the work was given");
        }
        Pending<T> pending = new Pending<>(work);
        if (closed) {
            throw new StoreUnavailableException("the database is closed", null);
        }
        queue.add(pending);
        return pending.await();
    }

    /** A work waiting for the writer, and then its outcome. */
    private static final class Pending<T> {
        final Work<T> work;
        final java.util.concurrent.CompletableFuture<T> outcome = new java.util.concurrent.CompletableFuture<>();

        Pending(Work<T> work) {
            this.work = work;
        }

        T await() {
            try {
                return outcome.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new StoreUnavailableException("database write failed: " + cause.getMessage(), cause);
            }
        }
    }

    private void writeLoop() {
        List<Pending<?>> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Pending<?> pending : batch) {
                    java.sql.Savepoint savepoint = connection.setSavepoint();
                    try {
                        results.add(pending.work.run(connection));
                        connection.releaseSavepoint(savepoint);
                    } catch (SQLException | RuntimeException | Error e) {
                        connection.rollback(savepoint);
                        results.add(new Failed(e));
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            for (Pending<?> pending : batch) {
                pending.outcome.completeExceptionally(e instanceof SQLException
                        ? new StoreUnavailableException("database write failed: " + e.getMessage(), e) : e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> pending, Object result) {
        if (result instanceof Failed failed) {
            Throwable e = failed.error();
            pending.outcome.completeExceptionally(e instanceof SQLException
                    ? new StoreUnavailableException("database write failed: " + e.getMessage(), e) : e);
        } else {
            pending.outcome.complete((T) result);
        }
    }

    /** A work that threw; kept apart from results so that a work may return any value, null included. */
    private record Failed(Throwable error) {
    }

    /** Runs read-only {@code work} on a pooled connection in auto-commit mode. */
    public <T> T read(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreUnavailableException("database read failed: " + e.getMessage(), e);
        }
    }

    /** True when the database answers a trivial query within a second (for {@code /health/ready}). */
    public boolean isReachable() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(1);
            return statement.execute("select 1");
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dataSource.close();
    }
}
