package org.baton.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
 */
public final class Database implements AutoCloseable {
    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final int BUSY_TIMEOUT_MS = 10_000;
    private final HikariDataSource dataSource;
    private final Path file;

    private Database(HikariDataSource dataSource, Path file) {
        this.dataSource = dataSource;
        this.file = file;
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

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("database write failed: " + e.getMessage(), e);
        }
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
        dataSource.close();
    }
}
