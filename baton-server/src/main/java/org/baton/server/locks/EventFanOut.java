package org.baton.server.locks;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.baton.core.LockCoordinator;
import org.baton.core.LockEvent;
import org.baton.core.PresenceEntry;
import org.baton.core.ResourceId;
import org.baton.core.bus.BusListener;
import org.baton.core.bus.BusMessage;
import org.baton.server.session.ClientSession;
import org.baton.server.session.DeliveryRound;
import org.baton.server.session.Outbound;
import org.baton.server.session.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what the event bus brings to the sessions connected to this instance. Every instance receives every
 * committed lock decision ({@link BusMessage.ResourceChanged}), in commit order, and turns its events into the
 * server → client events of PROTOCOL.md: resource-wide events to every local session joined to the resource,
 * personal ones to the local session they concern. Each carries the resource's {@code version}, so a client can
 * drop older news. {@link BusMessage.Push}es go to the local sessions of their user, role or session id; a
 * {@link BusMessage.Pushes} (a decision's news for its followers) in one round.
 *
 * <p>The caller of a command already got a direct answer carrying its {@code ref}; the copy of the same news meant
 * for the caller's own session ({@code lock:acquired} of its own lease, {@code lock:queued} of its own place) is not
 * sent twice. When versions jump (a message was missed) or the bus reconnects, the resource's state is re-read and
 * pushed as a fresh snapshot. Listeners (the admin feed, alerts) see every decision's events on every instance.
 *
 * <p>Presence goes out as the full list ({@code presence:update}) to sessions that did not ask for deltas, and as
 * {@code presence:delta} (what changed since {@code baseVersion}) to those that did, whenever this instance knows the
 * presence the delta starts from: it keeps the last presence it delivered per resource, and forgets it when it
 * missed a version (the fresh snapshot then starts a new base). Each message is built and framed once for all its
 * recipients.
 */
public final class EventFanOut implements BusListener {
    /** Whether a user has a draft of a resource on the server now, for messages that mention it. */
    @FunctionalInterface
    public interface DraftFacts {
        /** The draft's save time and age, or empty when the user has none (within the retention). */
        Optional<KeptDraft> of(String userId, ResourceId resource);
    }

    /** A draft that exists: when it was saved, and how long ago. */
    public record KeptDraft(Instant savedAt, Duration age) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(EventFanOut.class);
    private final SessionRegistry sessions;
    private final DraftFacts drafts;
    private final Function<ResourceId, LockCoordinator.Decision> snapshots;
    private final List<Consumer<List<LockEvent>>> listeners = new CopyOnWriteArrayList<>();
    /** The last version delivered per resource that local sessions watch, to notice a missed message. */
    private final Map<String, Long> delivered = new ConcurrentHashMap<>();
    /** The presence local sessions were last told per resource, and its version: the base of the next delta. */
    private final Map<String, Presence> told = new ConcurrentHashMap<>();

    private record Presence(long version, List<PresenceEntry> users) {
    }

    /**
     * @param snapshots reads (and settles) a resource's current state, for resyncs
     * @param drafts whether a displaced editor's draft is on the server, for {@code lock:taken_by_admin}
     */
    public EventFanOut(SessionRegistry sessions, Function<ResourceId, LockCoordinator.Decision> snapshots, DraftFacts drafts) {
        this.sessions = sessions;
        this.snapshots = snapshots;
        this.drafts = drafts;
    }

    /** Receives every decision's events, on every instance, in commit order, before they are pushed to clients. */
    public void addListener(Consumer<List<LockEvent>> listener) {
        listeners.add(listener);
    }

    @Override
    public void onMessage(BusMessage message) {
        // Every session's frames of this message leave in one write per connection (DeliveryRound).
        DeliveryRound.run(() -> {
            switch (message) {
                case BusMessage.ResourceChanged changed -> resourceChanged(changed);
                case BusMessage.Push push -> push(push);
                case BusMessage.Pushes pushes -> pushes.pushes().forEach(this::push);
                case BusMessage.SessionAttached attached -> sessions.movedAway(attached.sessionId(), attached.instanceId());
            }
        });
    }

    @Override
    public void onResync() {
        for (String resource : sessions.joinedResources()) {
            try {
                resync(ResourceId.parse(resource));
            } catch (RuntimeException e) {
                LOG.warn("could not resync {} after a bus reconnect", resource, e);
            }
        }
    }

    private void resourceChanged(BusMessage.ResourceChanged changed) {
        List<LockEvent> events = changed.events();
        if (!events.isEmpty()) {
            listeners.forEach(l -> l.accept(events));
        }
        String rid = changed.resourceId().toString();
        if (sessions.joinedTo(rid).isEmpty() && events.stream().allMatch(LockEvent::resourceWide)) {
            delivered.remove(rid);
            told.remove(rid);
            return;
        }
        Long last = delivered.get(rid);
        if (last != null && changed.version() <= last) {
            return; // already delivered (a snapshot overtook it)
        }
        delivered.put(rid, changed.version());
        if (last == null || changed.version() != last + 1) {
            told.remove(rid); // a version this instance did not see may have changed presence: no delta from here
        }
        publish(events, changed.version(), changed.callerSessionId());
        if (last != null && changed.version() > last + 1) {
            LOG.info("missed news of {} (version {} after {}); pushing a fresh snapshot", rid, changed.version(), last);
            resync(changed.resourceId());
        }
    }

    /** Re-reads {@code id} and pushes its presence, with its version, to every local session joined to it. */
    private void resync(ResourceId id) {
        LockCoordinator.Decision now = snapshots.apply(id);
        delivered.merge(id.toString(), now.version(), Math::max);
        told.merge(id.toString(), new Presence(now.version(), now.state().presence()), (a, b) -> a.version() >= b.version() ? a : b);
        Outbound plain = LockMessages.presence(now.state(), now.version(), null, false);
        Outbound keyed = LockMessages.presence(now.state(), now.version(), null, true);
        sessions.joinedTo(id.toString()).forEach(s -> s.deliverAbout(id.toString(), s.takesPresenceDeltas() ? keyed : plain));
    }

    private void push(BusMessage.Push push) {
        Outbound message = Outbound.preEncoded(push.event(), push.dataJson());
        switch (push.audience()) {
            case USER -> sessions.ofUser(push.to()).forEach(s -> s.deliver(message));
            case ROLE -> sessions.withRole(push.to()).forEach(s -> s.deliver(message));
            case SESSION -> sessions.find(push.to()).ifPresent(s -> s.deliver(message));
        }
    }

    /** Delivers {@code events} of {@code version} to local sessions; {@code callerSessionId} (may be null) already has the direct answer. */
    private void publish(List<LockEvent> events, long version, String callerSessionId) {
        for (LockEvent event : events) {
            Outbound wire = toWire(event, version);
            if (wire == null) {
                continue;
            }
            Outbound message = event instanceof LockEvent.TakenOver takenOver ? withDraftFacts(wire, takenOver) : wire;
            String rid = event.resourceId().toString();
            if (event instanceof LockEvent.PresenceChanged presence) {
                publishPresence(presence, message, version);
                continue;
            }
            Outbound[] variants = new Outbound[2]; // the holder's and everyone else's form of a grant, each built once
            if (event.resourceWide()) {
                for (ClientSession s : sessions.joinedTo(rid)) {
                    if (!isAnswered(event, s.id(), callerSessionId)) {
                        s.deliverAbout(rid, forSession(event, message, s.id(), variants));
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

    /** The full list to sessions that want it, the delta from the presence they were last told to those that asked for deltas. */
    private void publishPresence(LockEvent.PresenceChanged event, Outbound full, long version) {
        String rid = event.resourceId().toString();
        Presence base = told.put(rid, new Presence(version, event.users()));
        Outbound delta = null;
        Outbound keyedFull = null;
        boolean deltaBuilt = false;
        for (ClientSession s : sessions.joinedTo(rid)) {
            if (!s.takesPresenceDeltas()) {
                s.deliverAbout(rid, full);
                continue;
            }
            if (!deltaBuilt && base != null) {
                delta = PresenceDelta.between(rid, base.version(), base.users(), event.users(), version);
                deltaBuilt = true;
            }
            if (delta == null && keyedFull == null) {
                keyedFull = new Outbound(full.event(), keyed(full, event), null);
            }
            s.deliverAbout(rid, delta != null ? delta : keyedFull);
        }
    }

    /** The full list of {@code full} with each entry's key, for a connection that asked for deltas. */
    private static Map<String, Object> keyed(Outbound full, LockEvent.PresenceChanged event) {
        Map<String, Object> data = new LinkedHashMap<>();
        ((Map<?, ?>) full.data()).forEach((k, v) -> data.put(String.valueOf(k), v));
        data.put("users", Wire.presence(event.users(), true));
        return data;
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
            case LockEvent.QueuePositionChanged e -> Set.of(e.actor().sessionId());
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

    /** The PROTOCOL.md message for an event at {@code version}, or null for events that are not pushed (audit-only). */
    static Outbound toWire(LockEvent event, long version) {
        String rid = event.resourceId().toString();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", rid);
        data.put("version", version);
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
            case LockEvent.LeftQueue e -> {
                data.put("reason", e.why().name());
                yield "queue:left";
            }
            case LockEvent.QueuePositionChanged e -> {
                data.put("position", e.position());
                data.put("estimatedWaitSeconds", Wire.seconds(e.estimatedWait()));
                yield "queue:position";
            }
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
