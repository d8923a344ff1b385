package org.baton.server.http;

import io.javalin.config.RoutesConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.baton.server.auth.DemoSignIn;

/**
 * Demo mode's development sign-in: {@code GET /api/dev/users} lists the demo users and
 * {@code POST /api/dev/token {userId}} issues a token for one of them. Registered only in demo mode, so with a real
 * secret or key configured these paths do not exist (404).
 */
public final class DevSignInRoutes implements RouteGroup {
    public static final String PREFIX = "/api/dev/";
    private static final Duration TOKEN_TTL = Duration.ofHours(8);
    private final DemoSignIn signIn;

    public DevSignInRoutes(DemoSignIn signIn) {
        this.signIn = signIn;
    }

    record TokenRequest(String userId) {
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/dev/users", ctx -> ctx.json(Map.of("users", signIn.users())));
        routes.post("/api/dev/token", ctx -> {
            TokenRequest request = Json.read(ctx.body(), TokenRequest.class);
            DemoSignIn.DemoUser user = signIn.user(request.userId()).orElseThrow(() ->
                    ApiException.badRequest("UNKNOWN_DEMO_USER", "No demo user '" + truncate(request.userId()) + "'; see GET /api/dev/users."));
            var body = new LinkedHashMap<String, Object>();
            body.put("token", signIn.issue(user, TOKEN_TTL));
            body.put("expiresInSeconds", TOKEN_TTL.toSeconds());
            body.put("user", user);
            ctx.json(body);
        });
    }

    private static String truncate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
