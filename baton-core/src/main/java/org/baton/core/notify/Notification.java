package org.baton.core.notify;

import java.time.Instant;

/**
 * A message for one user about a lock, kept in their inbox until read: {@code lock_acquired}, {@code lock_released},
 * {@code lock_available}, {@code lock_override}, {@code lock_expiring} (seed 000), and {@code takeover_requested}.
 *
 * @param id assigned by the inbox (0 before it is stored)
 * @param readAt null while unread
 */
public record Notification(long id, String userId, String type, String resourceId, String message, Instant at, Instant readAt) {
}
