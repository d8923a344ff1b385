package org.baton.core.record;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.baton.core.ResourceId;

/** Port to durable drafts; a put is acknowledged only once it is durable. */
public interface DraftStore {
    void put(Draft draft);

    Optional<Draft> get(String userId, ResourceId resourceId);

    boolean delete(String userId, ResourceId resourceId);

    /** The user's drafts, newest first. */
    List<Draft> ofUser(String userId);

    /** Housekeeping: drops drafts saved before {@code cutoff}; returns how many. */
    int deleteOlderThan(Instant cutoff);
}
