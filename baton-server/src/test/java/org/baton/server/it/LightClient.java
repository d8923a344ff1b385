package org.baton.server.it;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.baton.server.http.Json;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A WebSocket client cheap enough to run by the thousand in one test JVM: many share one {@link Sockets} (Jetty's
 * asynchronous WebSocket client: one selector, a small pool of threads); frames are not parsed or checked against the
 * contract ({@link TestBaton.Client} does that), only counted and handed to a callback. Baton writes every frame as
 * {@code {"event":"<name>",...}}, so the event is read from the prefix.
 *
 * <p>Not the JDK's {@code java.net.http.WebSocket}: under a reconnect storm, in about one run in ten, a JDK client
 * failed a connection with "Invalid UTF-8 in frame TEXT" while a capture of the loopback traffic (tcpdump) showed every
 * frame Baton sent on every connection of that run as valid ASCII; the fault was the client's, and the test failed
 * on it.
 */
public final class LightClient implements Session.Listener.AutoDemanding {
    /** One WebSocket client shared by many {@link LightClient}s (started; its threads are daemons). */
    static final class Sockets {
        private final WebSocketClient client;

        Sockets() {
            QueuedThreadPool threads = new QueuedThreadPool(64, 4);
            threads.setName("light-client");
            threads.setDaemon(true);
            client = new WebSocketClient();
            client.getHttpClient().setExecutor(threads);
            client.getHttpClient().setIdleTimeout(Duration.ofHours(1).toMillis());
            client.setIdleTimeout(Duration.ofHours(1));
            client.setMaxTextMessageSize(64L * 1024 * 1024);
            client.setConnectTimeout(20_000);
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the WebSocket client", e);
            }
        }
    }

    final String user;
    final AtomicInteger frames = new AtomicInteger();
    final CompletableFuture<String> sessionId = new CompletableFuture<>();
    /** The close's status code, or -1 when the connection failed without one. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final BiConsumer<LightClient, String> onFrame;
    volatile Session socket;
    volatile String closeReason;

    private LightClient(String user, BiConsumer<LightClient, String> onFrame) {
        this.user = user;
        this.onFrame = onFrame;
    }

    /** Connects (asynchronously) to {@code ws} as {@code user}; {@code query} carries the token and any session to resume. */
    static CompletableFuture<LightClient> connect(Sockets sockets, URI ws, String origin, String user, String query,
                                                  BiConsumer<LightClient, String> onFrame) {
        LightClient client = new LightClient(user, onFrame);
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setHeader("Origin", origin);
        try {
            return sockets.client.connect(client, URI.create(ws + query), upgrade).thenApply(socket -> client);
        } catch (java.io.IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static boolean is(String frame, String event) {
        return frame.startsWith("{\"event\":\"" + event + "\"");
    }

    void send(String event, Object data) {
        socket.sendText(Json.write(java.util.Map.of("event", event, "data", data)), Callback.NOOP);
    }

    /** Sends and waits until the frame is handed to the network. */
    void sendNow(String event, Object data) {
        sendAndWait(Json.write(java.util.Map.of("event", event, "data", data)));
    }

    /** As {@link #sendNow(String, Object)}, with a {@code ref}: the answer is an answer to this request, never merged with news. */
    void sendNow(String event, Object data, String ref) {
        sendAndWait(Json.write(java.util.Map.of("event", event, "data", data, "ref", ref)));
    }

    private void sendAndWait(String text) {
        Callback.Completable sent = new Callback.Completable();
        socket.sendText(text, sent);
        sent.orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Override
    public void onWebSocketOpen(Session session) {
        socket = session;
    }

    @Override
    public void onWebSocketText(String frame) {
        frames.incrementAndGet();
        if (is(frame, "session:ready")) {
            sessionId.complete(Json.readTree(frame).at("/data/sessionId").asText());
        }
        onFrame.accept(this, frame);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closeReason = reason;
        closed.complete(statusCode);
    }

    @Override
    public void onWebSocketError(Throwable error) {
        closeReason = error + (error.getCause() == null ? "" : ": " + error.getCause()); // why, for the failure message
        closed.complete(-1);
    }

    void abort() {
        Session s = socket;
        if (s != null) {
            s.disconnect();
        }
    }
}
