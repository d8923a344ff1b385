package org.baton.core.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.baton.core.Lease;
import org.baton.core.LockState;
import org.baton.core.ResourceId;

/**
 * A {@link LockStore} in memory, for tests and for embedding Baton's core in another JVM service without
 * durability. Compare-and-set and the guard's count happen under one lock, so the per-user limits are atomic.
 */
public final class InMemoryLockStore implements LockStore {
    private final Map<ResourceId, Versioned<LockState>> states = new ConcurrentHashMap<>();

    @Override
    public Versioned<LockState> load(ResourceId id) {
        return states.getOrDefault(id, new Versioned<>(0, LockState.initial(id)));
    }

    @Override
    public synchronized CasResult compareAndSet(ResourceId id, long expectedVersion, LockState next, HolderGuard guard) {
        Versioned<LockState> current = load(id);
        if (current.version() != expectedVersion) {
            return CasResult.VERSION_CONFLICT;
        }
        if (next.lastFence() < current.value().lastFence()) {
            throw new IllegalStateException("fencing token would go back for " + id + ": a bug in the caller");
        }
        if (!guard.isNone()) {
            long held = states.entrySet().stream()
                    .filter(e -> !e.getKey().equals(id))
                    .map(e -> e.getValue().value())
                    .filter(s -> switch (guard.kind()) {
                        case LEASES -> s.holder() != null && s.holder().holder().userId().equals(guard.userId())
                                && s.holder().expiresAt().isAfter(guard.now());
                        case QUEUE_PLACES -> s.hasQueuePlace(guard.userId());
                    })
                    .count();
            if (held >= guard.maxLocks()) {
                return CasResult.GUARD_REFUSED;
            }
        }
        states.put(id, new Versioned<>(expectedVersion + 1, next));
        return CasResult.WRITTEN;
    }

    @Override
    public List<LockState> activeStates() {
        return states.values().stream().map(Versioned::value).filter(s -> !s.isIdle()).toList();
    }

    @Override
    public List<Lease> leasesHeldBy(String userId) {
        return states.values().stream().map(v -> v.value().holder())
                .filter(l -> l != null && l.holder().userId().equals(userId)).toList();
    }
}
