package org.baton.server.records;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.baton.core.ResourceId;
import org.baton.core.record.DraftStore;
import org.baton.server.locks.EventFanOut;

/**
 * Whether a user's draft of a resource is on the server right now (and how old it is), so that takeover messages
 * and notifications say what is true instead of promising a draft that may not exist.
 */
public final class KeptDrafts implements EventFanOut.DraftFacts {
    private final DraftStore store;
    private final Duration retention;
    private final InstantSource clock;

    public KeptDrafts(DraftStore store, Duration retention, InstantSource clock) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public Optional<EventFanOut.KeptDraft> of(String userId, ResourceId resource) {
        var now = clock.instant();
        return store.get(userId, resource)
                .filter(d -> !d.savedAt().isBefore(now.minus(retention)))
                .map(d -> new EventFanOut.KeptDraft(d.savedAt(), Duration.between(d.savedAt(), now)));
    }
}
