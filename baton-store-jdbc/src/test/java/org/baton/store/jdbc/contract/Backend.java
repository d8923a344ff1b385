package org.baton.store.jdbc.contract;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.PostgresOptions;
import org.baton.store.tck.TestPostgres;

/**
 * The two databases every JDBC store runs on, for the contract tests: the embedded SQLite file, and a fresh database
 * on a real PostgreSQL. "The same data, second instance" is a second connection pool on PostgreSQL; on SQLite, whose
 * data directory admits one Baton process, it is the same database object (SQLite has a single writer anyway).
 */
public enum Backend {
    SQLITE, POSTGRES;

    /** Opened databases of one test, closed together. */
    public final class Opened implements AutoCloseable {
        private final Path dir;
        private final String url;
        private final List<Database> open = new ArrayList<>();

        Opened(Path dir) {
            this.dir = dir;
            this.url = Backend.this == POSTGRES ? TestPostgres.newDatabase() : null;
        }

        /** The database (opened on first use). */
        public Database first() {
            if (open.isEmpty()) {
                open.add(connect());
            }
            return open.get(0);
        }

        /** Another database object over the same data. */
        public Database second() {
            if (Backend.this == SQLITE) {
                return first();
            }
            Database db = connect();
            open.add(db);
            return db;
        }

        /** The data's JDBC URL, for tests that set up an older schema before Baton opens it ({@link #jdbcUser()}, no password). */
        public String jdbcUrl() {
            return Backend.this == SQLITE ? "jdbc:sqlite:" + dir.resolve("baton.db") : url;
        }

        public String jdbcUser() {
            return Backend.this == SQLITE ? null : TestPostgres.USER;
        }

        /** Closes everything and opens the same data again (a restart). */
        public Database reopen() {
            close();
            return first();
        }

        private Database connect() {
            return Backend.this == SQLITE ? Database.open(dir)
                    : Database.openPostgres(new PostgresOptions(url, TestPostgres.USER, null, 8, Duration.ofSeconds(10)));
        }

        @Override
        public void close() {
            open.forEach(Database::close);
            open.clear();
        }
    }

    public Opened open(Path dir) {
        return new Opened(dir);
    }
}
