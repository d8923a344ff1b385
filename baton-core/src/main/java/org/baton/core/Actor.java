package org.baton.core;

import java.util.List;
import java.util.Set;

/**
 * Who issues a command: a user, in one session (a browser tab). Leases belong to (user, session): another session
 * of the same user does not silently share them.
 *
 * @param polling true when the session follows the resource by polling (REST) rather than over a live connection
 *                that tells the server when it drops; such a session's viewing lapses {@code viewerTimeout} after it
 *                last looked ({@link LockPolicy#viewerTimeout()})
 */
public record Actor(String userId, String name, List<String> roles, String sessionId, boolean polling) {
    public Actor {
        roles = List.copyOf(roles);
    }

    /** An actor on a live connection (WebSocket). */
    public Actor(String userId, String name, List<String> roles, String sessionId) {
        this(userId, name, roles, sessionId, false);
    }

    /** The role shown beside the name: the first one. */
    public String role() {
        return roles.isEmpty() ? "user" : roles.get(0);
    }

    public boolean hasAnyRole(Set<String> wanted) {
        return roles.stream().anyMatch(wanted::contains);
    }

    public boolean sameSession(Actor other) {
        return other != null && userId.equals(other.userId) && sessionId.equals(other.sessionId);
    }

    public boolean sameUser(Actor other) {
        return other != null && userId.equals(other.userId);
    }
}
