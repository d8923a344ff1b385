package org.baton.server.locks;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.baton.core.Actor;
import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.LockState;
import org.baton.core.Outcome;
import org.baton.core.ResourceId;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;
import org.baton.server.http.RouteGroup;

/**
 * The lock endpoints of PROTOCOL.md (and the few Baton adds), for clients without a WebSocket: each handler reads
 * the request, runs one command through the {@link LockGateway}, and answers. REST clients follow a queue by
 * polling {@code check}; a REST viewer ({@code view}) stays in presence while it keeps polling.
 */
public final class LockRoutes implements RouteGroup {
    private final LockGateway gateway;

    public LockRoutes(LockGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/locks/acquire", ctx -> command(ctx, (actor, body) ->
                new Command.Acquire(actor, Requests.flag(body, "queue", false) ? Command.IfHeld.QUEUE : Command.IfHeld.DENY)));
        routes.post("/api/locks/release", ctx -> command(ctx, (actor, body) ->
                new Command.Release(actor, Requests.requiredText(body, "leaseId"), Requests.text(body, "note"))));
        routes.post("/api/locks/extend", ctx -> command(ctx, (actor, body) ->
                new Command.Extend(actor, Requests.requiredText(body, "leaseId"), Requests.flag(body, "active", false))));
        routes.post("/api/locks/claim", ctx -> command(ctx, (actor, body) -> new Command.Claim(actor)));
        routes.post("/api/locks/move-here", ctx -> command(ctx, (actor, body) -> new Command.MoveToSession(actor)));
        routes.post("/api/locks/force-release", ctx -> command(ctx, (actor, body) -> Requests.flag(body, "emergency", false)
                ? new Command.EmergencyTakeover(actor, Requests.text(body, "reason"))
                : new Command.RequestTakeover(actor, Requests.text(body, "reason"))));
        routes.post("/api/locks/takeover-answer", ctx -> command(ctx, (actor, body) ->
                new Command.AnswerTakeover(actor, Requests.flag(body, "approve", false), Requests.text(body, "note"))));
        routes.post("/api/locks/leave-note", ctx -> command(ctx, (actor, body) ->
                new Command.LeaveNote(actor, Requests.requiredText(body, "leaseId"), Requests.text(body, "note"))));
        routes.post("/api/locks/ask-holder", ctx -> command(ctx, (actor, body) ->
                new Command.AskHolder(actor, UUID.randomUUID().toString(), Requests.text(body, "message"))));
        routes.post("/api/locks/answer-request", ctx -> command(ctx, (actor, body) ->
                new Command.AnswerAsk(actor, Requests.requiredText(body, "requestId"), Requests.flag(body, "approve", false),
                        Requests.text(body, "note"))));
        routes.post("/api/locks/queue/join", ctx -> command(ctx, (actor, body) -> new Command.JoinQueue(actor)));
        routes.delete("/api/locks/queue/leave", ctx -> command(ctx, (actor, body) -> new Command.LeaveQueue(actor)));
        routes.post("/api/locks/view", ctx -> command(ctx, (actor, body) -> new Command.View(actor)));
        routes.post("/api/locks/leave", ctx -> command(ctx, (actor, body) -> new Command.Leave(actor)));
        routes.get("/api/locks/check/{type}/{id}", this::check);
        routes.get("/api/locks/queue/{type}/{id}", ctx -> {
            ResourceId id = Requests.resourceId(ctx);
            LockState state = look(id, Requests.actor(ctx)).state();
            ctx.json(Map.of("resourceId", id.toString(), "entries", Wire.queue(state)));
        });
        routes.post("/api/admin/locks/force-release", ctx -> command(ctx, (actor, body) ->
                new Command.ForceRelease(actor, Requests.text(body, "reason"))));
        routes.get("/api/admin/locks", ctx -> {
            List<Map<String, Object>> locks = gateway.coordinator().active().stream().map(s -> adminView(gateway.tick(s.resourceId()).state()))
                    .filter(m -> m != null).toList();
            ctx.json(Map.of("locks", locks));
        });
    }

    /** A command built from the caller and the JSON body. */
    @FunctionalInterface
    interface CommandBuilder {
        Command build(Actor actor, JsonNode body);
    }

    private void command(Context ctx, CommandBuilder builder) {
        JsonNode body = Json.readTree(ctx.body());
        if (!body.isObject()) {
            throw ApiException.badRequest("INVALID_JSON", "The request body must be a JSON object.");
        }
        ResourceId id = Requests.resourceId(body);
        Actor actor = Requests.actor(ctx);
        LockCoordinator.Decision decision = gateway.run(id, builder.build(actor, body), actor.sessionId());
        Answers.Rest answer = Answers.rest(id, decision.outcome(), decision.version());
        ctx.status(answer.status()).json(answer.body());
    }

    /** A REST client looks at a resource: the state now, and its viewing (if it views by polling) renewed. */
    private LockCoordinator.Decision look(ResourceId id, Actor actor) {
        LockCoordinator.Decision decision = gateway.run(id, new Command.Poll(actor), actor.sessionId());
        if (decision.outcome() instanceof Outcome.Denied denied) {
            throw new ApiException(Wire.refusal(denied.code(), denied.holder()));
        }
        return decision;
    }

    private void check(Context ctx) {
        ResourceId id = Requests.resourceId(ctx);
        Actor actor = Requests.actor(ctx);
        LockCoordinator.Decision now = look(id, actor);
        LockState state = now.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resourceId", id.toString());
        body.put("version", now.version());
        body.put("locked", state.holder() != null);
        if (state.holder() != null) {
            body.put("holder", Wire.holder(state.holder()));
            if (state.holder().holder().sameSession(actor)) {
                body.put("lease", Wire.lease(state.holder()));
            }
        }
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("length", state.queue().size());
        queue.put("position", state.positionOf(actor));
        if (state.positionOf(actor) > 0) {
            queue.put("estimatedWaitSeconds", Wire.seconds(state.estimatedWait(state.positionOf(actor))));
        }
        if (state.offer() != null && state.offer().actor().sameSession(actor)) {
            queue.put("yourTurn", true);
            queue.put("claimBy", state.offer().claimBy());
        }
        body.put("queue", queue);
        body.put("viewers", state.viewers().size());
        body.put("presence", Wire.presence(state.presence()));
        ctx.json(body);
    }

    private static Map<String, Object> adminView(LockState state) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("resourceId", state.resourceId().toString());
        if (state.holder() != null) {
            view.put("holder", Wire.holder(state.holder()));
            view.put("fencingToken", state.holder().fencingToken());
        }
        view.put("queue", Wire.queue(state));
        view.put("viewers", state.viewers().size());
        if (state.takeover() != null) {
            view.put("takeoverPending", Map.of("from", Wire.person(state.takeover().from()), "reason", state.takeover().reason(),
                    "autoForceAt", state.takeover().autoForceAt()));
        }
        return view;
    }
}
