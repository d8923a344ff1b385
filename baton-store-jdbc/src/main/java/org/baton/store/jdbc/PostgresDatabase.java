package org.baton.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.baton.core.store.StoreUnavailableException;

/**
 * A shared PostgreSQL, the single source of truth when Baton runs as several instances. Transactions run
 * concurrently, each on its own pooled connection, at READ COMMITTED; the stores take row and advisory locks where
 * SQLite's single writer made them correct (see {@link Dialect}). A transaction that loses a serialisation or
 * deadlock race is rolled back and retried with jittered backoff; a database that cannot be reached within the
 * timeout makes every call fail fast with {@link StoreUnavailableException} (503), never hang or act on a guess.
 *
 * <p>Durability is checked, not assumed: Baton refuses to start on a server running with {@code fsync=off} or
 * {@code synchronous_commit=off}, where an acknowledged grant could be lost and a fence repeated.
 */
public final class PostgresDatabase extends Database {
    private static final int MAX_ATTEMPTS = 12;
    /** SQLSTATEs of a transaction that lost a race and may simply be run again. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    private final HikariDataSource pool;
    private final PostgresOptions options;

    private PostgresDatabase(HikariDataSource pool, PostgresOptions options) {
        this.pool = pool;
        this.options = options;
    }

    static PostgresDatabase connect(PostgresOptions options) {
        HikariDataSource pool = pool(options, "baton-postgres", "baton", options.poolSize());
        try {
            refuseUnsafeDurability(pool);
            Migrations.migrate(pool, Dialect.POSTGRES);
        } catch (RuntimeException e) {
            pool.close();
            throw e instanceof StoreUnavailableException s ? s
                    : new StoreUnavailableException("cannot migrate the database at " + options.url() + ": " + rootMessage(e), e);
        }
        return new PostgresDatabase(pool, options);
    }

    /**
     * A second, small pool to the same (already checked and migrated) database, for work that must not queue behind
     * the requests: the instance's heartbeat, which would otherwise wait for a connection while every one of the main
     * pool's is held by a decision waiting on the audit chain's row lock, and the instance would find itself silent
     * too long and refuse to act (issue 16). Closed on its own.
     */
    public PostgresDatabase companion(String name, int poolSize) {
        return new PostgresDatabase(pool(options, name, name, poolSize), options);
    }

    private static HikariDataSource pool(PostgresOptions options, String name, String applicationName, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.url());
        config.setUsername(options.user());
        config.setPassword(options.password());
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setPoolName(name);
        config.setConnectionTimeout(Math.max(250, options.timeout().toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(options.timeout().toMillis(), 2_000)));
        config.setInitializationFailTimeout(Math.max(1, options.timeout().toMillis()));
        config.addDataSourceProperty("socketTimeout", Long.toString(Math.max(1, options.timeout().toSeconds())));
        config.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, options.timeout().toSeconds())));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", applicationName);
        // A transaction left open longer than a database call may take belongs to a stalled instance (SIGSTOP, a long
        // pause): PostgreSQL ends it, so its row locks (the audit head's among them) never hold the other instances up.
        config.addDataSourceProperty("options", "-c idle_in_transaction_session_timeout=" + Math.max(1_000, options.timeout().toMillis()));
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot connect to PostgreSQL at " + options.url() + ": " + rootMessage(e), e);
        }
    }
    /** Refuses a server that acknowledges commits before they are on disk. */
    private static void refuseUnsafeDurability(DataSource pool) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            String fsync = show(s, "fsync");
            String synchronousCommit = show(s, "synchronous_commit");
            if (!"on".equalsIgnoreCase(fsync)) {
                throw new StoreUnavailableException("PostgreSQL runs with fsync=" + fsync + ": an acknowledged lock could be lost in a crash"
                        + " and its fencing token issued again; Baton refuses to start (set fsync=on)", null);
            }
            if ("off".equalsIgnoreCase(synchronousCommit)) {
                throw new StoreUnavailableException("PostgreSQL runs with synchronous_commit=off: commits are acknowledged before they are"
                        + " durable; Baton refuses to start (set synchronous_commit=on)", null);
            }
        } catch (SQLException e) {
            throw unavailable("cannot read PostgreSQL's durability settings", e);
        }
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    public PostgresOptions options() {
        return options;
    }

    @Override
    public <T> T inTransaction(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            CommitHooks hooks;
            T result;
            try (Connection connection = connection()) {
                connection.setAutoCommit(false);
                hooks = collectHooks();
                try {
                    result = work.run(connection);
                    timedCommit(connection);
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(connection);
                    throw e;
                } finally {
                    stopCollectingHooks();
                }
            } catch (SQLException e) {
                if (e.getSQLState() != null && RETRYABLE.contains(e.getSQLState()) && attempt < MAX_ATTEMPTS) {
                    backOff(attempt);
                    continue;
                }
                throw unavailable("database write failed", e);
            }
            hooks.runBeforeAnswer();
            hooks.runAfterAnswer();
            return result;
        }
    }

    @Override
    public <T> T read(Work<T> work) {
        try (Connection connection = connection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable("database read failed", e);
        }
    }

    @Override
    public <T> T snapshot(Work<T> work) {
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                return work.run(connection);
            } finally {
                rollbackQuietly(connection);
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("database read failed", e);
        }
    }

    private Connection connection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw new SQLException("no connection to PostgreSQL within " + options.timeout().toMillis() + " ms (" + e.getMessage() + ")",
                    e.getSQLState(), e);
        }
    }

    /** The database server's clock, read now (the one clock every instance agrees on). */
    public java.time.Instant serverTime() {
        return read(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select (extract(epoch from clock_timestamp()) * 1000000)::bigint")) {
                rs.next();
                long micros = rs.getLong(1);
                return java.time.Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
            }
        });
    }

    @Override
    public boolean isReachable() {
        return answersWithinASecond(pool);
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void backOff(int attempt) {
        long max = Math.min(50, 2L << Math.min(attempt, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, max + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while retrying a transaction", e);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool discards it
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
