package org.baton.server.ws;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.baton.server.auth.Identity;
import org.baton.server.auth.TokenVerifier;
import org.baton.server.http.ApiException;
import org.baton.server.http.RouteGroup;
import org.baton.server.audit.RequestAudit;
import org.baton.server.limits.ConnectionQuota;
import org.baton.server.session.ClientOrigin;
import org.baton.server.limits.RequestBudget;
import org.baton.server.session.SessionRegistry;

/**
 * The WebSocket endpoints: {@code /ws} speaks Baton's JSON envelopes (PROTOCOL.md), {@code /socket.io/} speaks
 * Socket.IO v4 over HTTP long-polling and WebSocket, with the upgrade between them ({@link EngineIoPolling}), so
 * clients written with {@code socket.io-client} connect unchanged, default options included. All share who may
 * connect, the limits and the sessions; only the framing differs.
 *
 * <ul>
 *   <li>The upgrade is refused (403 {@code ORIGIN_REFUSED}) unless the {@code Origin} is an allowed one, and
 *       (401) when an {@code access_token} query parameter is present but invalid. Without one, the client
 *       authenticates in its first message ({@code auth {token}}, or Socket.IO's CONNECT {@code auth}) within
 *       {@link Limits#authTimeout()}, else the connection closes with 1008.</li>
 *   <li>A {@code sessionId} resumes that session when it belongs to the same user; else a new session starts.</li>
 *   <li>A user has at most {@code BATON_MAX_CONNECTIONS_PER_USER} connections: one more is refused at the upgrade
 *       (429 {@code TOO_MANY_CONNECTIONS}) when its token came with it, else closed (1008) when it authenticates.</li>
 *   <li>Frames above {@link Limits#maxBodyBytes()} are refused and close the connection (1009), except
 *       {@code draft:save}, which may reach {@link Limits#maxMessageBytes()} (the draft limit plus its envelope);
 *       the user's {@link RequestBudget}, shared with their REST calls, answers excess messages with
 *       {@code RATE_LIMITED} and closes persistent flooders (1008); a consumer with more than
 *       {@link Limits#maxQueuedOutbound()} unsent messages is closed (1013).</li>
 * </ul>
 */
public final class WsGateway implements RouteGroup {
    private static final String IDENTITY_ATTRIBUTE = "baton.ws.identity";

    /**
     * The transport's bounds.
     *
     * @param maxBodyBytes the largest frame of any event but {@code draft:save} ({@code BATON_MAX_BODY_BYTES})
     * @param maxMessageBytes the largest frame read at all: a {@code draft:save} with a draft of the largest size
     */
    public record Limits(int maxBodyBytes, int maxMessageBytes, int maxQueuedOutbound, Duration authTimeout) {
    }

    private final OriginPolicy origins;
    private final Limits limits;
    private final ScheduledExecutorService scheduler;
    private final Connection.Context context;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Object closing = new Object();
    private EngineIoPolling polling;

    /**
     * @param budget the per-user request budget, the same one REST requests draw on
     * @param quota the per-user connection cap
     */
    public WsGateway(TokenVerifier verifier, OriginPolicy origins, SessionRegistry sessions, MessageHandler handler,
                     Limits limits, RequestBudget budget, ConnectionQuota quota, RequestAudit audit, InstantSource clock,
                     ScheduledExecutorService scheduler) {
        this.origins = origins;
        this.limits = limits;
        this.scheduler = scheduler;
        this.context = new Connection.Context(verifier, sessions, handler, budget, quota, clock, limits.maxBodyBytes(), audit, scheduler);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.wsBeforeUpgrade("/ws", this::checkUpgrade);
        routes.ws("/ws", ws -> handle(ws, EnvelopeFraming.INSTANCE));
        SocketIoFraming socketIo = new SocketIoFraming(scheduler);
        polling = new EngineIoPolling(socketIo, origins, limits.maxQueuedOutbound(),
                token -> new Connection(context, "polling", null, null, null, ClientOrigin.UNKNOWN).verify(token), this::pollingConnection);
        polling.register(routes);
        routes.wsBeforeUpgrade("/socket.io/", this::checkUpgrade);
        routes.ws("/socket.io/", ws -> handle(ws, socketIo));
    }

