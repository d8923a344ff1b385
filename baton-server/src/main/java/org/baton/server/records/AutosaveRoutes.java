package org.baton.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import java.util.Map;
import org.baton.core.ResourceId;
import org.baton.core.record.Draft;
import org.baton.server.audit.RequestAudit;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;
import org.baton.server.locks.Requests;

/**
 * {@code /api/autosave/*}: save, restore, delete a draft, list the caller's drafts, and report what the user did with a
 * draft the editor offered back ({@code recovery}: restored or discarded, audited, and counted as an autosave recovery
 * only when restored).
 */
public final class AutosaveRoutes implements RouteGroup {
    private final Drafts drafts;
    private final RequestAudit audit;
    private final Runnable onRestored;

    public AutosaveRoutes(Drafts drafts, RequestAudit audit, Runnable onRestored) {
        this.drafts = drafts;
        this.audit = audit;
        this.onRestored = onRestored;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/autosave/save", ctx -> {
            JsonNode body = Json.readTree(ctx.body());
            Draft draft = drafts.save(RequestAuth.identity(ctx), RequestAuth.session(ctx).id(), Requests.resourceId(body),
                    body.get("data"), Requests.wholeNumber(body, "baseVersion", 0));
            ctx.json(Map.of("resourceId", draft.resourceId().toString(), "savedAt", draft.savedAt()));
        });
        routes.get("/api/autosave/restore/{type}/{id}", ctx ->
                ctx.json(drafts.restore(RequestAuth.identity(ctx), Requests.resourceId(ctx))));
        routes.delete("/api/autosave/delete", ctx -> {
            JsonNode body = Json.readTree(ctx.body());
            ctx.json(Map.of("deleted", drafts.delete(RequestAuth.identity(ctx), Requests.resourceId(body))));
        });
        routes.post("/api/autosave/recovery", ctx -> {
            JsonNode body = Json.readTree(ctx.body());
            String outcome = Requests.requiredText(body, "outcome");
            String source = Requests.requiredText(body, "source");
            if (!outcome.equals("restored") && !outcome.equals("discarded")) {
                throw ApiException.badRequest("INVALID_FIELD", "'outcome' must be restored or discarded.");
            }
            if (!source.equals("device") && !source.equals("server")) {
                throw ApiException.badRequest("INVALID_FIELD", "'source' must be device or server.");
            }
            ResourceId resource = Requests.resourceId(body);
            boolean restored = outcome.equals("restored");
            audit.draftRecovery(RequestAuth.identity(ctx), RequestAuth.origin(ctx), resource.toString(), restored, source);
            if (restored) {
                onRestored.run();
            }
            ctx.json(Map.of("resourceId", resource.toString(), "outcome", outcome));
        });
        routes.get("/api/autosave/mine", ctx -> ctx.json(Map.of("drafts",
                drafts.store().ofUser(RequestAuth.identity(ctx).userId()).stream().map(d -> Map.of(
                        "resourceId", d.resourceId().toString(), "savedAt", d.savedAt(),
                        "baseVersion", d.baseVersion() == null ? -1 : d.baseVersion())).toList())));
    }
}
