package org.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One asynchronous WebSocket connection speaking Baton's protocol (or plain echo): requests carry a {@code ref} and
 * complete when the answer with that ref arrives; every other message goes to the listener. Many of these share one
 * HttpClient and its selector thread: asynchronous I/O, not a thread per connection.
 */
final class WsClient implements WebSocket.Listener {
    static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong refs = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private final Consumer<JsonNode> listener;
    private final boolean parse;
    private final Consumer<CharSequence> raw;
    final CompletableFuture<JsonNode> ready = new CompletableFuture<>();
    volatile WebSocket socket;

    private WsClient(Consumer<JsonNode> listener, boolean parse, Consumer<CharSequence> raw) {
        this.listener = listener;
        this.parse = parse;
        this.raw = raw;
    }

    /** Connects to Baton and waits for session:ready. */
    static WsClient baton(HttpClient http, URI ws, String token, Consumer<JsonNode> listener) throws Exception {
        WsClient client = new WsClient(listener, true, null);
        client.socket = http.newWebSocketBuilder().header("Origin", "http://" + ws.getHost() + ":" + ws.getPort())
                .buildAsync(URI.create(ws + "?access_token=" + token), client).get(30, TimeUnit.SECONDS);
        client.ready.get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Connects to a plain echo server; every message goes to {@code raw}. */
    static WsClient echo(HttpClient http, URI ws, Consumer<CharSequence> raw) throws Exception {
        WsClient client = new WsClient(null, false, raw);
        client.socket = http.newWebSocketBuilder().buildAsync(ws, client).get(30, TimeUnit.SECONDS);
        client.ready.complete(null);
        return client;
    }

    CompletableFuture<JsonNode> request(String event, Map<String, Object> data) {
        String ref = Long.toString(refs.incrementAndGet());
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(ref, answer);
        String text;
        try {
            text = JSON.writeValueAsString(Map.of("event", event, "data", data, "ref", ref));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        send(text);
        return answer.orTimeout(30, TimeUnit.SECONDS);
    }

    synchronized void send(String text) {
        socket.sendText(text, true).join();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!last) {
            partial.append(data);
            return null;
        }
        CharSequence whole = partial.isEmpty() ? data : partial.append(data).toString();
        partial.setLength(0);
        if (!parse) {
            raw.accept(whole);
            return null;
        }
        try {
            JsonNode message = JSON.readTree(whole.toString());
            String event = message.path("event").asText();
            if (event.equals("session:ready")) {
                ready.complete(message.path("data"));
            }
            String ref = message.path("ref").asText(null);
            CompletableFuture<JsonNode> waiter = ref == null ? null : pending.remove(ref);
            if (waiter != null) {
                waiter.complete(message);
            } else if (listener != null) {
                listener.accept(message);
            }
        } catch (Exception e) {
            // a malformed frame would be a Baton bug; the waiting request times out and the figure says so
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason)));
        ready.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
        return null;
    }

    void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }
}
