package org.baton.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.baton.core.store.InMemoryLockStore;
import org.baton.core.time.ManualClock;

/** A coordinator over an in-memory store with a manual clock and predictable lease ids, plus the seeds' people. */
final class Fixture {
    static final Instant T0 = Instant.parse("2026-01-13T09:00:00Z");
    static final ResourceId CATHETER = ResourceId.parse("catheter:42");

    static final Actor SHARMA = new Actor("sharma", "Dr. Priya Sharma", List.of("attending"), "tab-sharma");
    static final Actor JOHNSON = new Actor("johnson", "Dr. Alan Johnson", List.of("attending"), "tab-johnson");
    static final Actor CHEN = new Actor("chen", "Dr. Mei Chen", List.of("resident"), "tab-chen");
    static final Actor OKAFOR = new Actor("okafor", "Nurse Grace Okafor", List.of("nurse"), "tab-okafor");
    static final Actor RIVERA = new Actor("rivera", "Sam Rivera", List.of("admin"), "tab-rivera");

    final ManualClock clock = new ManualClock(T0);
    final InMemoryLockStore store = new InMemoryLockStore();
    final AtomicLong ids = new AtomicLong();
    final LockCoordinator locks;

    Fixture() {
        this(LockPolicy.defaults());
    }

    Fixture(LockPolicy policy) {
        locks = new LockCoordinator(store, PolicyBook.of(policy), clock, () -> "lease-" + ids.incrementAndGet());
    }

    LockCoordinator.Decision run(Command command) {
        return locks.apply(CATHETER, command);
    }

    Lease acquire(Actor actor) {
        Outcome outcome = run(new Command.Acquire(actor, Command.IfHeld.DENY)).outcome();
        if (!(outcome instanceof Outcome.Granted granted)) {
            throw new AssertionError("expected a grant for " + actor.userId() + " but got " + outcome);
        }
        return granted.lease();
    }

    void advance(Duration by) {
        clock.advance(by);
    }

    LockState state() {
        return locks.read(CATHETER);
    }

    static Actor otherTab(Actor actor) {
        return new Actor(actor.userId(), actor.name(), actor.roles(), actor.sessionId() + "-2");
    }
}
