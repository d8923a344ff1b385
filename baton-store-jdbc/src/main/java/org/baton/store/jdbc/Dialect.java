package org.baton.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What differs between the two databases the JDBC stores run on, kept in one place; every other statement is
 * written once, in SQL both accept.
 *
 * <p>SQLite has a single writer: a write transaction ({@code BEGIN IMMEDIATE}) already excludes every other
 * writer, so row locks and advisory locks are no-ops. PostgreSQL runs writers concurrently: a read that a write
 * depends on takes a row lock ({@code FOR UPDATE} / {@code FOR SHARE}), and rules that span rows (the per-user lock
 * limit) take a transaction-scoped advisory lock. Locks are always taken in one order — resource row, then user,
 * then the audit chain head — so transactions never deadlock on each other.
 */
public enum Dialect {
    SQLITE("", "", "sqlite", 42),
    POSTGRES(" for update", " for share", "postgresql", 42);

    /** Namespace of Baton's advisory locks (the first key of the two-key form). */
    private static final int USER_LIMIT_LOCK = 0x0ba7_0001;
    private final String forUpdate;
    private final String forShare;
    private final String migrations;
    private final int latestMigration;

    Dialect(String forUpdate, String forShare, String migrations, int latestMigration) {
        this.forUpdate = forUpdate;
        this.forShare = forShare;
        this.migrations = migrations;
        this.latestMigration = latestMigration;
    }

    /** Suffix of a SELECT whose rows the transaction will write. */
    public String forUpdate() {
        return forUpdate;
    }

    /** Suffix of a SELECT whose rows must not change before the transaction commits. */
    public String forShare() {
        return forShare;
    }

    /** Flyway location of this database's migrations. */
    String migrations() {
        return "classpath:db/migration/" + migrations;
    }

    /** The version of this build's newest migration ({@code V<n>__...sql}): a schema at it needs no Flyway run. */
    int latestMigration() {
        return latestMigration;
    }

    /** Serialises, until commit, every transaction that counts or grants {@code userId}'s locks. */
    void lockUser(Connection c, String userId) throws SQLException {
        if (this == POSTGRES) {
            try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, USER_LIMIT_LOCK);
                lock.setString(2, userId);
                lock.execute();
            }
        }
    }
}
