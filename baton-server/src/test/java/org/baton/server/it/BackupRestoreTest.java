package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, backup and restore (docs/deploy.md): a backup taken while clients grant and release locks restores to a
 * working Baton whose fencing tokens continue above every token issued before the restore — including those issued
 * after the backup was taken, which the restored data knows nothing about. On SQLite the backup and the restore are
 * Baton's own commands ({@code backup}, {@code restore}); on PostgreSQL the data is copied and put back with
 * PostgreSQL's COPY and the restore ends with {@code raise-fences}.
 */
class BackupRestoreTest {
    static final List<String> RESOURCES = List.of("catheter:b1", "catheter:b2", "catheter:b3", "catheter:b4");
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final Map<String, Long> highestFence = new ConcurrentHashMap<>();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aBackupTakenUnderLoad_restoresToABatonWhoseFencesContinueAboveEveryFenceIssued() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        try (ServerProcess server = new ServerProcess(data, Map.of())) {
            server.start();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService load = Executors.newFixedThreadPool(3);
            List<Future<?>> clients = new java.util.ArrayList<>();
            for (int c = 0; c < 3; c++) {
                String user = "nurse" + c;
                clients.add(load.submit(() -> {
                    while (running.get()) {
                        for (String resource : RESOURCES) {
                            grantAndRelease(server.base(), user, resource);
                        }
                    }
                    return null;
                }));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> highestFence.values().stream().mapToLong(f -> f).sum() > 40);
            Path backup = dir.resolve("baton-backup.db");
            Object saved = TestBaton.POSTGRES ? copyLockState(data) : null;
            if (!TestBaton.POSTGRES) {
                assertThat(maintenance(data, "backup", backup.toString())).as("backup while Baton runs and clients write").contains("written to");
            }
            long atBackup = highestFence.values().stream().mapToLong(f -> f).sum();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> highestFence.values().stream().mapToLong(f -> f).sum() > atBackup + 30);
            running.set(false);
            for (Future<?> client : clients) {
                client.get(30, TimeUnit.SECONDS);
            }
            load.shutdown();
            server.kill();
            Map<String, Long> issued = Map.copyOf(highestFence);
            if (TestBaton.POSTGRES) {
                putBackLockState(data, saved);
                assertThat(maintenance(data, "raise-fences")).contains("fencing tokens continue above");
            } else {
                assertThat(maintenance(data, "restore", backup.toString())).contains("fencing tokens continue above");
            }
            server.start();
            for (String resource : RESOURCES) {
                long fence = acquire(server.base(), "admin", resource);
                assertThat(fence).as("%s: the first fence after the restore is above every fence issued before it (%s)", resource,
                        issued.get(resource)).isGreaterThan(issued.get(resource));
            }
            System.out.printf("backup/restore (%s): fences issued before the restore up to %s; the first after it: above them all%n",
                    TestBaton.POSTGRES ? "postgres" : "sqlite", issued);
        }
    }

    private void grantAndRelease(URI base, String user, String resource) {
        try {
            HttpResponse<String> acquired = post(base, "/api/locks/acquire", user, Map.of("resourceId", resource), null);
            if (acquired.statusCode() != 200) {
                return;
            }
            var lease = Json.mapper().readTree(acquired.body()).path("lease");
            highestFence.merge(resource, lease.path("fencingToken").asLong(), Math::max);
            String session = acquired.headers().firstValue("X-Session-Id").orElse(null);
            post(base, "/api/locks/release", user, Map.of("resourceId", resource, "leaseId", lease.path("leaseId").asText()), session);
        } catch (IOException | InterruptedException e) {
            // the server is being killed: the outcome is unknown, and the check below does not depend on it
        }
    }

    /** Takes the record (an emergency takeover: the restored data may show someone holding it since the backup). */
    private long acquire(URI base, String user, String resource) throws IOException, InterruptedException {
        HttpResponse<String> acquired = post(base, "/api/locks/force-release", user,
                Map.of("resourceId", resource, "emergency", true, "reason", "checking the restore"), null);
        assertThat(acquired.statusCode()).as(acquired.body()).isEqualTo(200);
        return Json.mapper().readTree(acquired.body()).at("/lease/fencingToken").asLong();
    }

    private HttpResponse<String> post(URI base, String path, String user, Object body, String session) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ServerProcess.token(user, user.equals("admin") ? "admin" : "nurse"));
        if (session != null) {
            request.header("X-Session-Id", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code java ... Main <command>} as an operator would, with the server's environment; returns its output. */
    private String maintenance(Path data, String... command) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> line = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "org.baton.server.Main"));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().putAll(Map.of("BATON_DATA_DIR", data.toString(), "BATON_JWT_SECRET", ServerProcess.SECRET, "BATON_LOG_FORMAT", "text"));
        builder.environment().putAll(TestBaton.storeEnvironment(data));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** PostgreSQL: a consistent copy of the lock state, taken under load with COPY (one statement, one snapshot). */
    private Object copyLockState(Path data) throws Exception {
        try (Connection c = postgres(data)) {
            var out = new java.io.StringWriter();
            c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut("copy lock_state to stdout", out);
            return out.toString();
        }
    }

    /** PostgreSQL: puts the copied lock state back in place of the current one (the restore). */
    private void putBackLockState(Path data, Object saved) throws Exception {
        try (Connection c = postgres(data); Statement s = c.createStatement()) {
            s.execute("delete from lock_state");
            s.execute("delete from lock_waiter");
            c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("copy lock_state from stdin", new java.io.StringReader((String) saved));
        }
    }

    private static Connection postgres(Path data) throws Exception {
        return DriverManager.getConnection(TestBaton.storeEnvironment(data).get("BATON_DB_URL"), org.baton.store.tck.TestPostgres.USER, null);
    }
}
