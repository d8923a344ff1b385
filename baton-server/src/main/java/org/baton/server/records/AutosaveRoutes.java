package org.baton.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import java.util.Map;
import org.baton.core.record.Draft;
import org.baton.server.http.Json;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;
import org.baton.server.locks.Requests;

/** {@code /api/autosave/*}: save, restore, delete a draft, and list the caller's drafts. */
public final class AutosaveRoutes implements RouteGroup {
    private final Drafts drafts;

    public AutosaveRoutes(Drafts drafts) {
        this.drafts = drafts;
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
        routes.get("/api/autosave/mine", ctx -> ctx.json(Map.of("drafts",
                drafts.store().ofUser(RequestAuth.identity(ctx).userId()).stream().map(d -> Map.of(
                        "resourceId", d.resourceId().toString(), "savedAt", d.savedAt(),
                        "baseVersion", d.baseVersion() == null ? -1 : d.baseVersion())).toList())));
    }
}
