package org.baton.devcluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Baton scaled out on one machine, to try it: a PostgreSQL from Maven artifacts (nothing to install), three Baton
 * instances as separate processes on that database, and HAProxy in front of them on {@code BATON_PORT} (8080), all
 * on loopback. The database lives in {@code <data>/cluster/postgres} and survives restarts of the cluster. Ctrl+C
 * stops everything. {@code ./start.sh --cluster} builds what is needed, installs HAProxy when it is missing, and runs
 * this.
 *
 * <p>Arguments: the Baton server jar and the java binary to run it with.
 */
public final class DevCluster {
    private static final int INSTANCES = 3;

    private DevCluster() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DevCluster <baton.jar> <java>");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        String java = args[1];
        Map<String, String> env = System.getenv();
        int port = Integer.parseInt(env.getOrDefault("BATON_PORT", "8080"));
        Path data = Path.of(env.getOrDefault("BATON_DATA_DIR", "./data")).resolve("cluster").toAbsolutePath();
        Files.createDirectories(data);
        List<Process> processes = new ArrayList<>();
        EmbeddedPostgres[] postgres = new EmbeddedPostgres[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(processes, postgres[0], data), "cluster-stop"));

        Path pgData = data.resolve("postgres");
        boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
        int pgPort = env.containsKey("BATON_CLUSTER_PG_PORT") ? Integer.parseInt(env.get("BATON_CLUSTER_PG_PORT")) : freePort();
        System.out.println("cluster: starting PostgreSQL (" + (fresh ? "new database" : "existing data") + " in " + pgData + ")...");
        postgres[0] = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").setServerConfig("max_connections", "200")
                .setServerConfig("timezone", "UTC").setRegisterShutdownHook(false).start();
        String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/baton";
        createDatabaseIfMissing(pgPort);

        Path auditKey = data.resolve("audit.key");
        if (!Files.exists(auditKey)) {
            byte[] fresh = new byte[32];
            new java.security.SecureRandom().nextBytes(fresh);
            Files.writeString(auditKey, java.util.HexFormat.of().formatHex(fresh) + "\n");
            Files.setPosixFilePermissions(auditKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i <= INSTANCES; i++) {
            int instancePort = freePort();
            ports.add(instancePort);
            Map<String, String> instanceEnv = new HashMap<>(env);
            instanceEnv.put("BATON_STORE", "postgres");
            instanceEnv.put("BATON_DB_URL", url);
            instanceEnv.put("BATON_DB_USER", "postgres");
            instanceEnv.put("BATON_INSTANCE_ID", "baton-" + i);
            instanceEnv.put("BATON_PORT", Integer.toString(instancePort));
            instanceEnv.put("BATON_BIND", "127.0.0.1");
            instanceEnv.put("BATON_DATA_DIR", data.resolve("instance-" + i).toString());
            instanceEnv.put("BATON_LOG_FORMAT", "text");
            instanceEnv.put("BATON_AUDIT_KEY_FILE", auditKey.toString());
            instanceEnv.put("BATON_ALLOWED_ORIGINS", "http://localhost:" + port + ",http://127.0.0.1:" + port);
            ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx384m", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(data.resolve("instance-" + i + ".log").toFile());
            builder.environment().clear();
            builder.environment().putAll(instanceEnv);
            processes.add(builder.start());
        }
        System.out.println("cluster: starting " + INSTANCES + " Baton instances...");
        for (int i = 0; i < INSTANCES; i++) {
            awaitReady(ports.get(i), processes.get(i), data.resolve("instance-" + (i + 1) + ".log"));
        }
        Path haproxyConfig = data.resolve("haproxy.cfg");
        Files.writeString(haproxyConfig, haproxyConfig(port, ports));
        Process haproxy = new ProcessBuilder("haproxy", "-f", haproxyConfig.toString(), "-db").redirectErrorStream(true)
                .redirectOutput(data.resolve("haproxy.log").toFile()).start();
        processes.add(haproxy);
        awaitReady(port, haproxy, data.resolve("haproxy.log"));

        String base = "http://localhost:" + port;
        System.out.println();
        System.out.println("  Baton (3 instances behind HAProxy) is running at " + base);
        System.out.println("  Demo:                " + base + "/    Development sign-in: " + base + "/signin");
        System.out.println("  PostgreSQL:          " + url + "   (data in " + pgData + ")");
        for (int i = 0; i < INSTANCES; i++) {
            System.out.println("  Instance baton-" + (i + 1) + ":    http://127.0.0.1:" + ports.get(i) + "   (log " + data.resolve("instance-" + (i + 1) + ".log") + ")");
        }
        System.out.println("  Balancer:            HAProxy on " + port + "   (config " + haproxyConfig + ")");
        System.out.println("  Audit key:           " + auditKey + "   (shared by the instances; keep it apart from the database in production)");
        System.out.println("  Try: kill one instance (kill -9 <pid>) while editing; the page reconnects to another and keeps its lock.");
        System.out.println("  Stop everything with Ctrl+C.");
        System.out.println();
        for (Process p : processes) {
            p.waitFor();
        }
    }

    private static String haproxyConfig(int port, List<Integer> backends) {
        StringBuilder config = new StringBuilder("""
                global
                  maxconn 8192
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 60s
                  timeout server 60s
                  timeout tunnel 1h
                  retries 3
                  option redispatch
                frontend baton
                  bind 127.0.0.1:%d
                  default_backend instances
                backend instances
                  balance roundrobin
                  option httpchk GET /health/ready
                  http-check expect status 200
                  default-server inter 1s fall 2 rise 1
                """.formatted(port));
        for (int i = 0; i < backends.size(); i++) {
            config.append("  server baton-").append(i + 1).append(" 127.0.0.1:").append(backends.get(i)).append(" check\n");
        }
        return config.toString();
    }

    private static void createDatabaseIfMissing(int pgPort) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", null);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = 'baton'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("create database baton");
        }
    }

    private static void awaitReady(int port, Process process, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("a process of the cluster exited; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("not ready within 2 minutes; see " + log);
    }

    private static void stop(List<Process> processes, EmbeddedPostgres postgres, Path data) {
        System.out.println("cluster: stopping...");
        for (Process p : processes.reversed()) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("cluster: could not stop PostgreSQL cleanly: " + e.getMessage());
            }
        }
        System.out.println("cluster: stopped (data kept in " + data + ")");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
