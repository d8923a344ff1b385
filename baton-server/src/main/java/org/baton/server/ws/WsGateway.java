package org.baton.server.ws;

import io.javalin.config.RoutesConfig;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.baton.server.auth.Identity;
import org.baton.server.auth.TokenVerifier;
import org.baton.server.http.ApiException;
import org.baton.server.http.Problem;
import org.baton.server.http.ProblemResponder;
import org.baton.server.http.RouteGroup;
import org.baton.server.http.WebSocketRoutes;
import org.baton.server.audit.RequestAudit;
import org.baton.server.limits.ConnectionQuota;
import org.baton.server.session.ClientOrigin;
import org.baton.server.limits.RequestBudget;
import org.baton.server.session.SessionRegistry;
import org.baton.core.store.StoreUnavailableException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.RegexPathSpec;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * The WebSocket endpoints: {@code /ws} speaks Baton's JSON envelopes (PROTOCOL.md), {@code /socket.io/} speaks
 * Socket.IO v4 over HTTP long-polling and WebSocket, with the upgrade between them ({@link EngineIoPolling}), so
 * clients written with {@code socket.io-client} connect unchanged, default options included. All share who may
 * connect, the limits and the sessions; only the framing differs. The WebSockets are Jetty core endpoints
 * ({@link WsEndpoint}) in front of Javalin: only what Baton uses of the upgrade request is kept ({@link Upgrade}).
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
public final class WsGateway implements RouteGroup, WebSocketRoutes {
    /** How long a WebSocket may stay silent before Jetty closes it. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    /**
     * The transport's bounds.
     *
     * @param maxBodyBytes the largest frame of any event but {@code draft:save} ({@code BATON_MAX_BODY_BYTES})
     * @param maxMessageBytes the largest frame read at all: a {@code draft:save} with a draft of the largest size
     */
    public record Limits(int maxBodyBytes, int maxMessageBytes, int maxQueuedOutbound, Duration authTimeout) {
    }

    /**
     * What Baton uses of a WebSocket's upgrade request; the request itself is not kept.
     *
     * @param identity proven by an {@code access_token} query parameter, or null (the client authenticates in a message)
     * @param requestedSessionId the {@code sessionId} query parameter: the session to resume, or null
     * @param engineIoSid on {@code /socket.io/}, the polling session this WebSocket takes over ({@code sid}), or null
     * @param presenceDeltas {@code presence=delta}: the client applies {@code presence:delta}
     */
    record Upgrade(Identity identity, String requestedSessionId, String engineIoSid, boolean presenceDeltas, ClientOrigin origin) {
    }

