package org.baton.server.ws;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.baton.server.auth.AuthenticationException;
import org.baton.server.auth.Identity;
import org.baton.server.auth.TokenVerifier;
import org.baton.server.http.ApiException;
import org.baton.server.http.Problem;
import org.baton.server.limits.ConnectionQuota;
import org.baton.server.limits.RateLimiter;
import org.baton.server.limits.RequestBudget;
import org.baton.server.audit.RequestAudit;
import org.baton.server.session.ClientOrigin;
import org.baton.server.session.ClientSession;
import org.baton.server.session.Outbound;
import org.baton.server.session.Outlet;
import org.baton.server.session.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One physical WebSocket connection, whatever its framing: authenticates it, binds it to a session, and passes
 * each message to the {@link MessageHandler} within the limits — token expiry checked on every message, the user's
 * request budget (shared with their REST calls and other connections; letting go draws on its own budget), the
 * user's connection cap, the frame size, and a clear {@code error} event (with the request's {@code ref}) for every
 * refusal.
 */
final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final int MAX_RATE_STRIKES = 20;

    /** What every connection of one gateway shares. */
    record Context(TokenVerifier verifier, SessionRegistry sessions, MessageHandler handler, RequestBudget budget, ConnectionQuota quota,
                   InstantSource clock, int maxBodyBytes, RequestAudit audit, ScheduledExecutorService scheduler) {
    }

    /** The one event whose frames may exceed {@code BATON_MAX_BODY_BYTES}: a draft has its own limit. */
    static final String DRAFT_SAVE = "draft:save";

    private final Context context;
    private final String connectionId;
    private final Outlet outlet;
    private final Identity upgradeIdentity;
    private final String requestedSessionId;
    private final ClientOrigin origin;
    private volatile ClientSession session;
    private volatile Identity identity;
    private volatile java.util.concurrent.Future<?> authDeadline;
    private volatile QuietClose closing;
    private int rateStrikes;
    private String slotHolder;
    private boolean ended;

    /**
     * @param upgradeIdentity the identity proven by an {@code access_token} on the upgrade request, or null
     * @param requestedSessionId the {@code sessionId} query parameter of the upgrade request, or null
     * @param origin the peer's address and user agent, from the upgrade request
     */
    Connection(Context context, String connectionId, Outlet outlet, Identity upgradeIdentity, String requestedSessionId, ClientOrigin origin) {
        this.origin = origin;
        this.context = context;
        this.connectionId = connectionId;
        this.outlet = outlet;
        this.upgradeIdentity = upgradeIdentity;
        this.requestedSessionId = requestedSessionId;
    }

    Identity upgradeIdentity() {
        return upgradeIdentity;
    }

    String requestedSessionId() {
        return requestedSessionId;
    }

    void armAuthDeadline(java.util.concurrent.Future<?> deadline) {
        this.authDeadline = deadline;
    }

    Outlet outlet() {
        return outlet;
    }

    boolean isAuthenticated() {
        return session != null;
    }

    /**
     * Binds an identity verified at the upgrade; refused with {@code TOO_MANY_CONNECTIONS} (and close 1008) when the user
     * already has {@code BATON_MAX_CONNECTIONS_PER_USER} connections open.
     */
    void bind(Identity verified, String sessionIdToResume) {
        java.util.concurrent.Future<?> deadline = authDeadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
        synchronized (this) {
            if (ended) {
                return;
            }
            if (slotHolder == null) {
                if (!context.quota().tryOpen(verified.userId())) {
                    outlet.send(error(tooManyConnections(context.quota().maxPerUser()), null));
                    closeQuietly(1008, "too many connections for this user");
                    return;
                }
                slotHolder = verified.userId();
            }
        }
        SessionRegistry.Binding binding = context.sessions().connect(verified, sessionIdToResume, outlet);
        binding.session().seenFrom(origin);
        identity = verified;
        session = binding.session();
        outlet.send(Outbound.event("session:ready", ready(binding.session(), verified)));
        context.handler().onReady(binding);
    }

    /** Authenticates with a token sent in a message; also refreshes the token of an authenticated connection. */
    void authenticate(String token, String sessionIdToResume, String ref) {
        Identity verified = verify(token);
        if (session == null) {
            bind(verified, sessionIdToResume != null ? sessionIdToResume : requestedSessionId);
        } else if (verified.userId().equals(identity.userId())) {
            identity = verified;
            outlet.send(new Outbound("session:ready", ready(session, verified), ref));
        } else {
            throw ApiException.of(403, "FORBIDDEN", "A connection cannot change its user; open a new one.");
        }
    }

    /**
     * Parses one inbound frame and runs it through the limits and on to the handler; never throws. The frame is charged
     * to the user's budget once its event is known (letting go draws on its own budget); a frame that cannot be parsed
     * is charged as an ordinary message. A frame over {@code BATON_MAX_BODY_BYTES} is refused and closes the connection
     * (1009) unless it is a {@code draft:save}, whose draft has its own limit.
     */
    void receive(String text, java.util.function.Function<String, Envelope> parser) {
        QuietClose close = closing;
        if (close != null) {
            close.heard();
            return;
        }
        String[] ref = new String[1];
        answerRefusals(ref, () -> {
            Envelope message;
            try {
                message = parser.apply(text);
            } catch (RuntimeException e) {
                charge(RequestBudget.Kind.ORDINARY);
                throw e;
            }
            ref[0] = message.ref();
            if (!message.event().equals(DRAFT_SAVE) && exceedsBodyLimit(text)) {
                outlet.send(error(Problem.of(413, "PAYLOAD_TOO_LARGE", "A message may be at most " + context.maxBodyBytes()
                        + " bytes (BATON_MAX_BODY_BYTES); only draft:save may be larger."), ref[0]));
                closeQuietly(1009, "message larger than " + context.maxBodyBytes() + " bytes");
                return;
            }
            if (charge(RequestBudget.ofEvent(message.event()))) {
                dispatch(message);
            }
        });
    }

    private boolean exceedsBodyLimit(String text) {
        int max = context.maxBodyBytes();
        return text.length() > max || (text.length() * 3L > max && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max);
    }

    private void dispatch(Envelope message) {
        if (message.event().equals("auth")) {
            authenticate(message.data().path("token").asText(null), message.data().path("sessionId").asText(null), message.ref());
            return;
        }
        if (session == null) {
            outlet.send(error(Problem.of(401, "UNAUTHENTICATED", "Authenticate first: send {event:'auth', data:{token}}."), message.ref()));
            closeQuietly(1008, "not authenticated");
            return;
        }
        if (!identity.expiresAt().isAfter(context.clock().instant())) {
            outlet.send(error(Problem.of(401, "UNAUTHENTICATED", "The token has expired; send a fresh {event:'auth'}."), message.ref()));
            closeQuietly(1008, "token expired");
            return;
        }
        context.handler().onMessage(session, message);
    }

    /** Charges an ordinary message to the budget, then runs {@code action}, answering any refusal as an {@code error} event. */
    void guard(String[] ref, Runnable action) {
        answerRefusals(ref, () -> {
            if (charge(RequestBudget.Kind.ORDINARY)) {
                action.run();
            }
        });
    }

    /**
     * Takes one message from the user's budget (the connection's before it authenticates). A refusal is thrown as
     * {@code RATE_LIMITED}; past {@value #MAX_RATE_STRIKES} refusals the connection is closed (1008) and this returns false.
     */
    private boolean charge(RequestBudget.Kind kind) {
        Identity who = identity;
        RateLimiter.Verdict verdict = who == null ? context.budget().chargeConnection(connectionId) : context.budget().charge(who.userId(), kind);
        if (verdict.allowed()) {
            return true;
        }
        if (++rateStrikes > MAX_RATE_STRIKES) {
            closeQuietly(1008, "rate limit exceeded");
            return false;
        }
        throw new ApiException(Problem.of(429, "RATE_LIMITED", "Too many messages; slow down.")
                .with("retryAfterSeconds", Math.max(1, (verdict.retryAfter().toMillis() + 999) / 1000)));
    }

    /** Runs {@code action}, answering any refusal as an {@code error} event carrying {@code ref[0]} (filled in once the message is parsed). */
    private void answerRefusals(String[] ref, Runnable action) {
        try {
            action.run();
        } catch (Envelope.RefusedMessage e) {
            outlet.send(error(e.refusal().problem(), e.ref()));
        } catch (ApiException e) {
            outlet.send(error(e.problem(), ref[0]));
        } catch (org.baton.core.store.StoreUnavailableException e) {
            LOG.warn("store unavailable for a websocket message: {}", e.getMessage());
            outlet.send(error(org.baton.server.http.ProblemResponder.storeUnavailable(e)
                    .with("retryAfterSeconds", org.baton.server.http.ProblemResponder.STORE_RETRY_AFTER_SECONDS), ref[0]));
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.error("unexpected failure handling a websocket message incident={}", incident, e);
            outlet.send(error(Problem.of(500, "INTERNAL", "Something went wrong on the server (incident " + incident + ")."), ref[0]));
        }
    }

    /**
     * Closes this connection for breaking a rule: from now on what it receives is dropped unread, and the close frame
     * follows the messages queued for the client once the client has gone quiet ({@link QuietClose}), so the client
     * sees {@code code} and {@code reason} instead of a reset.
     */
    synchronized void closeQuietly(int code, String reason) {
        if (closing == null && !ended) {
            closing = QuietClose.start(outlet, code, reason, context.scheduler(), System::nanoTime);
        }
    }

    /** The connection closed: the session (if this was still its connection) enters its disconnect grace. */
    void closed() {
        QuietClose close = closing;
        if (close != null) {
            close.cancel();
        }
        java.util.concurrent.Future<?> deadline = authDeadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
        synchronized (this) {
            ended = true;
            if (slotHolder != null) {
                context.quota().close(slotHolder);
                slotHolder = null;
            }
        }
        ClientSession current = session;
        if (current != null && context.sessions().disconnect(current, outlet)) {
            context.handler().onDisconnected(current);
        }
    }

    /** The refusal of one connection too many. */
    static Problem tooManyConnections(int max) {
        return Problem.of(429, "TOO_MANY_CONNECTIONS", "You have " + max + " connections open already (BATON_MAX_CONNECTIONS_PER_USER);"
                + " close a tab or another connection first.");
    }

    Identity verify(String token) {
        if (token == null || token.isBlank()) {
            context.audit().authenticationFailed(origin, "MISSING", "WebSocket");
            throw ApiException.of(401, "UNAUTHENTICATED", "A token is required.");
        }
        try {
            return context.verifier().verify(token);
        } catch (AuthenticationException e) {
            if (e.reason() == AuthenticationException.Reason.KEYS_UNAVAILABLE) {
                throw ApiException.of(503, "KEYS_UNAVAILABLE", e.getMessage());
            }
            context.audit().authenticationFailed(origin, e.reason().name(), "WebSocket");
            throw ApiException.of(401, "UNAUTHENTICATED", e.getMessage());
        }
    }

    private static Map<String, Object> ready(ClientSession session, Identity identity) {
        var data = new LinkedHashMap<String, Object>();
        data.put("sessionId", session.id());
        data.put("userId", identity.userId());
        data.put("name", identity.name());
        data.put("roles", identity.roles());
        data.put("tokenExpiresAt", identity.expiresAt());
        return data;
    }

    static Outbound error(Problem problem, String ref) {
        var data = new LinkedHashMap<String, Object>();
        data.put("code", problem.code());
        data.put("message", problem.detail());
        data.put("status", problem.status());
        if (problem.extensions() != null) {
            data.putAll(problem.extensions());
        }
        if (ref != null) {
            data.put("ref", ref);
        }
        return new Outbound("error", data, ref);
    }
}
