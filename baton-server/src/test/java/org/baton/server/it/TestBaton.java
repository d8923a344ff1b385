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
import org.baton.server.http.Json;
import org.baton.server.timers.ManualTimers;

/**
 * A real Baton on a free port with its own data directory, a manual clock and manual lock timers, plus JDK HTTP
 * and WebSocket clients signed in as the demo users. Tests move time with {@link #advance(Duration)}.
 */
final class TestBaton implements AutoCloseable {
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
        clock = new ManualClock(start);
        timers = new ManualTimers(start);
        var env = new HashMap<>(Map.of("BATON_PORT", "0", "BATON_BIND", "127.0.0.1", "BATON_DATA_DIR", dataDir.toString(),
                "BATON_RATE_LIMIT", "1000", "BATON_RATE_BURST", "1000"));
        env.putAll(extraEnv);
        server = BatonServer.start(BatonConfig.fromEnvironment(env), clock, timers);
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

    @Override
    public void close() {
        for (Client client : clients) {
            client.close();
        }
        server.close();
    }

    /** A WebSocket client that records every message it receives. */
    static final class Client implements WebSocket.Listener {
        final String userId;
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;
        volatile int closeCode = -1;
        private int refs;

        Client(String userId) {
            this.userId = userId;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(Json.mapper().readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
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
            return found[0];
        }

        JsonNode await(String event) {
            return await(event, d -> true);
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
            return found[0];
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
