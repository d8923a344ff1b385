package org.baton.server.locks;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.baton.core.Actor;
import org.baton.core.LockEvent;
import org.baton.core.ResourceId;
import org.baton.server.session.ClientSession;
import org.baton.server.session.Outbound;
import org.baton.server.session.SessionRegistry;

/**
 * Turns core {@link LockEvent}s into the server → client events of PROTOCOL.md and delivers them: resource-wide
 * events to every session joined to the resource, personal ones to the session they concern. Every event also goes
 * to the listeners (audit trail, notifications, metrics), in order.
 *
 * <p>The caller of a command already gets a direct answer carrying its {@code ref}; the copy of the same news meant
 * for the caller's own session ({@code lock:acquired} of its own lease, {@code lock:queued} of its own place) is not
 * sent twice.
 */
public final class EventFanOut {
    /** Whether a user has a draft of a resource on the server now, for messages that mention it. */
    @FunctionalInterface
    public interface DraftFacts {
        /** The draft's save time and age, or empty when the user has none (within the retention). */
        Optional<KeptDraft> of(String userId, ResourceId resource);
    }

    /** A draft that exists: when it was saved, and how long ago. */
    public record KeptDraft(Instant savedAt, Duration age) {
    }

    private final SessionRegistry sessions;
    private final DraftFacts drafts;
    private final java.util.List<Consumer<java.util.List<LockEvent>>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public EventFanOut(SessionRegistry sessions, DraftFacts drafts) {
        this.sessions = sessions;
        this.drafts = drafts;
    }

    /** Receives every decision's events, in order, before they are pushed to clients. */
    public void addListener(Consumer<java.util.List<LockEvent>> listener) {
        listeners.add(listener);
    }

    /** Delivers {@code events}; {@code callerSessionId} (may be null) already has the direct answer. */
    public void publish(java.util.List<LockEvent> events, String callerSessionId) {
        if (!events.isEmpty()) {
            listeners.forEach(l -> l.accept(events));
        }
        for (LockEvent event : events) {
            Outbound wire = toWire(event);
            if (wire == null) {
                continue;
            }
            Outbound message = event instanceof LockEvent.TakenOver takenOver ? withDraftFacts(wire, takenOver) : wire;
            String rid = event.resourceId().toString();
            Outbound[] variants = new Outbound[2]; // the holder's and everyone else's form of a grant, each built once
            if (event.resourceWide()) {
                for (ClientSession s : sessions.joinedTo(rid)) {
                    if (!isAnswered(event, s.id(), callerSessionId)) {
                        s.deliver(forSession(event, message, s.id(), variants));
                    }
                }
            }
            for (String sessionId : personalTargets(event)) {
                if (event.resourceWide() && sessions.find(sessionId).map(s -> s.joinedResources().contains(rid)).orElse(false)) {
                    continue;
                }
                if (!isAnswered(event, sessionId, callerSessionId)) {
                    sessions.find(sessionId).ifPresent(s -> s.deliver(forSession(event, message, sessionId, variants)));
                }
            }
        }
    }

    /**
     * A grant is news for everyone joined, but the lease id is the holder's secret: other sessions get the lease
     * without it, and {@code yours} tells each session whether the lease is its own.
     */
    private static Outbound forSession(LockEvent event, Outbound message, String sessionId, Outbound[] variants) {
        if (!(event instanceof LockEvent.Acquired acquired) || !(message.data() instanceof Map<?, ?> data)) {
            return message;
        }
        boolean yours = acquired.lease().holder().sessionId().equals(sessionId);
        int slot = yours ? 0 : 1;
        if (variants[slot] == null) {
            variants[slot] = variant(acquired, message, data, yours);
        }
        return variants[slot];
    }

    private static Outbound variant(LockEvent.Acquired acquired, Outbound message, Map<?, ?> data, boolean yours) {
        Map<String, Object> copy = new LinkedHashMap<>();
        data.forEach((k, v) -> copy.put(String.valueOf(k), v));
        copy.put("yours", yours);
        if (!yours) {
            Map<String, Object> lease = new LinkedHashMap<>(Wire.lease(acquired.lease()));
            lease.remove("leaseId");
            copy.put("lease", lease);
        }
        return new Outbound(message.event(), copy, message.ref());
    }

    /**
     * {@code lock:taken_by_admin} says what is true at that moment: whether the displaced editor has a draft on the
     * server, when it was saved and how old it is (their page then sends whatever it has not sent yet).
     */
    private Outbound withDraftFacts(Outbound message, LockEvent.TakenOver event) {
        Map<String, Object> data = new LinkedHashMap<>();
        ((Map<?, ?>) message.data()).forEach((k, v) -> data.put(String.valueOf(k), v));
        Optional<KeptDraft> kept = drafts.of(event.displaced().holder().userId(), event.resourceId());
        data.put("draftKept", kept.isPresent());
        kept.ifPresentOrElse(draft -> {
            data.put("draftSavedAt", draft.savedAt());
            data.put("draftAgeSeconds", Wire.seconds(draft.age()));
        }, () -> data.remove("draftUrl"));
        return new Outbound(message.event(), data, message.ref());
    }

