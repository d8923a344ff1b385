package org.baton.server.audit;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.baton.core.audit.AuditChain;
import org.baton.core.audit.AuditEntry;
import org.baton.core.audit.AuditQuery;
import org.baton.core.audit.AuditTrail;
import org.baton.server.http.ApiException;
import org.baton.server.http.RouteGroup;

/**
 * Admin-only audit endpoints: {@code GET /api/admin/audit} (filters {@code resourceId}, {@code userId},
 * {@code action}, {@code from}, {@code to}, {@code offset}, {@code limit}; {@code format=json|csv|fhir}) and
 * {@code GET /api/admin/audit/verify} (walks the hash chain, and records the result as {@code AUDIT_VERIFIED}).
 */
public final class AuditRoutes implements RouteGroup {
    private final AuditTrail trail;
    private final RequestAudit audit;

    public AuditRoutes(AuditTrail trail, RequestAudit audit) {
        this.trail = trail;
        this.audit = audit;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/admin/audit", this::search);
        routes.get("/api/admin/audit/verify", ctx -> {
            AuditChain.Report report = trail.verify();
            audit.auditVerified(org.baton.server.http.RequestAuth.identity(ctx), org.baton.server.http.RequestAuth.origin(ctx), report);
            ctx.status(report.intact() ? 200 : 409).json(report);
        });
    }

    private void search(Context ctx) {
        String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
        int limit = number(ctx, "limit", format.equals("json") ? 100 : 10_000, 1, 10_000);
        AuditQuery query = new AuditQuery(text(ctx, "resourceId"), text(ctx, "userId"), text(ctx, "action"), instant(ctx, "from"),
                instant(ctx, "to"), number(ctx, "offset", 0, 0, Integer.MAX_VALUE), limit);
        List<AuditEntry> entries = trail.search(query);
        switch (format) {
            case "json" -> ctx.json(Map.of("entries", AuditExport.json(entries), "offset", query.offset(), "limit", query.limit()));
            case "csv" -> {
                ctx.contentType("text/csv; charset=utf-8");
                ctx.header("Content-Disposition", "attachment; filename=\"baton-audit.csv\"");
                ctx.result(AuditExport.csv(entries));
            }
            case "fhir" -> {
                ctx.contentType("application/fhir+json; charset=utf-8");
                ctx.result(org.baton.server.http.Json.write(AuditExport.fhir(entries)));
            }
            default -> throw ApiException.badRequest("INVALID_FIELD", "'format' must be json, csv or fhir.");
        }
    }

    private static String text(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value != null && value.length() > 300) {
            throw ApiException.badRequest("INVALID_FIELD", "'" + name + "' is too long.");
        }
        return value == null || value.isBlank() ? null : value;
    }

    private static Instant instant(Context ctx, String name) {
        String value = text(ctx, name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("INVALID_FIELD", "'" + name + "' must be an ISO-8601 instant like 2026-01-13T09:00:00Z.");
        }
    }

    private static int number(Context ctx, String name, int fallback, int min, int max) {
        String value = text(ctx, name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("INVALID_FIELD", "'" + name + "' must be a whole number from " + min + " to " + max + ".");
        }
    }
}
