package org.baton.server.ws;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.baton.server.auth.Identity;
import org.baton.server.http.ApiException;

/**
 * Socket.IO's default transport: Engine.IO v4 HTTP long-polling on {@code /socket.io/}, and the upgrade from it to
 * a WebSocket, so a client created with a plain {@code io(url)} connects as it would to a Node server.
 *
 * <ul>
 *   <li>{@code GET ?EIO=4&transport=polling} opens a session and answers the open packet (with
 *       {@code upgrades: ["websocket"]}); later {@code GET}s with its {@code sid} wait up to a ping interval for
 *       packets; {@code POST}s carry the client's packets, separated by {@code \u001e}.</li>
 *   <li>The upgrade: a WebSocket to {@code ?transport=websocket&sid=…} probes ({@code 2probe} → {@code 3probe}),
 *       the waiting poll is released with a noop, and after the client's {@code 5} every packet — including those
 *       still queued for polling — goes over the WebSocket, in order.</li>
 *   <li>A request carrying an {@code Origin} must carry an allowed one (as WebSocket upgrades must); the Socket.IO
 *       CONNECT packet authenticates the session, within the same deadline as a WebSocket.</li>
 * </ul>
 * Packets mean exactly what they mean over a WebSocket: {@link SocketIoFraming} reads them, one {@link Connection}
 * carries the session through both transports.
 */
final class EngineIoPolling {
    /** One session on the polling transport. */
    private record Polled(Connection connection, SocketIoFraming.SocketIoOutlet outlet, PollingChannel channel) {
    }

    /** A WebSocket probing to take over a polling session, until the client's upgrade packet. */
    private record Probe(Polled polled, EnvelopeOutlet socket) {
    }

    /** Builds the connection of a new session: its outlet, the identity of an {@code access_token}, the session to resume. */
    interface Connections {
        Connection open(String connectionId, SocketIoFraming.SocketIoOutlet outlet, Identity identity, String sessionIdToResume);
    }

    private static final Duration LONGEST_POLL = Duration.ofMillis(SocketIoFraming.PING_INTERVAL_MS + 1_000);
    private final SocketIoFraming framing;
    private final OriginPolicy origins;
    private final int maxQueued;
    private final Function<String, Identity> tokens;
    private final Connections connections;
    private final Map<String, Polled> sessions = new ConcurrentHashMap<>();
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();

    /** {@code tokens} verifies an {@code access_token} (refusing with a problem). */
    EngineIoPolling(SocketIoFraming framing, OriginPolicy origins, int maxQueued, Function<String, Identity> tokens, Connections connections) {
        this.framing = framing;
        this.origins = origins;
        this.maxQueued = maxQueued;
        this.tokens = tokens;
        this.connections = connections;
    }

    void register(RoutesConfig routes) {
        routes.get("/socket.io/", this::get);
        routes.post("/socket.io/", this::post);
    }

    private void get(Context ctx) throws InterruptedException {
        checkRequest(ctx);
        String sid = ctx.queryParam("sid");
        if (sid == null) {
            open(ctx);
            return;
        }
        String packets = session(sid).channel().take(LONGEST_POLL);
        text(ctx, packets == null ? "6" : packets);
    }

    private void open(Context ctx) {
        String token = ctx.queryParam("access_token");
        Identity identity = token == null ? null : tokens.apply(token);
        String sid = UUID.randomUUID().toString();
        PollingChannel channel = new PollingChannel(maxQueued, () -> closed(sid));
        var outlet = new SocketIoFraming.SocketIoOutlet(channel, sid);
        Connection connection = connections.open("eio-" + sid, outlet, identity, ctx.queryParam("sessionId"));
        sessions.put(sid, new Polled(connection, outlet, channel));
        framing.startPinging(outlet);
        text(ctx, SocketIoFraming.openPacket(outlet, true));
    }

    private void post(Context ctx) {
        checkRequest(ctx);
        String sid = ctx.queryParam("sid");
        if (sid == null) {
            throw ApiException.badRequest("UNKNOWN_SESSION", "A polling POST needs the sid of an open session.");
        }
        Polled polled = session(sid);
        for (String packet : ctx.body().split(String.valueOf(PollingChannel.SEPARATOR))) {
            framing.receive(polled.connection(), packet);
        }
        text(ctx, "ok");
    }

    private void checkRequest(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !origins.allows(origin)) {
            throw ApiException.of(403, "ORIGIN_REFUSED", "This origin may not connect to Baton.");
        }
        if (!"4".equals(ctx.queryParam("EIO")) || !"polling".equals(ctx.queryParam("transport"))) {
            throw ApiException.badRequest("UNSUPPORTED_TRANSPORT", "Baton speaks Engine.IO 4 (EIO=4) over polling or websocket.");
        }
        if (origin != null) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        }
    }

    private Polled session(String sid) {
        Polled polled = sessions.get(sid);
        if (polled == null) {
            throw ApiException.badRequest("UNKNOWN_SESSION", "No open Socket.IO session has this sid.");
        }
        return polled;
    }

    private static void text(Context ctx, String body) {
        ctx.contentType("text/plain; charset=UTF-8");
        ctx.header("Cache-Control", "no-store");
        ctx.result(body);
    }

    private void closed(String sid) {
        Polled polled = sessions.remove(sid);
        if (polled != null) {
            polled.connection().closed();
            framing.closed(polled.connection());
        }
    }

    /** A WebSocket asks to take over polling session {@code sid}; false (and the socket is closed) when there is none. */
    boolean probe(String sid, String socketId, FrameSocket socket) {
        Polled polled = sessions.get(sid);
        if (polled == null) {
            socket.close(1008, "unknown sid");
            return false;
        }
        probes.put(socketId, new Probe(polled, new EnvelopeOutlet(socket, maxQueued)));
        return true;
    }

    boolean isProbing(String socketId) {
        return probes.containsKey(socketId);
    }

    /**
     * A packet on a probing WebSocket: {@code 2probe} is answered and the waiting poll released; {@code 5} completes
     * the upgrade, after which {@code upgraded} gets the session's connection (its packets now arrive as usual).
     */
    void probeMessage(String socketId, String text, Consumer<Connection> upgraded) {
        Probe probe = probes.get(socketId);
        if (probe == null) {
            return;
        }
        Polled polled = probe.polled();
        if (text.equals("2probe")) {
            probe.socket().sendText("3probe");
            polled.channel().sendText("6");
        } else if (text.equals("5") && sessions.remove(polled.outlet().engineId, polled)) {
            probes.remove(socketId);
            List<String> pending = polled.channel().drain();
            pending.removeIf("6"::equals);
            polled.outlet().moveTo(probe.socket(), pending);
            polled.channel().retire();
            upgraded.accept(polled.connection());
        } else {
            probe.socket().close(1002, "expected the upgrade probe");
        }
    }

    /** A probing WebSocket closed before the upgrade: polling simply continues. */
    void probeClosed(String socketId) {
        probes.remove(socketId);
    }
}
