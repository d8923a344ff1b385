package org.baton.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.baton.core.store.InMemoryLockStore;
import org.baton.core.time.ManualClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random command sequences from several users (one with two tabs) on three resources, with random clock jumps up
 * to 24 h, checked after every step. A failure prints the seed; {@code -Dbaton.seed=N} replays that history step by step,
 * {@code -Dbaton.sequences=N} runs more of them.
 */
class LockPropertiesTest {
    static final int SEQUENCES = Integer.getInteger("baton.sequences", 400);
    static final int STEPS = 80;
    static final List<ResourceId> RESOURCES = List.of(ResourceId.parse("patient:1"), ResourceId.parse("patient:1:medications"),
            ResourceId.parse("catheter:7"));
    static final List<Actor> ACTORS = List.of(Fixture.SHARMA, Fixture.JOHNSON, Fixture.CHEN, Fixture.OKAFOR, Fixture.RIVERA,
            Fixture.otherTab(Fixture.CHEN), new Actor("lindqvist", "Nurse Erik Lindqvist", List.of("nurse"), "rest-lindqvist", true));
    static final int MAX_LOCKS = 2;
    static final int MAX_QUEUES = 2;
    static final int QUEUE_MAX = 3;

    @ParameterizedTest(name = "auto-acquire {0}")
    @ValueSource(booleans = {true, false})
    void invariantsHold_overRandomHistories(boolean autoAcquire) {
        long base = new SplittableRandom().nextLong();
        if (System.getProperty("baton.seed") != null) { // replay one history, printing each step: -Dbaton.seed=N
            runOne(Long.parseLong(System.getProperty("baton.seed")), autoAcquire);
            return;
        }
        for (int i = 0; i < SEQUENCES; i++) {
            long seed = base + i;
            try {
                runOne(seed, autoAcquire);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("property failed; replay with seed " + seed + "L (autoAcquire=" + autoAcquire + "): " + e.getMessage(), e);
            }
        }
    }

    private void runOne(long seed, boolean autoAcquire) {
        SplittableRandom random = new SplittableRandom(seed);
        ManualClock clock = new ManualClock(Instant.parse("2026-01-13T09:00:00Z"));
        AtomicLong ids = new AtomicLong();
        LockPolicy policy = LockPolicy.defaults().withQueue(true, QUEUE_MAX, autoAcquire).withLimits(MAX_LOCKS, random.nextInt(3))
                .withUpgradeMode(UpgradeMode.values()[random.nextInt(3)]).withQueuePlaces(MAX_QUEUES, Duration.ofMinutes(random.nextInt(30, 120)));
        var store = new InMemoryLockStore();
        var locks = new LockCoordinator(store, PolicyBook.of(policy), clock, () -> "l" + ids.incrementAndGet());
        Map<ResourceId, Long> lastFence = new HashMap<>();
        Map<ResourceId, Lease> liveLease = new HashMap<>();
        for (int step = 0; step < STEPS; step++) {
            if (random.nextInt(4) == 0) {
                clock.advance(jump(random));
            }
            ResourceId resource = RESOURCES.get(random.nextInt(RESOURCES.size()));
            LockState before = locks.read(resource);
            Command command = randomCommand(random, before);
            if (System.getProperty("baton.seed") != null) {
                System.out.println(step + " " + clock.instant() + " " + resource + " " + command + "\n   before: queue=" + before.queue()
                        + " holder=" + (before.holder() == null ? null : before.holder().holder().sessionId()) + " offer=" + before.offer());
            }
            LockCoordinator.Decision decision = locks.apply(resource, command);
            LockState after = decision.state();

            for (LockEvent event : decision.events()) {
                if (event instanceof LockEvent.Released released) {
                    Lease live = liveLease.remove(resource);
                    assertThat(live).as("released lease was the live one").isNotNull();
                    assertThat(released.lease().leaseId()).isEqualTo(live.leaseId());
                } else if (event instanceof LockEvent.Acquired acquired) {
                    assertThat(liveLease.get(resource)).as("a grant while another lease is live: two editors").isNull();
                    long fence = acquired.lease().fencingToken();
                    assertThat(fence).as("fencing tokens strictly increase").isGreaterThan(lastFence.getOrDefault(resource, 0L));
                    lastFence.put(resource, fence);
                    liveLease.put(resource, acquired.lease());
                    if (acquired.via() == LockEvent.Via.QUEUE_AUTO_ACQUIRE) {
                        Instant grantedJoin = before.queue().stream().filter(w -> w.actor().sameSession(acquired.lease().holder()))
                                .map(LockState.Waiter::joinedAt).findFirst().orElse(null);
                        if (grantedJoin != null) {
                            assertThat(after.queue()).as("FIFO: nobody connected who could take it and joined earlier is still waiting")
                                    .noneMatch(w -> w.disconnectedAt() == null && w.joinedAt().isBefore(grantedJoin)
                                            && !atLockLimit(store, w.actor().userId(), resource, clock.instant()));
                        }
                    }
                }
            }
            Lease holder = after.holder();
            if (holder == null && after.offer() == null) { // issue 12.3: a free lock never waits for someone who cannot take it
                assertThat(after.queue()).as("a free lock with a connected waiter who could take it stays unassigned")
                        .allMatch(w -> w.disconnectedAt() != null || atLockLimit(store, w.actor().userId(), resource, clock.instant()));
            }
            for (Actor actor : ACTORS) {
                long places = RESOURCES.stream().filter(r -> store.load(r).value().hasQueuePlace(actor.userId())).count();
                assertThat(places).as("queue places of %s never exceed the limit", actor.userId()).isLessThanOrEqualTo(MAX_QUEUES);
            }
            assertThat(holder == null ? null : holder.leaseId()).isEqualTo(liveLease.containsKey(resource) ? liveLease.get(resource).leaseId() : null);
            if (holder != null) {
                assertThat(holder.fencingToken()).isEqualTo(after.lastFence());
            }
            // a waiter whose offered turn an emergency took goes back to the front even into a full queue (see LockMachine)
            assertThat(after.queue().size()).as("queue never exceeds its maximum (plus a restored offeree)").isLessThanOrEqualTo(QUEUE_MAX + 1);
            if (!(command instanceof Command.EmergencyTakeover) && after.queue().size() > before.queue().size()) {
                assertThat(after.queue().size()).as("nobody joins a full queue").isLessThanOrEqualTo(QUEUE_MAX);
            }
            assertThat(after.queue().stream().map(w -> w.actor().sessionId()).distinct().count()).isEqualTo(after.queue().size());
            Map<ResourceId, Lease> stored = new HashMap<>();
            for (ResourceId r : RESOURCES) {
                stored.put(r, store.load(r).value().holder());
            }
            for (Actor actor : ACTORS) {
                long live = stored.values().stream().filter(l -> l != null && l.holder().userId().equals(actor.userId())
                        && l.expiresAt().isAfter(clock.instant())).count();
                assertThat(live).as("live locks per user never exceed the limit").isLessThanOrEqualTo(MAX_LOCKS);
            }
        }
    }

