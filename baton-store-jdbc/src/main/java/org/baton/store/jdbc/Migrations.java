package org.baton.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings a database's schema up to date with Flyway, unless one query shows it already is. A restart almost always
 * finds the schema current, and Flyway took about 180 ms of the start (loading, scanning the jar for the
 * migrations, checksumming each one) to say so; a restart after {@code kill -9} is the time the service is away
 * (issue 14: ready again in 1.5 s with 100,000 held locks). The query: every migration Flyway recorded succeeded,
 * and the newest is the newest this build ships ({@link Dialect#latestMigration()}). Anything else (a fresh
 * database, a failed migration, an older schema, a newer one from a later build) goes to Flyway, which migrates or
 * refuses as it always did.
 *
 * <p>What the shortcut gives up: on a current schema, Flyway no longer compares the checksums of the migrations that
 * were applied with the files in the jar. Those files never change once released; {@code MigrationsTest} keeps
 * {@link Dialect#latestMigration()} equal to the newest file.
 */
final class Migrations {
    static final String HISTORY = "flyway_schema_history";

    private Migrations() {
    }

    /** Migrates {@code database} (of {@code dialect}) to this build's schema; Flyway's exceptions as they come. */
    static void migrate(DataSource database, Dialect dialect) {
        boolean current;
        try (Connection c = database.getConnection()) {
            current = current(c, dialect);
        } catch (SQLException e) {
            current = false; // Flyway will say what is wrong with the connection
        }
        if (!current) {
            Flyway.configure().dataSource(database).locations(dialect.migrations()).load().migrate();
        }
    }

    /** Whether Flyway recorded this build's newest migration as the newest one, and no migration as failed. */
    static boolean current(Connection c, Dialect dialect) {
        String sql = "select max(cast(version as integer)), sum(case when success then 0 else 1 end) from " + HISTORY
                + " where version is not null";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return false;
            }
            int newest = rs.getInt(1);
            boolean none = rs.wasNull();
            return !none && newest == dialect.latestMigration() && rs.getInt(2) == 0;
        } catch (SQLException e) {
            return false; // no history yet (a fresh database), or one Flyway should look at: Flyway decides
        }
    }
}
