package org.baton.server.it;


import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.baton.core.time.ManualClock;
import org.baton.server.BatonServer;
import org.baton.server.config.BatonConfig;
import org.baton.server.contract.AsyncApiContract;
import org.baton.server.contract.OpenApiContract;
import org.baton.server.http.Json;
import org.baton.server.timers.ManualTimers;

/**
 * A real Baton on a free port with its own data directory, a manual clock and manual lock timers, plus JDK HTTP
 * and WebSocket clients signed in as the demo users. Tests move time with {@link #advance(Duration)}.
 *
 * <p>The store is SQLite unless the system property {@code baton.test.store} is {@code postgres} (the build runs the
 * integration tests once on each): then Baton runs scaled-out style on a fresh database of a real PostgreSQL, one
 * per data directory, so a restart on the same directory finds the same data.
 *
 * <p>Every answer {@link #call} receives is checked against the OpenAPI document (issue 17), and every frame a
 * {@link Client} receives against the AsyncAPI document: a test whose traffic differs from the contract fails.
 */
final class TestBaton implements AutoCloseable {
    /** The store the integration tests run against in this JVM. */
    static final boolean POSTGRES = "postgres".equals(System.getProperty("baton.test.store"));
    private static final Map<Path, String> DATABASES = new java.util.concurrent.ConcurrentHashMap<>();
    private final Path dataDir;
    final ManualClock clock;
    final ManualTimers timers;
    final HttpClient http = HttpClient.newHttpClient();
    final BatonServer server;
    private final List<Client> clients = new CopyOnWriteArrayList<>();

    TestBaton(Path dataDir, Map<String, String> extraEnv) {
        this(dataDir, extraEnv, Instant.parse("2026-01-13T09:00:00Z"));
    }

    /** Starts with the manual clock at {@code start} (browser tests start at the real time, so pages show sensible times). */
    TestBaton(Path dataDir, Map<String, String> extraEnv, Instant start) {
        this.dataDir = dataDir;
        clock = new ManualClock(start);
        timers = new ManualTimers(start);
        var env = new HashMap<>(Map.of("BATON_PORT", "0", "BATON_BIND", "127.0.0.1", "BATON_DATA_DIR", dataDir.toString(),
                "BATON_RATE_LIMIT", "100000", "BATON_RATE_BURST", "1000000"));
        env.putAll(storeEnvironment(dataDir));
        env.putAll(extraEnv);
        server = BatonServer.start(BatonConfig.fromEnvironment(env), clock, timers);
        org.awaitility.Awaitility.await("Baton ready (store and bus)").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(server::isReady);
    }

    /** The environment that points a Baton at this JVM's test store for {@code dataDir} (empty for SQLite). */
    static Map<String, String> storeEnvironment(Path dataDir) {
        if (!POSTGRES) {
            return Map.of();
        }
        String url = DATABASES.computeIfAbsent(dataDir.toAbsolutePath(), d -> org.baton.store.tck.TestPostgres.newDatabase());
        return Map.of("BATON_STORE", "postgres", "BATON_DB_URL", url, "BATON_DB_USER", org.baton.store.tck.TestPostgres.USER,
                "BATON_AUDIT_KEY_FILE", auditKeyFile(dataDir).toString());
    }

