package org.baton.server.records;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.baton.core.Actor;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.baton.core.record.Draft;
import org.baton.server.auth.Identity;
import org.baton.server.locks.EventFanOut;
import org.baton.server.locks.Wire;
import org.baton.server.session.Outbound;
import org.baton.server.session.SessionRegistry;

/**
 * Tells whoever edits a record that someone else's unsaved work on it exists, and where: at a takeover, whether the
 * displaced editor's draft is on the server (and how old), and again whenever a draft of a non-holder arrives later
 * (the displaced page sends what it had not sent yet). The content is never shown or merged: a draft belongs to
 * its owner, who gets the field-by-field merge view when they restore it.
 *
 * <p>The message is {@code lock:displaced_draft {resourceId, owner, draftKept, draftSavedAt?, draftAgeSeconds?}},
 * to the holder's session.
 */
public final class DisplacedDrafts implements Consumer<List<LockEvent>> {
    private final SessionRegistry sessions;
    private final EventFanOut.DraftFacts drafts;
    private final Function<ResourceId, LockState> locks;

    /** {@code locks} reads a resource's current lock state (without changing it). */
    public DisplacedDrafts(SessionRegistry sessions, EventFanOut.DraftFacts drafts, Function<ResourceId, LockState> locks) {
        this.sessions = sessions;
        this.drafts = drafts;
        this.locks = locks;
    }

    /** At a takeover: the new holder learns what the displaced editor left. */
    @Override
    public void accept(List<LockEvent> events) {
        for (LockEvent event : events) {
            if (event instanceof LockEvent.TakenOver e) {
                Actor owner = e.displaced().holder();
                tell(e.by().sessionId(), e.resourceId(), Wire.person(owner), drafts.of(owner.userId(), e.resourceId()));
            }
        }
    }

    /** A draft was saved: if someone else holds the record, they learn that this user's unsaved work exists. */
    public void draftSaved(Identity who, Draft draft) {
        LockState state = locks.apply(draft.resourceId());
        if (state.holder() == null || state.holder().holder().userId().equals(who.userId())) {
            return;
        }
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("userId", who.userId());
        owner.put("name", who.name());
        owner.put("role", who.primaryRole());
        tell(state.holder().holder().sessionId(), draft.resourceId(), owner,
                Optional.of(new EventFanOut.KeptDraft(draft.savedAt(), java.time.Duration.ZERO)));
    }

    private void tell(String sessionId, ResourceId resource, Map<String, Object> owner, Optional<EventFanOut.KeptDraft> kept) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", resource.toString());
        data.put("owner", owner);
        data.put("draftKept", kept.isPresent());
        kept.ifPresent(k -> {
            data.put("draftSavedAt", k.savedAt());
            data.put("draftAgeSeconds", Wire.seconds(k.age()));
        });
        Outbound message = Outbound.event("lock:displaced_draft", data);
        sessions.find(sessionId).ifPresent(s -> s.deliver(message));
    }
}
