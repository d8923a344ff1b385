package org.baton.server.auth;

import java.time.Instant;
import java.util.List;

/**
 * Who a verified token says the caller is: {@code sub} as the user id, {@code name} for display (falls back to the
 * user id), {@code roles} lower-cased, and the token's expiry, after which the identity is no longer honoured.
 */
public record Identity(String userId, String name, List<String> roles, Instant expiresAt) {
    public Identity {
        roles = List.copyOf(roles);
    }

    /** The role shown beside the name ("attending", "nurse", ...): the first role the token lists. */
    public String primaryRole() {
        return roles.isEmpty() ? "user" : roles.get(0);
    }

    public boolean hasAnyRole(java.util.Collection<String> wanted) {
        return roles.stream().anyMatch(wanted::contains);
    }
}
