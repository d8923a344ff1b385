package org.baton.server.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.baton.server.http.Json;

/**
 * Baton scaled out for tests: a real PostgreSQL, N real Baton processes (each its own JVM, started as an operator
 * would with {@code BATON_STORE=postgres}) and a real HAProxy in front, all on loopback, on free ports. Short
 * timeouts keep the fault tests quick: an instance is dead after 3 s without a heartbeat, a dropped holder keeps its
 * lock for a 5 s grace, a database call gives up after 2 s.
 */
final class Cluster implements AutoCloseable {
    static final Duration INSTANCE_TIMEOUT = Duration.ofSeconds(3);
    static final Duration GRACE = Duration.ofSeconds(5);
    static final Duration LEASE_TTL = Duration.ofSeconds(60);
    final PostgresServer postgres;
    final List<ServerProcess> instances = new ArrayList<>();
    final LoadBalancer balancer;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<TestBaton.Client> clients = new ArrayList<>();

    private final Path auditKey;

    Cluster(Path dir, int size) throws Exception {
        this(dir, size, Map.of());
    }

    /** A cluster whose instances also get {@code extraEnv} (it overrides the short timeouts above). */
    Cluster(Path dir, int size, Map<String, String> extraEnv) throws Exception {
        auditKey = TestBaton.auditKeyFile(dir);
        postgres = new PostgresServer(Files.createDirectories(dir.resolve("postgres"))).start();
        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            ports.add(ServerProcess.freePort());
        }
        balancer = new LoadBalancer(Files.createDirectories(dir.resolve("balancer")), ports);
        List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            Map<String, String> env = environment(i);
            env.putAll(extraEnv);
            ServerProcess instance = new ServerProcess(Files.createDirectories(dir.resolve("instance-" + i)), env, ports.get(i - 1));
            instances.add(instance);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return instance.start();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<ServerProcess> s : starting) {
            s.get(120, TimeUnit.SECONDS);
        }
    }

    private Map<String, String> environment(int index) {
        Map<String, String> env = new HashMap<>();
        env.put("BATON_STORE", "postgres");
        env.put("BATON_DB_URL", postgres.url());
        env.put("BATON_DB_USER", org.baton.store.tck.TestPostgres.USER);
        env.put("BATON_DB_TIMEOUT", "2");
        env.put("BATON_INSTANCE_ID", "baton-" + index);
        env.put("BATON_INSTANCE_TIMEOUT", Long.toString(INSTANCE_TIMEOUT.toSeconds()));
        env.put("LOCK_GRACE_PERIOD", Long.toString(GRACE.toSeconds()));
        env.put("BATON_LEASE_TTL", Long.toString(LEASE_TTL.toSeconds()));
        env.put("LOCK_HEARTBEAT_INTERVAL", "20");
        // One cluster serves a whole test class, whose tests grant the same few users locks they keep till the class
        // ends (their connections stay open): the per-user limit (tested on one node and in the store contract) must not
        // turn the order of the tests into a failure, as it did once a test ran twice (clock ahead and behind).
        env.put("BATON_MAX_LOCKS_PER_USER", "100");
        env.put("BATON_ALLOWED_ORIGINS", "http://127.0.0.1:" + balancer.port);
        env.put("BATON_AUDIT_KEY_FILE", auditKey.toString());
        return env;
    }

    /** Instance {@code index}, 1-based. */
    ServerProcess instance(int index) {
        return instances.get(index - 1);
    }

    /** A WebSocket client of {@code user} (with {@code role}) on {@code base}, resuming {@code sessionId} when given. */
    TestBaton.Client connect(URI base, String user, String role, String sessionId) {
        TestBaton.Client client = new TestBaton.Client(user);
        String query = "?access_token=" + ServerProcess.token(user, role) + (sessionId == null ? "" : "&sessionId=" + sessionId);
        try {
            client.socket = http.newWebSocketBuilder().header("Origin", "http://127.0.0.1:" + base.getPort())
                    .buildAsync(URI.create("ws://127.0.0.1:" + base.getPort() + "/ws" + query), client).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("websocket connect to " + base + " failed", e);
        }
        synchronized (clients) {
            clients.add(client);
        }
        client.await("session:ready");
        return client;
    }

    /** One REST call as {@code user}; answers status and JSON body. */
    TestBaton.Reply call(URI base, String method, String path, String user, String role, Object body, Map<String, String> headers) {
        try {
            var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + ServerProcess.token(user, role));
            headers.forEach(request::header);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            var json = response.body().isEmpty() || !type.contains("json") ? Json.mapper().createObjectNode() : Json.mapper().readTree(response.body());
            return new TestBaton.Reply(response.statusCode(), json, response);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(method + " " + path + " on " + base + " failed: " + e, e);
        }
    }

    @Override
    public void close() throws Exception {
        synchronized (clients) {
            clients.forEach(TestBaton.Client::close);
        }
        for (ServerProcess instance : instances) {
            try {
                if (instance.isAlive()) {
                    instance.resume();
                }
            } catch (IOException | RuntimeException e) {
                // already gone
            }
            instance.close();
        }
        balancer.close();
        postgres.close();
    }
}