    /** A shared audit key for the instances of a test (scaled out, every instance needs the same one). */
    static Path auditKeyFile(Path dir) {
        Path file = dir.toAbsolutePath().resolve("shared-audit.key");
        try {
            java.nio.file.Files.createDirectories(dir);
            if (!java.nio.file.Files.exists(file)) {
                java.nio.file.Files.writeString(file, "test-audit-key-" + java.util.UUID.randomUUID() + "-shared\n");
            }
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A raw connection to this Baton's database, as an intruder with access to it would have. */
    java.sql.Connection rawDatabase() throws java.sql.SQLException {
        return POSTGRES ? java.sql.DriverManager.getConnection(storeEnvironment(dataDir).get("BATON_DB_URL"), org.baton.store.tck.TestPostgres.USER, null)
                : java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("baton.db"));
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    String token(String userId) {
        var demo = server.demoSignIn().orElseThrow();
        return demo.issue(demo.user(userId).orElseThrow(), Duration.ofHours(8));
    }

    /**
     * An HS256 token as an identity provider would issue it, for a server started with {@code BATON_JWT_SECRET} (no
     * demo sign-in): valid for eight hours from {@code now}.
     */
    static String signedToken(String secret, String userId, String name, String role, Instant now) {
        try {
            var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject(userId).claim("name", name).claim("roles", List.of(role))
                    .issueTime(java.util.Date.from(now)).expirationTime(java.util.Date.from(now.plus(Duration.ofHours(8)))).build();
            var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), claims);
            jwt.sign(new com.nimbusds.jose.crypto.MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON value as plain Java (maps, lists, strings, numbers), to send back. */
    Object json(JsonNode node) {
        return Json.mapper().convertValue(node, Object.class);
    }

    void advance(Duration by) {
        clock.advance(by);
        timers.runDue(clock.instant());
    }

    /** One HTTP answer: status, headers and the parsed JSON body. */
    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String code() {
            return body.path("code").asText();
        }
    }

    Reply call(String method, String path, String token, Object body, Map<String, String> headers) {
        try {
            var request = HttpRequest.newBuilder(URI.create(base() + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body)))
                    .header("Content-Type", "application/json");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            headers.forEach(request::header);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String sent = body == null ? null : body instanceof String s ? s : Json.write(body);
            OpenApiContract.get().check(method, path, sent, response.statusCode(), response.headers().map(), response.body());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json = response.body().isEmpty() || !type.contains("json") ? Json.mapper().createObjectNode() : Json.mapper().readTree(response.body());
            return new Reply(response.statusCode(), json, response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Reply call(String method, String path, String token, Object body) {
        return call(method, path, token, body, Map.of());
    }

    /** One REST session (a tab without a WebSocket) of a demo user. */
    RestTab tab(String userId) {
        return new RestTab(token(userId));
    }

    /** A REST client that sends its {@code X-Session-Id} back on every call, so it acts as one session. */
    final class RestTab {
        final String token;
        volatile String session;

        RestTab(String token) {
            this.token = token;
        }

        Reply call(String method, String path, Object body) {
            Reply reply = TestBaton.this.call(method, path, token, body, session == null ? Map.of() : Map.of("X-Session-Id", session));
            reply.raw().headers().firstValue("X-Session-Id").ifPresent(s -> session = s);
            return reply;
        }

        Reply post(String path, Object body) {
            return call("POST", path, body);
        }

        Reply check(String type, String id) {
            return call("GET", "/api/locks/check/" + type + "/" + id, null);
        }
    }

    Client connect(String userId) {
        return connect(userId, "?access_token=" + token(userId));
    }

    Client connect(String userId, String query) {
        Client client = new Client(userId);
        try {
            client.socket = http.newWebSocketBuilder().header("Origin", origin())
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws" + query), client).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("websocket connect failed", e);
        }
        clients.add(client);
        return client;
    }

    /** Closes the clients and the server, then fails if any client received a frame that breaks the AsyncAPI contract. */
    @Override
    public void close() {
        for (Client client : clients) {
            client.close();
        }
        server.close();
        for (Client client : clients) {
            client.assertFramesMatchContract();
        }
    }

    /** A WebSocket client that records every message it receives, and checks each against the AsyncAPI document. */
    static final class Client implements WebSocket.Listener {
        final String userId;
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        private final List<String> contractViolations = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;
        volatile int closeCode = -1;
        volatile String closeReason;
        private int refs;

        Client(String userId) {
            this.userId = userId;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = Json.mapper().readTree(partial.toString());
                    contractViolations.addAll(AsyncApiContract.get().problems(frame));
                    received.add(frame);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        /** What ended the connection without a close frame (a reset, say), or null. */
        volatile Throwable error;

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            this.error = error;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode = statusCode;
            return null;
        }

        /** Sends an event and returns its ref. */
        String send(String event, Map<String, Object> data) {
            String ref = userId + "-" + (++refs);
            Map<String, Object> message = new HashMap<>();
            message.put("event", event);
            message.put("data", data);
            message.put("ref", ref);
            sendRaw(Json.write(message));
            return ref;
        }

        void sendRaw(String text) {
            socket.sendText(text, true).join();
        }

        /** Waits (bounded) for the first message of {@code event} matching {@code test}. */
        JsonNode await(String event, Predicate<JsonNode> test) {
            JsonNode[] found = new JsonNode[1];
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
                for (JsonNode m : received) {
                    if (m.path("event").asText().equals(event) && test.test(m.path("data"))) {
                        found[0] = m;
                        return true;
                    }
                }
                return false;
            });
            assertFramesMatchContract();
            return found[0];
        }

        JsonNode await(String event) {
            return await(event, d -> true);
        }

        /** Waits (at most {@code limit}) for the first message of {@code event} matching {@code test}. */
        JsonNode await(String event, Duration limit, Predicate<JsonNode> test) {
            JsonNode[] found = new JsonNode[1];
            org.awaitility.Awaitility.await().atMost(limit).pollInterval(Duration.ofMillis(10)).until(() -> {
                for (JsonNode m : received) {
                    if (m.path("event").asText().equals(event) && test.test(m.path("data"))) {
                        found[0] = m;
                        return true;
                    }
                }
                return false;
            });
            return found[0];
        }

        /** The answer to the request with {@code ref}. */
        JsonNode answer(String ref) {
            JsonNode[] found = new JsonNode[1];
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
                for (JsonNode m : received) {
                    if (ref.equals(m.path("ref").asText(null))) {
                        found[0] = m;
                        return true;
                    }
                }
                return false;
            });
            assertFramesMatchContract();
            return found[0];
        }

        /**
         * A round trip: once the answer to a request sent now arrives, every message the server sent this connection
         * before it has arrived too (one connection delivers in order). Use it before asserting something did NOT come.
         */
        void sync() {
            answer(send("presence:get", Map.of("resourceId", "catheter:sync")));
        }

        /** How many messages of {@code event} matching {@code test} arrived so far. */
        long count(String event, Predicate<JsonNode> test) {
            return received.stream().filter(m -> m.path("event").asText().equals(event) && test.test(m.path("data"))).count();
        }

        /** Fails when a frame this client received differs from the AsyncAPI document. */
        void assertFramesMatchContract() {
            if (!contractViolations.isEmpty()) {
                throw new AssertionError(userId + " received frames that break the AsyncAPI contract:\n  "
                        + String.join("\n  ", contractViolations));
            }
        }

        List<String> events() {
            List<String> names = new ArrayList<>();
            received.forEach(m -> names.add(m.path("event").asText()));
            return names;
        }

        void clear() {
            received.clear();
        }

        void close() {
            WebSocket ws = socket;
            if (ws != null && !ws.isOutputClosed()) {
                ws.sendClose(1000, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
        }

        void abort() {
            socket.abort();
        }

    }
}
