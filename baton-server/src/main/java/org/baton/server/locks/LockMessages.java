package org.baton.server.locks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.baton.core.Actor;
import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.LockState;
import org.baton.core.Outcome;
import org.baton.core.ResourceId;
import org.baton.server.http.ApiException;
import org.baton.server.session.ClientSession;
import org.baton.server.session.Outbound;
import org.baton.server.session.SessionRegistry;
import org.baton.server.ws.Envelope;
import org.baton.server.ws.MessageHandler;

/**
 * The WebSocket lock events of PROTOCOL.md ({@code resource:join}, {@code lock:request}, {@code lock:heartbeat}, ...),
 * each mapped to one core command run through the {@link LockGateway}; the caller gets a direct answer carrying its
 * {@code ref}, everyone else the fanned-out events. A dropped connection puts the session's leases into their
 * disconnect grace; a resumed session continues them.
 */
public final class LockMessages implements MessageHandler {
    private final LockGateway gateway;
    private final SessionRegistry sessions;
    private final LocksSwitch locksSwitch;

    public LockMessages(LockGateway gateway, SessionRegistry sessions, LocksSwitch locksSwitch) {
        this.gateway = gateway;
        this.sessions = sessions;
        this.locksSwitch = locksSwitch;
    }

    @Override
    public void onReady(SessionRegistry.Binding binding) {
        if (binding.resumed()) {
            ClientSession session = binding.session();
            Actor actor = Requests.actor(session.identity(), session);
            for (String resource : Set.copyOf(session.joinedResources())) {
                LockCoordinator.Decision resumed = gateway.run(ResourceId.parse(resource), new Command.Resume(actor), session.id());
                session.deliver(presence(resumed.state(), resumed.version(), null, session.takesPresenceDeltas()));
            }
        }
    }

    @Override
    public void onDisconnected(ClientSession session) {
        for (String resource : Set.copyOf(session.joinedResources())) {
            gateway.run(ResourceId.parse(resource), new Command.Disconnect(session.id()), null);
        }
    }

    @Override
    public void onMessage(ClientSession session, Envelope message) {
        locksSwitch.requireEnabled();
        JsonNode data = message.data();
        ResourceId id = Requests.resourceId(data);
        Actor actor = Requests.actor(session.identity(), session);
        String ref = message.ref();
        boolean joinedBefore = session.joinedResources().contains(id.toString());
        Command command = switch (message.event()) {
            case "resource:join" -> {
                String mode = data.path("mode").asText("viewer");
                if (!mode.equals("viewer") && !mode.equals("editor")) {
                    throw ApiException.badRequest("INVALID_FIELD", "'mode' must be viewer or editor.");
                }
                if (!joinedBefore) {
                    session.holdWhileJoining(id.toString()); // its news waits for the answer: a refused join hears none
                }
                try {
                    sessions.join(session, id.toString()); // before the command, so the session hears its own news
                } catch (RuntimeException e) {
                    session.joinDecided(id.toString(), false);
                    throw e;
                }
                yield mode.equals("editor") ? new Command.Acquire(actor, Command.IfHeld.POLICY) : new Command.View(actor);
            }
            case "resource:leave" -> {
                LockCoordinator.Decision left = gateway.run(id, new Command.Leave(actor), session.id());
                sessions.leave(session, id.toString());
                session.deliver(Answers.ws(id, left.outcome(), left.version(), ref));
                yield null;
            }
            case "lock:request" -> new Command.Acquire(actor, Command.IfHeld.POLICY);
            case "lock:release" -> new Command.Release(actor, leaseIdOf(id, data, actor), Requests.text(data, "note"));
            case "lock:heartbeat" -> new Command.Extend(actor, leaseIdOf(id, data, actor), Requests.flag(data, "active", false));
            case "queue:join" -> new Command.JoinQueue(actor);
            case "queue:leave" -> new Command.LeaveQueue(actor);
            case "lock:claim" -> new Command.Claim(actor);
            case "lock:move_here" -> new Command.MoveToSession(actor);
            case "lock:ask_holder" -> new Command.AskHolder(actor, UUID.randomUUID().toString(), Requests.text(data, "message"));
            case "lock:answer_request" -> new Command.AnswerAsk(actor, Requests.requiredText(data, "requestId"),
                    Requests.flag(data, "approve", false), Requests.text(data, "note"));
            case "lock:takeover" -> Requests.flag(data, "emergency", false)
                    ? new Command.EmergencyTakeover(actor, Requests.text(data, "reason"))
                    : new Command.RequestTakeover(actor, Requests.text(data, "reason"));
            case "lock:leave_note" -> new Command.LeaveNote(actor, Requests.requiredText(data, "leaseId"), Requests.text(data, "note"));
            case "lock:takeover_answer" -> new Command.AnswerTakeover(actor, Requests.flag(data, "approve", false), Requests.text(data, "note"));
            case "presence:get" -> {
                LockCoordinator.Decision now = gateway.tick(id);
                session.deliver(presence(now.state(), now.version(), ref, session.takesPresenceDeltas()));
                yield null;
            }
            default -> throw ApiException.badRequest("UNKNOWN_EVENT", "Unknown event '" + message.event() + "'.");
        };
        if (command == null) {
            return;
        }
        LockCoordinator.Decision decision;
        try {
            decision = gateway.run(id, command, session.id());
        } catch (RuntimeException e) {
            if (leaveIfNew(session, id, joinedBefore, message)) {
                session.joinDecided(id.toString(), false);
            }
            throw e;
        }
        if (decision.outcome() instanceof Outcome.Denied && leaveIfNew(session, id, joinedBefore, message)) {
            session.joinDecided(id.toString(), false);
            session.deliver(Answers.ws(id, decision.outcome(), decision.version(), ref)); // refused (VIEWER_LIMIT, unknown resource...): not joined
            return;
        }
        session.deliver(Answers.ws(id, decision.outcome(), decision.version(), ref));
        if (message.event().equals("resource:join")) {
            session.deliver(presence(decision.state(), decision.version(), null, session.takesPresenceDeltas()));
            session.joinDecided(id.toString(), true);
        }
    }

    /** A refused join leaves the session as it was: not joined, so it receives none of the resource's events. */
    private boolean leaveIfNew(ClientSession session, ResourceId id, boolean joinedBefore, Envelope message) {
        if (message.event().equals("resource:join") && !joinedBefore) {
            sessions.leave(session, id.toString());
            return true;
        }
        return false;
    }

    /** WebSocket clients may omit the lease id: the session's own lease on the resource is meant. */
    private String leaseIdOf(ResourceId id, JsonNode data, Actor actor) {
        String given = Requests.text(data, "leaseId");
        if (given != null) {
            return given;
        }
        LockState state = gateway.coordinator().read(id);
        return state.holder() != null && state.holder().holder().sameSession(actor) ? state.holder().leaseId() : "";
    }

    /**
     * {@code presence:update} of {@code state} at {@code version}: who is on the resource now; {@code keyed} for a
     * connection that asked for deltas (each entry carries the {@code key} deltas name it by).
     */
    static Outbound presence(LockState state, long version, String ref, boolean keyed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", state.resourceId().toString());
        data.put("version", version);
        data.put("users", Wire.presence(state.presence(), keyed));
        return new Outbound("presence:update", data, ref);
    }
}