    private final OriginPolicy origins;
    private final Limits limits;
    private final ScheduledExecutorService scheduler;
    private final Connection.Context context;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final java.util.Set<WsEndpoint> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private final AtomicLong lastEndpointId = new AtomicLong();
    private final Object closing = new Object();
    private final SocketIoFraming socketIo;
    private final EngineIoPolling polling;

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
        this.socketIo = new SocketIoFraming(scheduler);
        this.polling = new EngineIoPolling(socketIo, origins, limits.maxQueuedOutbound(),
                token -> new Connection(context, "polling", null, null, null, ClientOrigin.UNKNOWN).verify(token), this::pollingConnection);
    }

    /** Socket.IO's long-polling requests (HTTP). */
    @Override
    public void register(RoutesConfig routes) {
        polling.register(routes);
    }

    /** The WebSockets: {@code /ws} and {@code /socket.io/} (each with or without its trailing slash). */
    @Override
    public void register(WebSocketUpgradeHandler upgrades) {
        upgrades.addMapping(new RegexPathSpec("^/ws/?$"), negotiator(new Endpoints(EnvelopeFraming.INSTANCE)));
        upgrades.addMapping(new RegexPathSpec("^/socket\\.io/?$"), negotiator(new Endpoints(socketIo)));
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
     * The server is stopping: every WebSocket is closed with 1001 (going away) while the network and the store are
     * still up, so each close is handled (the session enters its disconnect grace) before the store closes, and new
     * upgrades are refused (503). Then {@link #awaitClosed} waits for the closes to be handled.
     */
    public void goAway() {
        stopping = true;
        for (WsEndpoint endpoint : open) {
            endpoint.close(1001, "Baton is stopping");
        }
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

    /** Checks an upgrade before it is accepted: refused ones are answered with a problem, as any HTTP refusal is. */
    private WebSocketNegotiator negotiator(Endpoints endpoints) {
        return (request, response, callback) -> {
            if (stopping) {
                ProblemResponder.respond(response, Problem.of(503, "STOPPING", "Baton is stopping; connect again in a moment."), 2, callback);
                return null;
            }
            try {
                Upgrade upgrade = checkUpgrade(request, endpoints.framing instanceof SocketIoFraming);
                return new WsEndpoint(Long.toString(lastEndpointId.incrementAndGet()), upgrade, endpoints);
            } catch (ApiException refused) {
                ProblemResponder.respond(response, refused.problem(), refused.retryAfterSeconds(), callback);
            } catch (StoreUnavailableException unavailable) {
                ProblemResponder.respond(response, ProblemResponder.storeUnavailable(unavailable), ProblemResponder.STORE_RETRY_AFTER_SECONDS, callback);
            }
            return null;
        };
    }

    private Upgrade checkUpgrade(ServerUpgradeRequest request, boolean engineIo) {
        if (!origins.allows(request.getHeaders().get(HttpHeader.ORIGIN))) {
            throw ApiException.of(403, "ORIGIN_REFUSED", "This origin may not open a WebSocket to Baton.");
        }
        Fields query = Request.extractQueryParameters(request);
        ClientOrigin origin = ClientOrigin.of(Request.getRemoteAddr(request), request.getHeaders().get(HttpHeader.USER_AGENT));
        String token = query.getValue("access_token");
        Identity identity = null;
        if (token != null) {
            identity = new Connection(context, "upgrade", null, null, null, origin).verify(token);
            if (context.quota().isFull(identity.userId())) {
                throw new ApiException(Connection.tooManyConnections(context.quota().maxPerUser()));
            }
        }
        var presence = query.getValues("presence");
        boolean deltas = presence != null && presence.contains("delta");
        return new Upgrade(identity, query.getValue("sessionId"), engineIo ? query.getValue("sid") : null, deltas, origin);
    }

    /** The life of the connections of one framing. */
    private final class Endpoints implements WsEndpoint.Listener {
        private final Framing framing;

        Endpoints(Framing framing) {
            this.framing = framing;
        }

        @Override
        public long maxTextMessageBytes() {
            return limits.maxMessageBytes();
        }

        @Override
        public void opened(WsEndpoint endpoint, FrameSocket socket) {
            open.add(endpoint);
            if (stopping) {
                endpoint.close(1001, "Baton is stopping");
                return;
            }
            Upgrade upgrade = endpoint.upgrade();
            if (upgrade.engineIoSid() != null) {
                polling.probe(upgrade.engineIoSid(), endpoint.id(), socket);
                return;
            }
            Connection connection = new Connection(context, endpoint.id(), framing.outlet(socket, upgrade.presenceDeltas(), limits.maxQueuedOutbound()),
                    upgrade.identity(), upgrade.requestedSessionId(), upgrade.origin());
            connections.put(endpoint.id(), connection);
            closeUnlessAuthenticated(connection);
            framing.opened(connection);
        }

        @Override
        public void received(WsEndpoint endpoint, String text) {
            Connection connection = connections.get(endpoint.id());
            if (connection != null) {
                framing.receive(connection, text);
            } else if (polling.isProbing(endpoint.id())) {
                polling.probeMessage(endpoint.id(), text, upgraded -> connections.put(endpoint.id(), upgraded));
            }
        }

        @Override
        public void closed(WsEndpoint endpoint) {
            open.remove(endpoint);
            polling.probeClosed(endpoint.id());
            Connection connection = connections.get(endpoint.id());
            if (connection != null) {
                try {
                    framing.closed(connection);
                    connection.closed();
                } finally {
                    synchronized (closing) {
                        connections.remove(endpoint.id());
                        closing.notifyAll();
                    }
                }
            }
        }
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
