package org.baton.server.admin;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;
import org.baton.server.audit.RequestAudit;
import org.baton.server.auth.Identity;
import org.baton.server.http.ApiException;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;

/**
 * The one gate of {@code /api/admin/*}: only callers with the {@code admin} role pass (403 {@code FORBIDDEN_ROLE}
 * otherwise), and both sides are audited: refusals as {@code ACCESS_DENIED}, successful reads of the audit trail as
 * {@code AUDIT_READ} or {@code AUDIT_EXPORTED} (csv or fhir), CSV exports of the statistics as
 * {@code ANALYTICS_EXPORTED}, and dashboard views (the statistics' JSON included) as {@code ADMIN_VIEWED} (see
 * {@link RequestAudit} for which are aggregated). A verification of the chain is audited with its result by the audit
 * routes themselves, broken or not. Admin actions (force-release) are audited
 * by the lock core like every other lock decision.
 */
public final class AdminAccess implements RouteGroup {
    private static final String PREFIX = "/api/admin/";
    private final RequestAudit audit;

    public AdminAccess(RequestAudit audit) {
        this.audit = audit;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before(PREFIX + "*", ctx -> {
            try {
                RequestAuth.requireRole(ctx, Set.of("admin"), "The admin endpoints");
            } catch (ApiException refused) {
                audit.accessDenied(RequestAuth.identity(ctx), RequestAuth.origin(ctx), ctx.method().name(), ctx.path());
                throw refused;
            }
        });
        routes.after(PREFIX + "*", ctx -> {
            if (!"GET".equals(ctx.method().name()) || ctx.status().getCode() >= 400 || ctx.attribute(RequestAuth.IDENTITY) == null) {
                return;
            }
            Identity who = RequestAuth.identity(ctx);
            if (ctx.path().equals(PREFIX + "audit/verify")) {
                return;
            }
            if (ctx.path().startsWith(PREFIX + "analytics/") && "csv".equals(ctx.queryParam("format"))) {
                audit.auditRead(who, RequestAuth.origin(ctx), "ANALYTICS_EXPORTED", ctx.path() + "?" + ctx.queryString());
            } else if (ctx.path().startsWith(PREFIX + "audit")) {
                audit.auditRead(who, RequestAuth.origin(ctx), auditAction(ctx), ctx.queryString());
            } else {
                audit.adminViewed(who, RequestAuth.origin(ctx), ctx.path());
            }
        });
    }

    private static String auditAction(Context ctx) {
        String format = ctx.queryParam("format");
        return format == null || format.equals("json") ? "AUDIT_READ" : "AUDIT_EXPORTED";
    }
}
