package org.baton.client;

import java.util.List;
import java.util.Optional;

/**
 * One resource's lock as the caller may see it: whether it is held and by whom, the caller's own lease when this
 * session holds it, the queue (and the caller's place: 0 when not queued) and the users present.
 */
public record LockStatus(String resourceId, boolean locked, Optional<Holder> holder, Optional<Lease> yourLease, int queueLength,
                         int queuePosition, int viewers, List<Presence> presence) {
    /** One user present on the resource: {@code mode} is editor, viewer or queued. */
    public record Presence(String userId, String name, String role, String mode, boolean hasLock) {
    }
}