    private static boolean isAnswered(LockEvent event, String sessionId, String callerSessionId) {
        if (callerSessionId == null || !callerSessionId.equals(sessionId)) {
            return false;
        }
        return switch (event) {
            case LockEvent.Acquired a -> a.lease().holder().sessionId().equals(callerSessionId) && a.via() == LockEvent.Via.DIRECT;
            case LockEvent.Queued q -> true;
            default -> false;
        };
    }

    private static Set<String> personalTargets(LockEvent event) {
        return switch (event) {
            case LockEvent.Acquired e -> Set.of(e.lease().holder().sessionId());
            case LockEvent.Released e -> Set.of(e.lease().holder().sessionId());
            case LockEvent.Expiring e -> Set.of(e.lease().holder().sessionId());
            case LockEvent.Queued e -> Set.of(e.actor().sessionId());
            case LockEvent.LeftQueue e -> Set.of(e.actor().sessionId());
            case LockEvent.YourTurn e -> Set.of(e.actor().sessionId());
            case LockEvent.TurnPassed e -> Set.of(e.actor().sessionId());
            case LockEvent.AskReceived e -> Set.of(e.holder().sessionId());
            case LockEvent.AskAnswered e -> Set.of(e.ask().from().sessionId());
            case LockEvent.TakeoverRequested e -> Set.of(e.holder().sessionId());
            case LockEvent.TakeoverDenied e -> Set.of(e.from().sessionId());
            case LockEvent.TakenOver e -> Set.of(e.displaced().holder().sessionId());
            case LockEvent.NoteLeft e -> Set.of(e.holder().sessionId());
            default -> Set.of();
        };
    }

    /** The PROTOCOL.md message for an event, or null for events that are not pushed (audit-only). */
    static Outbound toWire(LockEvent event) {
        String rid = event.resourceId().toString();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", rid);
        String name = switch (event) {
            case LockEvent.Acquired e -> {
                data.put("lease", Wire.lease(e.lease()));
                data.put("via", e.via().name());
                if (e.handoverNote() != null) {
                    data.put("handoverNote", e.handoverNote());
                }
                yield "lock:acquired";
            }
            case LockEvent.Released e -> {
                data.put("reason", e.cause().name());
                data.put("holder", Wire.person(e.lease().holder()));
                data.put("fencingToken", e.lease().fencingToken());
                putIfPresent(data, "note", e.note());
                if (e.by() != null) {
                    data.put("by", Wire.person(e.by()));
                }
                putIfPresent(data, "byReason", e.reason());
                yield "lock:released";
            }
            case LockEvent.Expiring e -> {
                data.put("idleExpiresAt", e.lease().idleExpiresAt());
                yield "lock:expiring";
            }
            case LockEvent.Queued e -> {
                data.put("position", e.position());
                data.put("estimatedWaitSeconds", Wire.seconds(e.estimatedWait()));
                yield "lock:queued";
            }
            case LockEvent.LeftQueue e -> "queue:left";
            case LockEvent.YourTurn e -> {
                data.put("claimBy", e.claimBy());
                yield "lock:your_turn";
            }
            case LockEvent.TurnPassed e -> "lock:turn_missed";
            case LockEvent.HolderDisconnected e -> {
                data.put("holder", Wire.person(e.lease().holder()));
                data.put("graceEndsAt", e.graceEndsAt());
                yield "lock:holder_disconnected";
            }
            case LockEvent.HolderResumed e -> {
                data.put("holder", Wire.person(e.lease().holder()));
                yield "lock:holder_resumed";
            }
            case LockEvent.AskReceived e -> {
                data.put("requestId", e.ask().requestId());
                data.put("from", Wire.person(e.ask().from()));
                data.put("message", e.ask().message());
                data.put("expiresAt", e.ask().expiresAt());
                yield "lock:request_received";
            }
            case LockEvent.AskAnswered e -> {
                data.put("requestId", e.ask().requestId());
                data.put("approved", e.approved());
                data.put("timedOut", e.timedOut());
                yield "lock:request_answered";
            }
            case LockEvent.TakeoverRequested e -> {
                data.put("from", Wire.person(e.from()));
                data.put("reason", e.reason());
                data.put("autoForceAt", e.autoForceAt());
                yield "lock:takeover_requested";
            }
            case LockEvent.TakeoverDenied e -> {
                data.put("holder", Wire.person(e.holder()));
                yield "lock:takeover_denied";
            }
            case LockEvent.TakenOver e -> {
                data.put("by", Wire.person(e.by()));
                data.put("reason", e.reason());
                data.put("emergency", e.emergency());
                ResourceId where = e.resourceId();
                data.put("draftUrl", "/api/autosave/restore/" + where.type() + "/" + where.id()
                        + (where.child().equals("main") ? "" : "?child=" + where.child()));
                yield "lock:taken_by_admin";
            }
            case LockEvent.PresenceChanged e -> {
                data.put("users", Wire.presence(e.users()));
                yield "presence:update";
            }
            case LockEvent.NoteLeft e -> {
                data.put("from", Wire.person(e.from()));
                data.put("note", e.note());
                yield "lock:note_left";
            }
            case LockEvent.AdminReleased e -> null;
            case LockEvent.Refused e -> null;
        };
        return name == null ? null : Outbound.event(name, data);
    }

    private static void putIfPresent(Map<String, Object> data, String key, Object value) {
        if (value != null) {
            data.put(key, value);
        }
    }

}