    /** What the store's lease guard says: {@code userId} holds live leases on as many other resources as allowed. */
    private static boolean atLockLimit(InMemoryLockStore store, String userId, ResourceId except, Instant now) {
        return RESOURCES.stream().filter(r -> !r.equals(except)).map(r -> store.load(r).value().holder())
                .filter(l -> l != null && l.holder().userId().equals(userId) && l.expiresAt().isAfter(now)).count() >= MAX_LOCKS;
    }

    private static Duration jump(SplittableRandom random) {
        return switch (random.nextInt(5)) {
            case 0 -> Duration.ofSeconds(random.nextInt(1, 40));
            case 1 -> Duration.ofSeconds(random.nextInt(40, 400));
            case 2 -> Duration.ofMinutes(random.nextInt(5, 40));
            case 3 -> Duration.ofHours(24);
            default -> Duration.ofMillis(random.nextInt(1, 2000));
        };
    }

    private static Command randomCommand(SplittableRandom random, LockState state) {
        Actor actor = ACTORS.get(random.nextInt(ACTORS.size()));
        String leaseId = state.holder() != null && random.nextInt(4) != 0 ? state.holder().leaseId() : "l" + random.nextInt(1, 50);
        List<Command> options = new ArrayList<>(List.of(
                new Command.Acquire(actor, Command.IfHeld.values()[random.nextInt(3)]),
                new Command.Release(actor, leaseId, random.nextBoolean() ? null : "note"),
                new Command.Extend(actor, leaseId, random.nextBoolean()),
                new Command.JoinQueue(actor), new Command.LeaveQueue(actor), new Command.Claim(actor),
                new Command.View(actor), new Command.Poll(actor), new Command.Leave(actor),
                new Command.AskHolder(actor, "r" + random.nextInt(5), "may I?"),
                new Command.AnswerAsk(actor, "r" + random.nextInt(5), random.nextBoolean(), null),
                new Command.RequestTakeover(actor, random.nextBoolean() ? "urgent" : ""),
                new Command.EmergencyTakeover(actor, random.nextBoolean() ? "urgent" : ""),
                new Command.AnswerTakeover(actor, random.nextBoolean(), null),
                new Command.ForceRelease(actor, "stuck"),
                new Command.LeaveNote(actor, state.recentlyEnded().isEmpty() ? leaseId
                        : state.recentlyEnded().get(random.nextInt(state.recentlyEnded().size())), "handover"),
                new Command.Disconnect(actor.sessionId()), new Command.Resume(actor), new Command.MoveToSession(actor),
                new Command.Tick()));
        return options.get(random.nextInt(options.size()));
    }
}
