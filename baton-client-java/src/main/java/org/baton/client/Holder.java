package org.baton.client;

import java.time.Instant;

/** Who holds a lock, as refusals and checks show it (never with the lease id); {@code connected} is false during the disconnect grace. */
public record Holder(String userId, String name, String role, Instant since, Instant lastActivityAt, Instant expiresAt,
                     Instant idleExpiresAt, boolean connected) {
}
