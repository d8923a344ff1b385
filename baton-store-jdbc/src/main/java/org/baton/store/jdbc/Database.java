package org.baton.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.baton.core.store.StorageFullException;
import org.baton.core.store.StoreUnavailableException;

/**
 * The database behind every JDBC store: the embedded SQLite file ({@link #open(Path)}) or a shared PostgreSQL
 * ({@link #openPostgres(PostgresOptions)}), migrated by Flyway at open. Stores write their SQL once, run it through
 * {@link #inTransaction} (atomic, durable on return) and {@link #read}, and ask the {@link #dialect()} for the few
 * clauses that differ.
 */
public abstract sealed class Database implements AutoCloseable permits SqliteDatabase, PostgresDatabase {
    /** Work done inside one transaction (or one read). */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final CommitTimes commitTimes = new CommitTimes();

    /** How long recent commits took (for the health panel). */
    public CommitTimes commitTimes() {
        return commitTimes;
    }

    /** Whether a connection from {@code source} answers a trivial query within a second (the readiness check). */
    protected static boolean answersWithinASecond(DataSource source) {
        try (Connection connection = source.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(1);
            return statement.execute("select 1");
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** Commits {@code connection}, timing it. */
    protected final void timedCommit(Connection connection) throws SQLException {
        long start = System.nanoTime();
        connection.commit();
        commitTimes.record(System.nanoTime() - start);
    }

    /** Hooks registered by the work of the current thread's transaction, run in order once it has committed. */
    private static final ThreadLocal<CommitHooks> COMMIT_HOOKS = new ThreadLocal<>();

    /**
     * What one transaction's work asked to run once it has committed, in registration order: first what its caller
     * relies on when answered (the committed-state cache), then, once the callers of the batch have their answers, news
     * for others (the bus), so that a caller's answer never waits for the fan-out of its decision.
     */
    static final class CommitHooks {
        static final CommitHooks NONE = new CommitHooks();
        private final List<Runnable> beforeAnswer = new ArrayList<>();
        private final List<Runnable> afterAnswer = new ArrayList<>();

        void runBeforeAnswer() {
            run(beforeAnswer);
        }

        void runAfterAnswer() {
            run(afterAnswer);
        }

        private static void run(List<Runnable> hooks) {
            for (Runnable hook : hooks) {
                try {
                    hook.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(Database.class).error("an after-commit hook failed", e);
                }
            }
        }
    }

    /** Opens (creating if needed) the embedded database in {@code dataDir} and applies pending migrations. */
    public static Database open(Path dataDir) {
        return SqliteDatabase.openSqlite(dataDir);
    }

    /** Connects to a shared PostgreSQL, refuses one that could lose acknowledged commits, and applies pending migrations. */
    public static PostgresDatabase openPostgres(PostgresOptions options) {
        return PostgresDatabase.connect(options);
    }

    public abstract Dialect dialect();

    /** What this process committed last, when it is the database's only writer (SQLite); null otherwise. */
    CommittedStates committedStates() {
        return null;
    }

    public abstract DataSource dataSource();

    /**
     * Runs {@code work} in a transaction: its changes are committed and durable when this returns, and rolled back
     * when it throws. A work may be run more than once (a transaction that lost a serialisation race is retried),
     * so it must only touch the database. A work must not call this again.
     */
    public abstract <T> T inTransaction(Work<T> work);

    /** Runs read-only {@code work} on a pooled connection in auto-commit mode (each statement sees the latest commit). */
    public abstract <T> T read(Work<T> work);

    /** Runs read-only {@code work} in one transaction that sees one consistent snapshot across all its statements. */
    public abstract <T> T snapshot(Work<T> work);

    /** True when the database answers a trivial query within a second (for {@code /health/ready}). */
    public abstract boolean isReachable();

    @Override
    public abstract void close();

    /**
     * Runs {@code hook} after the transaction {@code work} is running in has committed (never if it rolls back), on
     * the committing thread, before the caller has its result, in registration order across the transactions of a
     * group commit.
     */
    public static void afterCommit(Runnable hook) {
        current("afterCommit").beforeAnswer.add(hook);
    }

    /**
     * Runs {@code hook} after the transaction {@code work} is running in has committed (never if it rolls back), on
     * the committing thread: on the embedded store's group commit once every caller of the batch has its result, in
     * registration order across the batch and in commit order across batches; on PostgreSQL, where each caller commits
     * on its own thread, after its {@link #afterCommit} hooks, just before {@link #inTransaction} returns (its bus is
     * NOTIFY, which the database delivers after the commit anyway).
     */
    public static void afterAnswer(Runnable hook) {
        current("afterAnswer").afterAnswer.add(hook);
    }

    private static CommitHooks current(String what) {
        CommitHooks hooks = COMMIT_HOOKS.get();
        if (hooks == null) {
            throw new IllegalStateException(what + " outside a transaction");
        }
        return hooks;
    }

    /** Starts collecting the hooks of one work; returns them after it ran. */
    static CommitHooks collectHooks() {
        CommitHooks hooks = new CommitHooks();
        COMMIT_HOOKS.set(hooks);
        return hooks;
    }

    static void stopCollectingHooks() {
        COMMIT_HOOKS.remove();
    }

    static StoreUnavailableException unavailable(String what, Throwable cause) {
        if (isDiskFull(cause)) {
            return new StorageFullException(what + ": the disk is full (" + cause.getMessage() + ")", cause);
        }
        return new StoreUnavailableException(what + ": " + cause.getMessage(), cause);
    }

    /**
     * Whether {@code failure} (or a cause of it) says the disk is full: SQLite's {@code SQLITE_FULL} (result code 13,
     * also in extended codes) or PostgreSQL's SQLSTATE {@code 53100}.
     */
    static boolean isDiskFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.sqlite.SQLiteException sqlite && (sqlite.getResultCode().code & 0xff) == SQLITE_FULL) {
                return true;
            }
            if (t instanceof SQLException sql && DISK_FULL_SQLSTATE.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static final int SQLITE_FULL = 13;
    private static final String DISK_FULL_SQLSTATE = "53100";
}
