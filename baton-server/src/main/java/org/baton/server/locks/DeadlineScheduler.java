package org.baton.server.locks;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.baton.core.LockPolicy;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.baton.server.timers.Timers;

/**
 * Keeps one timer per resource, at the state's next deadline (lease or idle expiry, warning, grace, claim window,
 * takeover auto-force, ask timeout). When it fires, the resource is ticked; the tick's new state reschedules it.
 * Timers only make news prompt: the core derives expiry itself on every transition, so a late timer is harmless.
 */
public final class DeadlineScheduler {
    private final Timers timers;
    private final Map<ResourceId, Timers.Scheduled> scheduled = new ConcurrentHashMap<>();
    private volatile Consumer<ResourceId> tick = id -> { };

    public DeadlineScheduler(Timers timers) {
        this.timers = timers;
    }

    void onDue(Consumer<ResourceId> tickResource) {
        this.tick = tickResource;
    }

    /** Schedules (or cancels) the resource's timer for {@code state}. */
    public void reschedule(LockState state, LockPolicy policy) {
        ResourceId id = state.resourceId();
        Optional<Instant> next = state.nextDeadline(policy);
        scheduled.compute(id, (key, existing) -> {
            if (existing != null && next.isPresent() && existing.at().equals(next.get())) {
                return existing;
            }
            if (existing != null) {
                existing.cancel();
            }
            return next.map(at -> timers.schedule(at, () -> {
                scheduled.remove(key);
                tick.accept(key);
            })).orElse(null);
        });
    }

    public int pending() {
        return scheduled.size();
    }
}
