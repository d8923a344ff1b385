package org.baton.store.jdbc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.baton.core.store.Versioned;

/**
 * The embedded database's memory of what it committed last: the state and version of each recently decided
 * resource, and the fence floor. SQLite has one writer, in this process (the data directory is locked), so the state
 * it committed last is the stored state, and the decision path loads it from here instead of reading and decoding
 * the row (a profile put that read and decode at about a third of a decision's CPU). Shared by every store object on
 * the database. States are put after their commit and removed on a version conflict; a compare-and-set still checks
 * the stored version, so a state missing or stale here can only cost a read or a retry, never a wrong write.
 */
final class CommittedStates {
    /** Resources remembered at most; past it the memory starts again empty (each is read once more). */
    private static final int MAX_REMEMBERED = 100_000;
    private final Map<ResourceId, Versioned<LockState>> states = new ConcurrentHashMap<>();
    private volatile long floor = -1;

    /** The committed state of {@code id} with the fence floor applied, or null when not remembered. */
    Versioned<LockState> get(ResourceId id) {
        Versioned<LockState> known = states.get(id);
        long knownFloor = floor;
        return known == null || knownFloor < 0 ? null : new Versioned<>(known.version(), known.value().withFenceFloor(knownFloor));
    }

    /** The floor as read from the database, when none is known yet. */
    void floorRead(long stored) {
        if (floor < 0) {
            floor = stored;
        }
    }

    /** After a commit that wrote {@code stored} for {@code id}. */
    void committed(ResourceId id, Versioned<LockState> stored) {
        if (states.size() >= MAX_REMEMBERED) {
            states.clear();
        }
        states.merge(id, stored, (old, now) -> now.version() >= old.version() ? now : old);
    }

    void forget(ResourceId id) {
        states.remove(id);
    }

    /** After a commit that raised the floor or deleted rows: everything is read again. */
    void reset(long raisedFloor) {
        states.clear();
        floor = raisedFloor;
    }
}
