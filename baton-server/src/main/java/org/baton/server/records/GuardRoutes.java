package org.baton.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.baton.core.LeaseVerdict;
import org.baton.core.LockCoordinator;
import org.baton.core.ResourceId;
import org.baton.server.audit.RequestAudit;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;
import org.baton.server.http.Problem;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;
import org.baton.server.locks.Requests;
import org.baton.server.locks.Wire;

/**
 * {@code POST /api/guard/verify}: for applications that keep records in their own database. Their save handler asks,
 * just before its {@code UPDATE … WHERE id = ? AND version = ?}, whether the caller's lease and fencing token are
 * still the live ones; 200 means yes (with the token to store beside the row), 423 means refuse the write (and is
 * audited as {@code GUARD_REFUSED}).
 */
public final class GuardRoutes implements RouteGroup {
    private final LockCoordinator locks;
    private final RequestAudit audit;

    public GuardRoutes(LockCoordinator locks, RequestAudit audit) {
        this.locks = locks;
        this.audit = audit;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/guard/verify", ctx -> {
            JsonNode body = Json.readTree(ctx.body());
            ResourceId resource = Requests.resourceId(body);
            String leaseId = Requests.requiredText(body, "leaseId");
            Long fence = Requests.wholeNumber(body, "fencingToken", 0);
            String userId = body.hasNonNull("userId") ? Requests.requiredText(body, "userId") : RequestAuth.identity(ctx).userId();
            LeaseVerdict verdict = locks.verifyLease(locks.read(resource), leaseId, userId, fence);
            if (!verdict.isValid()) {
                audit.guardRefused(RequestAuth.identity(ctx), RequestAuth.origin(ctx), resource.toString(), verdict.refusal().name(), userId);
                throw new ApiException(Problem.of(423, verdict.refusal().name(), "This lease may not write " + resource + " now: "
                        + verdict.refusal().message()).with("resourceId", resource.toString()));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("valid", true);
            out.put("resourceId", resource.toString());
            out.put("fencingToken", verdict.lease().fencingToken());
            out.put("holder", Wire.person(verdict.lease().holder()));
            out.put("expiresAt", verdict.lease().expiresAt());
            ctx.json(out);
        });
    }
}
