package org.baton.server.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.baton.server.http.Json;

/**
 * A WebSocket client cheap enough to run by the thousand in one test JVM: many share one {@link HttpClient} (one
 * selector thread, asynchronous I/O); frames are not parsed or checked against the contract ({@link TestBaton.Client}
 * does that), only counted and handed to a callback with their arrival time. Baton writes every frame as
 * {@code {"event":"<name>",...}}, so the event is read from the prefix.
 */
final class LightClient implements WebSocket.Listener {
    final String user;
    final AtomicInteger frames = new AtomicInteger();
    final CompletableFuture<String> sessionId = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final BiConsumer<LightClient, String> onFrame;
    private final StringBuilder partial = new StringBuilder();
    volatile WebSocket socket;
    volatile String closeReason;

    private LightClient(String user, BiConsumer<LightClient, String> onFrame) {
        this.user = user;
        this.onFrame = onFrame;
    }

    /** Connects (asynchronously) to {@code ws} as {@code user}; {@code query} carries the token and any session to resume. */
    static CompletableFuture<LightClient> connect(HttpClient http, URI ws, String origin, String user, String query,
                                                  BiConsumer<LightClient, String> onFrame) {
        LightClient client = new LightClient(user, onFrame);
        return http.newWebSocketBuilder().header("Origin", origin).connectTimeout(java.time.Duration.ofSeconds(20))
                .buildAsync(URI.create(ws + query), client).thenApply(socket -> {
                    client.socket = socket;
                    return client;
                });
    }

    static boolean is(String frame, String event) {
        return frame.startsWith("{\"event\":\"" + event + "\"");
    }

    void send(String event, Object data) {
        socket.sendText(Json.write(java.util.Map.of("event", event, "data", data)), true).orTimeout(20, TimeUnit.SECONDS);
    }

    /** Sends and waits until the frame is handed to the network (the JDK client allows one send in flight). */
    void sendNow(String event, Object data) {
        socket.sendText(Json.write(java.util.Map.of("event", event, "data", data)), true).orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** As {@link #sendNow(String, Object)}, with a {@code ref}: the answer is an answer to this request, never merged with news. */
    void sendNow(String event, Object data, String ref) {
        socket.sendText(Json.write(java.util.Map.of("event", event, "data", data, "ref", ref)), true).orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            frames.incrementAndGet();
            if (is(frame, "session:ready")) {
                sessionId.complete(Json.readTree(frame).at("/data/sessionId").asText());
            }
            onFrame.accept(this, frame);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeReason = error + (error.getCause() == null ? "" : ": " + error.getCause()); // why, for the failure message
        closed.complete(-1);
    }

    void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }
}
