package org.baton.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;
import org.baton.server.auth.AuthenticationException;
import org.baton.server.auth.Identity;
import org.baton.server.auth.TokenVerifier;
import org.baton.server.limits.RateLimiter;
import org.baton.server.limits.RequestBudget;
import org.baton.server.audit.RequestAudit;
import org.baton.server.session.ClientOrigin;
import org.baton.server.session.ClientSession;
import org.baton.server.session.SessionRegistry;

/**
 * Authenticates every {@code /api/*} request before its handler runs: a valid bearer token (or, for the
 * page-unload release beacon, which cannot set headers, a {@code token} member of its body), the user's request budget
 * (429 with {@code Retry-After}; shared with the user's WebSocket messages, and never spent by letting go, see
 * {@link RequestBudget}), and the session the request acts as ({@code X-Session-Id}, echoed back).
 *
 * <p>Handlers read the result with {@link #identity(Context)}, {@link #session(Context)} and {@link #origin(Context)}
 * (the caller's address and user agent, also kept with the session for the audit trail of its lock events); they
 * never see an unauthenticated request. Every refused token is counted in the audit trail ({@link RequestAudit}).
 */
public final class RequestAuth implements RouteGroup {
    public static final String IDENTITY = "baton.identity";
    public static final String SESSION = "baton.session";
    public static final String ORIGIN = "baton.origin";
    public static final String SESSION_HEADER = "X-Session-Id";
    private static final String BEACON_PATH = "/api/locks/release";

    private final TokenVerifier verifier;
    private final SessionRegistry sessions;
    private final RequestBudget budget;
    private final Set<String> openPrefixes;
    private final RequestAudit audit;

    public RequestAuth(TokenVerifier verifier, SessionRegistry sessions, RequestBudget budget, Set<String> openPrefixes, RequestAudit audit) {
        this.audit = audit;
        this.verifier = verifier;
        this.sessions = sessions;
        this.budget = budget;
        this.openPrefixes = openPrefixes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before("/api/*", this::authenticate);
    }

    private void authenticate(Context ctx) {
        if (openPrefixes.stream().anyMatch(ctx.path()::startsWith)) {
            return;
        }
        ClientOrigin origin = ClientOrigin.of(ctx.ip(), ctx.header("User-Agent"));
        ctx.attribute(ORIGIN, origin);
        Identity identity;
        try {
            identity = verify(bearer(ctx));
        } catch (RefusedToken refused) {
            audit.authenticationFailed(origin, refused.reason, ctx.method().name() + " " + abbreviate(ctx.path()));
            throw refused.answer;
        }
        RateLimiter.Verdict verdict = budget.charge(identity.userId(), RequestBudget.ofRequest(ctx.method().name(), ctx.path()));
        if (!verdict.allowed()) {
            long seconds = Math.max(1, (verdict.retryAfter().toMillis() + 999) / 1000);
            throw new ApiException(Problem.of(429, "RATE_LIMITED", "Too many requests; retry in " + seconds + " s."), seconds);
        }
        String sessionId = ctx.header(SESSION_HEADER);
        if (sessionId == null && isBeacon(ctx)) {
            sessionId = Json.readTree(ctx.body()).path("sessionId").asText(null);
        }
        ClientSession session = sessions.forRequest(identity, sessionId);
        ctx.attribute(IDENTITY, identity);
        session.seenFrom(origin);
        ctx.attribute(SESSION, session);
        ctx.header(SESSION_HEADER, session.id());
    }

    private String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null) {
            if (header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) {
                return header.substring(7).trim();
            }
            throw new RefusedToken("MALFORMED", ApiException.of(401, "UNAUTHENTICATED", "The Authorization header must be 'Bearer <token>'."));
        }
        if (isBeacon(ctx)) {
            String token = Json.readTree(ctx.body()).path("token").asText(null);
            if (token != null) {
                return token;
            }
        }
        throw new RefusedToken("MISSING", ApiException.of(401, "UNAUTHENTICATED", "A bearer token is required."));
    }

    /** A token refused for {@code reason} (for the audit trail), answered with {@code answer}. */
    private static final class RefusedToken extends RuntimeException {
        final String reason;
        final ApiException answer;

        RefusedToken(String reason, ApiException answer) {
            super(reason, null, false, false);
            this.reason = reason;
            this.answer = answer;
        }
    }

    private static String abbreviate(String path) {
        return path.length() > 120 ? path.substring(0, 120) + "…" : path;
    }

    /** The page-unload release: a beacon cannot set headers, so its token and session id travel in the body. */
    private static boolean isBeacon(Context ctx) {
        return ctx.path().equals(BEACON_PATH) && "POST".equals(ctx.method().name()) && ctx.header("Authorization") == null;
    }

    private Identity verify(String token) {
        try {
            return verifier.verify(token);
        } catch (AuthenticationException e) {
            if (e.reason() == AuthenticationException.Reason.KEYS_UNAVAILABLE) {
                throw new ApiException(Problem.of(503, "KEYS_UNAVAILABLE", e.getMessage()), 5);
            }
            throw new RefusedToken(e.reason().name(), ApiException.of(401, "UNAUTHENTICATED", e.getMessage()));
        }
    }

    public static Identity identity(Context ctx) {
        Identity identity = ctx.attribute(IDENTITY);
        if (identity == null) {
            throw ApiException.of(401, "UNAUTHENTICATED", "A bearer token is required.");
        }
        return identity;
    }

    /** Where the request came from. */
    public static ClientOrigin origin(Context ctx) {
        ClientOrigin origin = ctx.attribute(ORIGIN);
        return origin == null ? ClientOrigin.UNKNOWN : origin;
    }

    public static ClientSession session(Context ctx) {
        ClientSession session = ctx.attribute(SESSION);
        if (session == null) {
            throw ApiException.of(401, "UNAUTHENTICATED", "A bearer token is required.");
        }
        return session;
    }

    /** Refuses callers without one of {@code roles} with 403 {@code FORBIDDEN_ROLE}. */
    public static Identity requireRole(Context ctx, Set<String> roles, String what) {
        Identity identity = identity(ctx);
        if (identity.roles().stream().noneMatch(roles::contains)) {
            throw ApiException.of(403, "FORBIDDEN_ROLE", what + " needs one of the roles " + String.join(", ", roles) + ".");
        }
        return identity;
    }
}
