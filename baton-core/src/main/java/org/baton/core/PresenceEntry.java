package org.baton.core;

import java.time.Instant;

/** One person on a resource, as {@code presence:update} shows them. */
public record PresenceEntry(Actor actor, Mode mode, boolean hasLock, Instant lockExpiresAt) {
    /** What the person is doing on the resource. */
    public enum Mode { EDITOR, VIEWER, QUEUED }
}
