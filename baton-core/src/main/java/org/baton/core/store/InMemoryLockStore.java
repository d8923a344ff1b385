package org.baton.core.store;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.baton.core.Lease;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.baton.core.bus.BusMessage;

/**
 * A {@link LockStore} in memory, for tests and for embedding Baton's core in another JVM service without
 * durability. Every write (compare-and-set, guard count and announcement) happens under one lock, so the per-user
 * limits are atomic and announcements leave in write order.
 */
public final class InMemoryLockStore implements LockStore {
    private record Row(Versioned<LockState> state, Instant nextDeadline) {
    }

    private final Map<ResourceId, Row> rows = new HashMap<>();
    private final Map<ResourceId, Instant> idleSince = new HashMap<>();
    private long fenceFloor;
    private final Consumer<BusMessage> announcer;

    /** A store that announces its writes to {@code announcer} (e.g. an {@link org.baton.core.bus.InProcessEventBus}). */
    public InMemoryLockStore(Consumer<BusMessage> announcer) {
        this.announcer = announcer;
    }

    /** A store that announces nothing. */
    public InMemoryLockStore() {
        this(message -> { });
    }

    @Override
    public synchronized Versioned<LockState> load(ResourceId id) {
        Row row = rows.get(id);
        return row == null ? new Versioned<>(0, LockState.initial(id).withFenceFloor(fenceFloor)) : row.state();
    }

    @Override
    public synchronized CasResult compareAndSet(ResourceId id, long expectedVersion, LockWrite write) {
        Versioned<LockState> current = load(id);
        if (current.version() != expectedVersion) {
            return CasResult.VERSION_CONFLICT;
        }
        if (write.next().lastFence() < current.value().lastFence()) {
            throw new IllegalStateException("fencing token would go back for " + id + ": a bug in the caller");
        }
        HolderGuard guard = write.guard();
        if (!guard.isNone()) {
            long held = rows.entrySet().stream()
                    .filter(e -> !e.getKey().equals(id))
                    .map(e -> e.getValue().state().value())
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
        rows.put(id, new Row(new Versioned<>(expectedVersion + 1, write.next()), write.nextDeadline()));
        if (write.next().isIdle()) {
            idleSince.putIfAbsent(id, write.at());
        } else {
            idleSince.remove(id);
        }
        announcer.accept(new BusMessage.ResourceChanged(id, expectedVersion + 1, write.events(), write.callerSessionId()));
        return CasResult.WRITTEN;
    }

    @Override
    public void journal(List<LockEvent> events) {
    }

    @Override
    public synchronized List<LockState> activeStates() {
        return rows.values().stream().map(r -> r.state().value()).filter(s -> !s.isIdle()).toList();
    }

    @Override
    public synchronized List<Lease> leasesHeldBy(String userId) {
        return rows.values().stream().map(r -> r.state().value().holder())
                .filter(l -> l != null && l.holder().userId().equals(userId)).toList();
    }

    @Override
    public synchronized int forgetIdleBefore(Instant cutoff) {
        List<ResourceId> forgotten = idleSince.entrySet().stream().filter(e -> e.getValue().isBefore(cutoff)).map(Map.Entry::getKey).toList();
        for (ResourceId id : forgotten) {
            fenceFloor = Math.max(fenceFloor, rows.get(id).state().value().lastFence());
            rows.remove(id);
            idleSince.remove(id);
        }
        return forgotten.size();
    }

    @Override
    public synchronized void reschedule(ResourceId id, long version, Instant nextDeadline) {
        Row row = rows.get(id);
        if (row != null && row.state().version() == version) {
            rows.put(id, new Row(row.state(), nextDeadline));
        }
    }

    @Override
    public synchronized List<ResourceId> due(Instant now, int limit) {
        return rows.entrySet().stream()
                .filter(e -> e.getValue().nextDeadline() != null && !e.getValue().nextDeadline().isAfter(now))
                .sorted(Comparator.comparing(e -> e.getValue().nextDeadline()))
                .limit(limit).map(Map.Entry::getKey).toList();
    }
}
