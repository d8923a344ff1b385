package org.baton.core.lincheck;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.baton.core.Actor;
import org.baton.core.LockCoordinator;
import org.baton.core.LockPolicy;
import org.baton.core.LockState;
import org.baton.core.Outcome;
import org.baton.core.PolicyBook;
import org.baton.core.ResourceId;
import org.baton.core.store.InMemoryLockStore;
import org.baton.core.time.ManualClock;

/**
 * What the Lincheck tests share: a coordinator over one in-memory store, three users, two resources, and outcomes
 * written as short strings that compare equal when two runs decided the same thing. Lease ids are left out (a
 * compare-and-set retry draws a new one, so they differ between equivalent runs); fencing tokens are kept, since
 * they must be the same in every linearization.
 */
final class LockLinearizability {
    /**
     * Scenarios per model check. Model checking instruments every shared-memory access of the coordinator, the machine
     * and the JDK collections they use, about 40 s per scenario on two shared cores: the normal build checks a few, the
     * soak profile ({@code ./test.sh --soak}) runs {@code -Dbaton.lincheck.iterations=30}.
     */
    static final int MODEL_ITERATIONS = Integer.getInteger("baton.lincheck.iterations", 3);
    /** Scenarios per stress check (real threads, cheap). */
    static final int STRESS_ITERATIONS = Math.max(10, MODEL_ITERATIONS);
    /** Interleavings explored per scenario by model checking; stress runs ten times as many invocations. */
    static final int INVOCATIONS = Integer.getInteger("baton.lincheck.invocations", 100);
    static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");
    static final List<ResourceId> RESOURCES = List.of(ResourceId.parse("patient:1"), ResourceId.parse("catheter:7"));
    static final List<Actor> USERS = List.of(
            new Actor("sharma", "Dr. Priya Sharma", List.of("attending"), "tab-sharma"),
            new Actor("okafor", "Nurse Grace Okafor", List.of("nurse"), "tab-okafor"),
            new Actor("chen", "Dr. Mei Chen", List.of("resident"), "tab-chen"));

    private LockLinearizability() {
    }

    /** A coordinator whose users may hold one lock each (so the cross-resource guard is at stake), queue on. */
    static LockCoordinator coordinator(boolean autoAcquire) {
        AtomicLong ids = new AtomicLong();
        LockPolicy policy = LockPolicy.defaults().withLimits(1, 0).withQueue(true, 2, autoAcquire);
        return new LockCoordinator(new InMemoryLockStore(), PolicyBook.of(policy), new ManualClock(NOW), () -> "lease-" + ids.incrementAndGet());
    }

    static String describe(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Granted g -> "granted " + g.lease().holder().userId() + " fence " + g.lease().fencingToken();
            case Outcome.Queued q -> "queued " + q.position();
            case Outcome.Extended e -> "extended fence " + e.lease().fencingToken();
            case Outcome.Released r -> "released";
            case Outcome.Denied d -> "denied " + d.code();
            case Outcome.Done d -> "done";
            case Outcome.TakeoverPending t -> "takeover pending";
            case Outcome.AskSent a -> "ask sent";
        };
    }

    /** Who holds the lock (with the fence), who waits in order, and who it is offered to. */
    static String describe(LockState state) {
        String holder = state.holder() == null ? "free" : state.holder().holder().userId() + "#" + state.holder().fencingToken();
        String queue = state.queue().stream().map(w -> w.actor().userId()).toList().toString();
        String offer = state.offer() == null ? "" : " offered " + state.offer().actor().userId();
        return holder + " last " + state.lastFence() + " queue " + queue + offer;
    }
}
