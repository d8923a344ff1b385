package org.baton.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One WebSocket connection of the load generator, on Jetty's asynchronous WebSocket client: sends never block (a
 * frame is queued and the callback ignored), answers are matched by {@code ref} without parsing the frame (Baton
 * frames end with {@code ,"ref":"N"}), and every other frame goes to the listener as text. All connections share
 * one client, its selector and a small thread pool: the generator is cheap per message, so its own echo floor is
 * several times what it asks of Baton (the report prints that ratio).
 */
public final class WsClient implements Session.Listener.AutoDemanding {
    static final ObjectMapper JSON = new ObjectMapper();
    private static WebSocketClient shared;
    private static final String REF = ",\"ref\":\"";

    private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final AtomicLong refs = new AtomicLong();
    private final Consumer<String> listener;
    private final boolean protocol;
    final AtomicLong bytesIn = new AtomicLong();
    final CompletableFuture<String> ready = new CompletableFuture<>();
    /** Completes when the connection ends, however it ends (a close frame, a reset, an error). */
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Session session;

    private WsClient(Consumer<String> listener, boolean protocol) {
        this.listener = listener;
        this.protocol = protocol;
    }

    static synchronized WebSocketClient client() {
        if (shared == null) {
            QueuedThreadPool threads = new QueuedThreadPool(8, 2);
            threads.setName("bench-ws");
            WebSocketClient client = new WebSocketClient();
            client.getHttpClient().setExecutor(threads);
            client.getHttpClient().setIdleTimeout(Duration.ofMinutes(10).toMillis());
            client.setIdleTimeout(Duration.ofMinutes(10));
            client.setMaxTextMessageSize(16 * 1024 * 1024);
            client.setConnectTimeout(30_000);
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the WebSocket client", e);
            }
            shared = client;
        }
        return shared;
    }

    /** Connects to Baton with a token in the upgrade, and completes when session:ready arrived. */
    static CompletableFuture<WsClient> connect(URI ws, String token, Consumer<String> listener) {
        return connect(ws, token, null, listener);
    }

    /** As {@link #connect(URI, String, Consumer)}, resuming {@code sessionId} (its leases and joined records) when not null. */
    static CompletableFuture<WsClient> connect(URI ws, String token, String sessionId, Consumer<String> listener) {
        WsClient c = new WsClient(listener, true);
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setHeader("Origin", "http://" + ws.getHost() + ":" + ws.getPort());
        try {
            String query = (ws.getQuery() == null ? "?" : "&") + "access_token=" + token + (sessionId == null ? "" : "&sessionId=" + sessionId);
            return client().connect(c, URI.create(ws + query), request)
                    .thenCompose(s -> c.ready).thenApply(r -> c);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static WsClient baton(URI ws, String token, Consumer<String> listener) throws Exception {
        return connect(ws, token, listener).get(30, TimeUnit.SECONDS);
    }

    /** Connects to a plain echo server; every frame goes to {@code raw}. */
    static WsClient echo(URI ws, Consumer<String> raw) throws Exception {
        return connectEcho(ws, raw).get(30, TimeUnit.SECONDS);
    }

    /** As {@link #echo}, without waiting for the connection. */
    static CompletableFuture<WsClient> connectEcho(URI ws, Consumer<String> raw) {
        WsClient c = new WsClient(raw, false);
        try {
            return client().connect(c, ws).thenApply(s -> {
                c.ready.complete("");
                return c;
            });
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Sends {@code event} with {@code data}; completes with the answer's text (the frame carrying this request's ref). */
    CompletableFuture<String> request(String event, Map<String, Object> data) {
        String ref = Long.toString(refs.incrementAndGet());
        CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(ref, answer);
        String text;
        try {
            text = "{\"event\":\"" + event + "\",\"data\":" + JSON.writeValueAsString(data) + ",\"ref\":\"" + ref + "\"}";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        send(text);
        return answer.orTimeout(30, TimeUnit.SECONDS);
    }

    void send(String text) {
        Session s = session;
        if (s == null) {
            throw new IllegalStateException("not connected");
        }
        s.sendText(text, Callback.NOOP);
    }

    @Override
    public void onWebSocketOpen(Session opened) {
        this.session = opened;
    }

    @Override
    public void onWebSocketText(String text) {
        bytesIn.addAndGet(text.length());
        if (!protocol) {
            listener.accept(text);
            return;
        }
        if (text.endsWith("\"}")) {
            int at = text.lastIndexOf(REF);
            if (at > 0) {
                CompletableFuture<String> waiter = pending.remove(text.substring(at + REF.length(), text.length() - 2));
                if (waiter != null) {
                    waiter.complete(text);
                    return;
                }
            }
        }
        if (!ready.isDone() && text.startsWith("{\"event\":\"session:ready\"")) {
            ready.complete(text);
            return;
        }
        if (listener != null) {
            listener.accept(text);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        IllegalStateException closed = new IllegalStateException("closed " + statusCode + " " + reason);
        pending.values().forEach(f -> f.completeExceptionally(closed));
        ready.completeExceptionally(closed);
        this.closed.complete(null);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        pending.values().forEach(f -> f.completeExceptionally(cause));
        ready.completeExceptionally(cause);
        closed.complete(null);
    }

    /** The value of a string (or plain) field of a frame, found by name without parsing; null when absent. */
    static String field(String text, String name) {
        String key = "\"" + name + "\":";
        int at = text.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        if (text.charAt(from) == '"') {
            return text.substring(from + 1, text.indexOf('"', from + 1));
        }
        int to = from;
        while (to < text.length() && ",}]".indexOf(text.charAt(to)) < 0) {
            to++;
        }
        return text.substring(from, to);
    }

    static String event(String text) {
        return field(text, "event");
    }

    void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(1000, "bye", Callback.NOOP);
        }
    }
}
