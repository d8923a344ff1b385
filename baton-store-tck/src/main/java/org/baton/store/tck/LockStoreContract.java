package org.baton.store.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.baton.core.Actor;
import org.baton.core.Command;
import org.baton.core.Lease;
import org.baton.core.LockCoordinator;
import org.baton.core.LockPolicy;
import org.baton.core.LockState;
import org.baton.core.Outcome;
import org.baton.core.PolicyBook;
import org.baton.core.ResourceId;
import org.baton.core.store.HolderGuard;
import org.baton.core.store.LockStore;
import org.baton.core.store.Versioned;
import org.baton.core.time.ManualClock;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.baton.core.bus.BusMessage;
import org.baton.core.store.LockWrite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link LockStore} passes: compare-and-set semantics, the per-user guard, durable fences, the
 * admin queries, stored deadlines, announcements in write order, and bounded multi-thread tests through the real
 * {@link LockCoordinator} — on one store object, and on two store objects over the same data (two instances of
 * Baton on one database): never a double grant, and the per-user limit holds without write skew. A store's test
 * extends this class and supplies {@link #newStore(Consumer)}, {@link #sameData(LockStore)} and, when it is
 * durable, {@link #reopen(LockStore)}.
 */
public abstract class LockStoreContract {
    protected static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");
    protected static final ResourceId A = ResourceId.parse("patient:1");
    protected static final Actor SHARMA = new Actor("sharma", "Dr. Priya Sharma", List.of("attending"), "s1");

    protected LockStore store;
    protected final List<BusMessage> announced = new CopyOnWriteArrayList<>();

    /** A fresh, empty store whose writes are announced (after commit, in commit order) to {@code announcements}. */
    protected abstract LockStore newStore(Consumer<BusMessage> announcements);

    /** The same data through a new store instance (a restart); in-memory stores return {@code store} itself. */
    protected LockStore reopen(LockStore current) {
        return current;
    }

    /**
     * A second store object over the same data as {@code first}, as a second Baton instance would open it (its own
     * connections where the store has them).
     */
    protected abstract LockStore sameData(LockStore first);

    @BeforeEach
    void createStore() {
        store = newStore(announced::add);
    }

    protected static LockState heldBy(ResourceId id, Actor actor, long fence, Instant expiresAt) {
        Lease lease = new Lease(id, "lease-" + id + "-" + fence, fence, actor, NOW, expiresAt, expiresAt, NOW, false, null);
        return new LockState(id, lease, List.of(), null, List.of(), List.of(), null, fence, null, null, List.of());
    }

    @Test
    void load_ofAnUnknownResource_isVersionZeroAndInitial() {
        Versioned<LockState> loaded = store.load(A);
        assertThat(loaded.version()).isZero();
        assertThat(loaded.value()).isEqualTo(LockState.initial(A));
    }

    @Test
    void compareAndSet_writesOnTheExpectedVersion_andRefusesAStaleOne() {
        LockState held = heldBy(A, SHARMA, 1, NOW.plusSeconds(300));
        assertThat(store.compareAndSet(A, 0, held, HolderGuard.NONE)).isEqualTo(LockStore.CasResult.WRITTEN);
        assertThat(store.load(A)).isEqualTo(new Versioned<>(1, held));
        assertThat(store.compareAndSet(A, 0, LockState.initial(A), HolderGuard.NONE)).isEqualTo(LockStore.CasResult.VERSION_CONFLICT);
        assertThat(store.load(A).value()).isEqualTo(held);
    }

    @Test
    void storedState_roundTripsEveryField() {
        Actor viewer = new Actor("okafor", "Nurse Grace Okafor", List.of("nurse", "charge"), "s2");
        Lease lease = new Lease(A, "l1", 7, SHARMA, NOW, NOW.plusSeconds(300), NOW.plusSeconds(1800), NOW, true, NOW.plusSeconds(5));
        LockState full = new LockState(A, lease,
                List.of(new LockState.Waiter(viewer, NOW, null), new LockState.Waiter(new Actor("chen", "Dr. Mei Chen", List.of(), "s3"), NOW, NOW)),
                new LockState.Offer(viewer, NOW.plusSeconds(30), NOW.minusSeconds(90)),
                List.of(new LockState.Viewer(viewer, NOW, null),
                        new LockState.Viewer(new Actor("lindqvist", "Nurse Erik Lindqvist", List.of("nurse"), "s4", true), NOW, NOW.plusSeconds(600))),
                List.of(new LockState.Ask("r1", viewer, "may I? \"quoted\" \n newline ünïcode", NOW.plusSeconds(120))),
                new LockState.Takeover(viewer, "emergency, surgery", NOW.plusSeconds(30)), 7, Duration.ofMillis(123_456),
                "dose change pending", List.of("l0", "l-1"));
        store.compareAndSet(A, 0, full, HolderGuard.NONE);
        assertThat(reopen(store).load(A).value()).isEqualTo(full);
    }

    @Test
    void lastFence_survivesAReopen_andNeverGoesBack() {
        store.compareAndSet(A, 0, heldBy(A, SHARMA, 41, NOW.plusSeconds(300)), HolderGuard.NONE);
        LockState released = new LockState(A, null, List.of(), null, List.of(), List.of(), null, 41, null, null, List.of());
        store.compareAndSet(A, 1, released, HolderGuard.NONE);
        LockStore reopened = reopen(store);
        assertThat(reopened.load(A).value().lastFence()).isEqualTo(41);
        assertThatThrownBy(() -> reopened.compareAndSet(A, 2, LockState.initial(A), HolderGuard.NONE))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void guard_refusesWhenTheUserHoldsTheMaximumElsewhere_countingOnlyLiveLeases() {
        store.compareAndSet(ResourceId.parse("doc:1"), 0, heldBy(ResourceId.parse("doc:1"), SHARMA, 1, NOW.plusSeconds(300)), HolderGuard.NONE);
        store.compareAndSet(ResourceId.parse("doc:2"), 0, heldBy(ResourceId.parse("doc:2"), SHARMA, 1, NOW.plusSeconds(300)), HolderGuard.NONE);
        store.compareAndSet(ResourceId.parse("doc:3"), 0, heldBy(ResourceId.parse("doc:3"), SHARMA, 1, NOW.minusSeconds(1)), HolderGuard.NONE);
        LockState third = heldBy(A, SHARMA, 1, NOW.plusSeconds(300));
        assertThat(store.compareAndSet(A, 0, third, new HolderGuard("sharma", 2, NOW))).isEqualTo(LockStore.CasResult.GUARD_REFUSED);
        assertThat(store.load(A).version()).isZero();
        assertThat(store.compareAndSet(A, 0, third, new HolderGuard("sharma", 3, NOW))).isEqualTo(LockStore.CasResult.WRITTEN);
        LockState renewed = heldBy(A, SHARMA, 2, NOW.plusSeconds(600));
        assertThat(store.compareAndSet(A, 1, renewed, new HolderGuard("sharma", 3, NOW)))
                .as("the resource being written does not count against its own guard").isEqualTo(LockStore.CasResult.WRITTEN);
    }

    protected static LockState waitedForBy(ResourceId id, Actor holder, Actor waiter) {
        Lease lease = new Lease(id, "lease-" + id, 1, holder, NOW, NOW.plusSeconds(300), NOW.plusSeconds(300), NOW, false, null);
        return new LockState(id, lease, List.of(new LockState.Waiter(waiter, NOW, null)), null, List.of(), List.of(), null, 1, null, null, List.of());
    }

    /** Issue 12.3: the queue limit counts the OTHER resources where the user waits, in line or offered the lock. */
    @Test
    void queuePlacesGuard_refusesWhenTheUserWaitsOnTheMaximumElsewhere() {
        Actor okafor = new Actor("okafor", "Nurse Grace Okafor", List.of("nurse"), "s2");
        ResourceId doc1 = ResourceId.parse("doc:1");
        ResourceId doc2 = ResourceId.parse("doc:2");
        store.compareAndSet(doc1, 0, waitedForBy(doc1, SHARMA, okafor), HolderGuard.NONE);
        LockState offered = new LockState(doc2, null, List.of(), new LockState.Offer(okafor, NOW.plusSeconds(30), null), List.of(), List.of(), null, 1,
                null, null, List.of());
        store.compareAndSet(doc2, 0, offered, HolderGuard.NONE);
        LockState third = waitedForBy(A, SHARMA, okafor);
        assertThat(store.compareAndSet(A, 0, third, HolderGuard.queuePlaces("okafor", 2, NOW))).isEqualTo(LockStore.CasResult.GUARD_REFUSED);
        assertThat(store.load(A).version()).isZero();
        assertThat(store.compareAndSet(A, 0, third, HolderGuard.queuePlaces("okafor", 3, NOW))).isEqualTo(LockStore.CasResult.WRITTEN);
        assertThat(store.compareAndSet(A, 1, third, HolderGuard.queuePlaces("okafor", 3, NOW)))
                .as("the resource being written does not count against its own guard").isEqualTo(LockStore.CasResult.WRITTEN);
        store.compareAndSet(doc1, 1, heldBy(doc1, SHARMA, 1, NOW.plusSeconds(300)), HolderGuard.NONE);
        assertThat(store.compareAndSet(ResourceId.parse("doc:3"), 0, waitedForBy(ResourceId.parse("doc:3"), SHARMA, okafor),
                HolderGuard.queuePlaces("okafor", 3, NOW))).as("a place given up no longer counts").isEqualTo(LockStore.CasResult.WRITTEN);
        assertThat(store.compareAndSet(ResourceId.parse("doc:4"), 0, heldBy(ResourceId.parse("doc:4"), okafor, 1, NOW.plusSeconds(300)),
                new HolderGuard("okafor", 1, NOW))).as("queue places are not leases").isEqualTo(LockStore.CasResult.WRITTEN);
    }

    @Test
    void activeStates_andLeasesHeldBy_reflectTheStore() {
        store.compareAndSet(A, 0, heldBy(A, SHARMA, 1, NOW.plusSeconds(300)), HolderGuard.NONE);
        ResourceId idle = ResourceId.parse("doc:9");
        store.compareAndSet(idle, 0, new LockState(idle, null, List.of(), null, List.of(), List.of(), null, 3, null, null, List.of()), HolderGuard.NONE);
        assertThat(store.activeStates()).extracting(LockState::resourceId).containsExactly(A);
        assertThat(store.leasesHeldBy("sharma")).extracting(Lease::resourceId).containsExactly(A);
        assertThat(store.leasesHeldBy("nobody")).isEmpty();
    }

    /**
     * Threads race through the coordinator to acquire one resource, increment an unprotected counter while
     * holding the lease, and release. Mutual exclusion means no increment is lost.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentHolders_neverLoseAnUpdate() throws Exception {
        int threads = 6;
        int rounds = 40;
        var clock = new ManualClock(NOW);
        var coordinator = new LockCoordinator(store, PolicyBook.of(LockPolicy.defaults().withLimits(100, 0)), clock, LockCoordinator.randomIds());
        int[] counter = new int[1];
        List<Long> fences = Collections.synchronizedList(new ArrayList<>());
        var seenLeases = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Actor actor = new Actor("user" + t, "User " + t, List.of("nurse"), "session" + t);
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        Lease lease;
                        while (true) {
                            Outcome outcome = coordinator.apply(A, new Command.Acquire(actor, Command.IfHeld.DENY)).outcome();
                            if (outcome instanceof Outcome.Granted granted) {
                                lease = granted.lease();
                                break;
                            }
                            Thread.onSpinWait();
                        }
                        assertThat(seenLeases.add(lease.leaseId())).isTrue();
                        fences.add(lease.fencingToken());
                        int read = counter[0];
                        Thread.yield();
                        counter[0] = read + 1;
                        assertThat(coordinator.apply(A, new Command.Release(actor, lease.leaseId(), null)).outcome())
                                .isInstanceOf(Outcome.Released.class);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(55, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter[0]).isEqualTo(threads * rounds);
        assertThat(fences).doesNotHaveDuplicates().hasSize(threads * rounds);
        assertThat(store.load(A).value().lastFence()).isEqualTo(threads * rounds);
    }

    @Test
    void due_findsStatesWhoseDeadlineHasPassed_earliestFirst_andRescheduleMovesThem() {
        ResourceId b = ResourceId.parse("doc:2");
        ResourceId c = ResourceId.parse("doc:3");
        store.compareAndSet(A, 0, new LockWrite(heldBy(A, SHARMA, 1, NOW.plusSeconds(300)), HolderGuard.NONE, List.of(), NOW.plusSeconds(20), null, NOW));
        store.compareAndSet(b, 0, new LockWrite(heldBy(b, SHARMA, 1, NOW.plusSeconds(300)), HolderGuard.NONE, List.of(), NOW.plusSeconds(10), null, NOW));
        store.compareAndSet(c, 0, new LockWrite(heldBy(c, SHARMA, 1, NOW.plusSeconds(300)), HolderGuard.NONE, List.of(), null, null, NOW));
        assertThat(store.due(NOW.plusSeconds(5), 10)).isEmpty();
        assertThat(store.due(NOW.plusSeconds(20), 10)).containsExactly(b, A);
        assertThat(store.due(NOW.plusSeconds(20), 1)).containsExactly(b);
        store.reschedule(b, 1, NOW.plusSeconds(60));
        store.reschedule(A, 7, NOW.plusSeconds(60));
        assertThat(store.due(NOW.plusSeconds(20), 10)).as("a stale version leaves the deadline alone").containsExactly(A);
        assertThat(store.load(b).version()).as("rescheduling is not a new version").isEqualTo(1);
    }

    @Test
    void everyWrite_isAnnouncedOnce_withItsVersionAndEvents_inWriteOrder() {
        var event = new org.baton.core.LockEvent.PresenceChanged(A, List.of());
        store.compareAndSet(A, 0, new LockWrite(heldBy(A, SHARMA, 1, NOW.plusSeconds(300)), HolderGuard.NONE, List.of(event), null, "s1", NOW));
        store.compareAndSet(A, 0, new LockWrite(heldBy(A, SHARMA, 2, NOW.plusSeconds(300)), HolderGuard.NONE, List.of(event), null, "s1", NOW));
        store.compareAndSet(A, 1, new LockWrite(heldBy(A, SHARMA, 2, NOW.plusSeconds(300)), HolderGuard.NONE, List.of(), null, null, NOW));
        assertThat(announced).as("the conflicting write announces nothing").containsExactly(
                new BusMessage.ResourceChanged(A, 1, List.of(event), "s1"),
                new BusMessage.ResourceChanged(A, 2, List.of(), null));
    }

    /** Two instances of Baton race for one resource through their own store objects: one holder at a time. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoStoresOnTheSameData_neverGrantTwice() throws Exception {
        LockStore second = sameData(store);
        var clock = new ManualClock(NOW);
        PolicyBook policies = PolicyBook.of(LockPolicy.defaults().withLimits(100, 0));
        List<LockCoordinator> instances = List.of(new LockCoordinator(store, policies, clock, LockCoordinator.randomIds()),
                new LockCoordinator(second, policies, clock, LockCoordinator.randomIds()));
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        List<Long> fences = Collections.synchronizedList(new ArrayList<>());
        int threads = 4;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                LockCoordinator coordinator = instances.get(t % 2);
                Actor actor = new Actor("user" + t, "User " + t, List.of("nurse"), "session" + t);
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        Lease lease;
                        while (true) {
                            if (coordinator.apply(A, new Command.Acquire(actor, Command.IfHeld.DENY)).outcome() instanceof Outcome.Granted g) {
                                lease = g.lease();
                                break;
                            }
                            Thread.onSpinWait();
                        }
                        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        fences.add(lease.fencingToken());
                        Thread.yield();
                        holders.decrementAndGet();
                        assertThat(coordinator.apply(A, new Command.Release(actor, lease.leaseId(), null)).outcome())
                                .isInstanceOf(Outcome.Released.class);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(55, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxHolders.get()).as("holders at once").isEqualTo(1);
        assertThat(fences).doesNotHaveDuplicates().hasSize(threads * rounds);
        assertThat(second.load(A).value().lastFence()).isEqualTo(threads * rounds);
    }

    /**
     * One user grabs many resources at once through two instances: the per-user limit is counted and written in
     * one atomic step, so the two cannot both grant the last allowed lock (no write skew).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoStoresOnTheSameData_keepThePerUserLimit() throws Exception {
        LockStore second = sameData(store);
        var clock = new ManualClock(NOW);
        int limit = 3;
        PolicyBook policies = PolicyBook.of(LockPolicy.defaults().withLimits(limit, 0));
        List<LockCoordinator> instances = List.of(new LockCoordinator(store, policies, clock, LockCoordinator.randomIds()),
                new LockCoordinator(second, policies, clock, LockCoordinator.randomIds()));
        int resources = 16;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger granted = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < resources; i++) {
                ResourceId id = ResourceId.parse("doc:" + i);
                LockCoordinator coordinator = instances.get(i % 2);
                Actor actor = new Actor("sharma", "Dr. Priya Sharma", List.of("attending"), "s" + i);
                futures.add(pool.submit(() -> {
                    if (coordinator.apply(id, new Command.Acquire(actor, Command.IfHeld.DENY)).outcome() instanceof Outcome.Granted) {
                        granted.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(55, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(granted.get()).isEqualTo(limit);
        assertThat(second.leasesHeldBy("sharma")).hasSize(limit);
    }

    /** Issue 12 item 7: idle rows are forgotten, yet a forgotten resource's next fence is above every one it had. */
    @Test
    void forgetIdleBefore_dropsIdleStates_butNeverLetsAFenceRepeat() {
        var clock = new ManualClock(NOW);
        var coordinator = new LockCoordinator(store, PolicyBook.of(LockPolicy.defaults()), clock, LockCoordinator.randomIds());
        Lease first = null;
        for (int i = 0; i < 3; i++) {
            first = ((Outcome.Granted) coordinator.apply(A, new Command.Acquire(SHARMA, Command.IfHeld.DENY)).outcome()).lease();
            coordinator.apply(A, new Command.Release(SHARMA, first.leaseId(), null));
        }
        coordinator.apply(A, new Command.Leave(SHARMA)); // the ex-holder stops watching: nobody is left on it
        ResourceId busy = ResourceId.parse("doc:busy");
        coordinator.apply(busy, new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        int forgotten = store.forgetIdleBefore(java.time.Instant.now().plus(Duration.ofDays(1)));
        assertThat(forgotten).as("the idle resource only").isEqualTo(1);
        assertThat(store.activeStates()).extracting(LockState::resourceId).containsExactly(busy);
        assertThat(store.load(A).version()).as("forgotten").isZero();
        Lease again = ((Outcome.Granted) coordinator.apply(A, new Command.Acquire(SHARMA, Command.IfHeld.DENY)).outcome()).lease();
        assertThat(again.fencingToken()).as("above every fence it ever had").isGreaterThan(first.fencingToken());
    }

    /**
     * Issue 14: a decision that leaves a resource's line as it was does not rewrite the store's list of who waits
     * there (the per-user queue limit counts that list); one that changes the line does. Checked through the queue
     * guard, which counts the list, after each kind of decision.
     */
    @Test
    void theListOfWhoWaits_followsDecisionsThatChangeTheLine_andSurvivesThoseThatDoNot() {
        var coordinator = new LockCoordinator(store, PolicyBook.of(LockPolicy.defaults()), new ManualClock(NOW), LockCoordinator.randomIds());
        Actor okafor = new Actor("okafor", "Nurse Grace Okafor", List.of("nurse"), "s2");
        Lease lease = ((Outcome.Granted) coordinator.apply(A, new Command.Acquire(SHARMA, Command.IfHeld.DENY)).outcome()).lease();
        coordinator.apply(A, new Command.JoinQueue(okafor));
        coordinator.apply(A, new Command.Extend(SHARMA, lease.leaseId(), true)); // the holder's heartbeat: the line is as it was
        coordinator.apply(A, new Command.View(new Actor("patel", "Dr. Patel", List.of("resident"), "s3"))); // a viewer: likewise
        ResourceId elsewhere = ResourceId.parse("doc:elsewhere");
        assertThat(store.compareAndSet(elsewhere, 0, waitedForBy(elsewhere, SHARMA, okafor), HolderGuard.queuePlaces("okafor", 1, NOW)))
                .as("okafor still counted as waiting on " + A).isEqualTo(LockStore.CasResult.GUARD_REFUSED);

        coordinator.apply(A, new Command.LeaveQueue(okafor));
        coordinator.apply(A, new Command.Extend(SHARMA, lease.leaseId(), true));
        assertThat(store.compareAndSet(elsewhere, 0, waitedForBy(elsewhere, SHARMA, okafor), HolderGuard.queuePlaces("okafor", 1, NOW)))
                .as("okafor left the line: no longer counted").isEqualTo(LockStore.CasResult.WRITTEN);
    }
}
