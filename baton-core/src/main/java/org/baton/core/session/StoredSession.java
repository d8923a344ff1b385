package org.baton.core.session;

import java.time.Instant;
import java.util.Set;

/**
 * A client session as the store keeps it: whose it is, which instance holds its connection (null while it has
 * none), since when it is disconnected, and the resources it joined, so that it can be resumed after a restart or
 * on another instance.
 */
public record StoredSession(String sessionId, String userId, String instanceId, Instant disconnectedAt, Set<String> resources) {
    public StoredSession {
        resources = Set.copyOf(resources);
    }

    public boolean connected() {
        return instanceId != null;
    }
}