    private Connection pollingConnection(String id, SocketIoFraming.SocketIoOutlet outlet, Identity identity, String sessionIdToResume) {
        Connection connection = new Connection(context, id, outlet, identity, sessionIdToResume, ClientOrigin.UNKNOWN);
        closeUnlessAuthenticated(connection);
        return connection;
    }

    public int openConnections() {
        return connections.size();
    }

    /**
     * Waits (at most {@code atMost}) until every closed connection has been handled — its session's leases put into
     * their disconnect grace — so a stopping server closes its store only after the last of them, instead of racing
     * them ("the database is closed").
     */
    public boolean awaitClosed(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (closing) {
            long left;
            while (!connections.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    closing.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return connections.isEmpty();
        }
    }

    private void checkUpgrade(Context ctx) {
        if (!origins.allows(ctx.header("Origin"))) {
            throw ApiException.of(403, "ORIGIN_REFUSED", "This origin may not open a WebSocket to Baton.");
        }
        String token = ctx.queryParam("access_token");
        if (token != null) {
            Connection probe = new Connection(context, "upgrade", null, null, null, ClientOrigin.of(ctx.ip(), ctx.header("User-Agent")));
            Identity identity = probe.verify(token);
            if (context.quota().isFull(identity.userId())) {
                throw new ApiException(Connection.tooManyConnections(context.quota().maxPerUser()));
            }
            ctx.attribute(IDENTITY_ATTRIBUTE, identity);
        }
    }

    private void handle(WsConfig ws, Framing framing) {
        ws.onConnect(ctx -> {
            String upgradeOf = framing instanceof SocketIoFraming ? ctx.queryParam("sid") : null;
            if (upgradeOf == null) {
                onConnect(ctx, framing);
            } else if (polling.probe(upgradeOf, ctx.sessionId(), ctx.session)) {
                ctx.session.setMaxTextMessageSize(limits.maxMessageBytes());
                ctx.session.setIdleTimeout(Duration.ofMinutes(10));
            }
        });
        ws.onMessage(ctx -> {
            Connection connection = connections.get(ctx.sessionId());
            if (connection != null) {
                framing.receive(connection, ctx.message());
            } else if (polling.isProbing(ctx.sessionId())) {
                polling.probeMessage(ctx.sessionId(), ctx.message(), upgraded -> connections.put(ctx.sessionId(), upgraded));
            }
        });
        ws.onClose(ctx -> {
            polling.probeClosed(ctx.sessionId());
            Connection connection = connections.get(ctx.sessionId());
            if (connection != null) {
                try {
                    framing.closed(connection);
                    connection.closed();
                } finally {
                    synchronized (closing) {
                        connections.remove(ctx.sessionId());
                        closing.notifyAll();
                    }
                }
            }
        });
    }

    private static String peerAddress(WsContext ctx) {
        return ctx.session.getRemoteSocketAddress() instanceof java.net.InetSocketAddress peer && peer.getAddress() != null
                ? peer.getAddress().getHostAddress() : null;
    }

    private void onConnect(WsContext ctx, Framing framing) {
        ctx.session.setMaxTextMessageSize(limits.maxMessageBytes());
        ctx.session.setIdleTimeout(Duration.ofMinutes(10));
        Identity identity = ctx.attribute(IDENTITY_ATTRIBUTE);
        Connection connection = new Connection(context, ctx.sessionId(), framing.outlet(ctx.session, limits.maxQueuedOutbound()),
                identity, ctx.queryParam("sessionId"), ClientOrigin.of(peerAddress(ctx), ctx.header("User-Agent")));
        connections.put(ctx.sessionId(), connection);
        closeUnlessAuthenticated(connection);
        framing.opened(connection);
    }

    /** A connection that has not authenticated within the limit is closed (1008). */
    private void closeUnlessAuthenticated(Connection connection) {
        ScheduledFuture<?> deadline = scheduler.schedule(() -> {
            if (!connection.isAuthenticated()) {
                connection.closeQuietly(1008, "authentication timeout");
            }
        }, limits.authTimeout().toMillis(), TimeUnit.MILLISECONDS);
        connection.armAuthDeadline(deadline);
    }
}
