package org.baton.core;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.baton.core.store.HolderGuard;
import org.baton.core.store.LockStore;
import org.baton.core.store.LockWrite;
import org.baton.core.store.Versioned;

/**
 * The one entry point adapters call: load the resource's state, apply a command with {@link LockMachine}, and store
 * the result with a compare-and-set, retrying when another writer came first. The store journals the decision's
 * events and announces them on the event bus in the same atomic write, so they are delivered only once durable and
 * in the order the state changed; they are also returned, for the side effects that happen once, on the deciding
 * instance (notifications, metrics).
 *
 * <p>A decision that changed no state is written anyway when it has news for someone (a note left for the holder, a
 * holder's objection to a takeover): the write is what announces it, and its new version orders it among the
 * resource's other news. Only a decision whose events are all refusals (audit-only) is journaled without a write.
 *
 * <p>The per-user limits are enforced atomically: when a transition grants a lease or offers the lock to a user, the
 * write carries a {@link HolderGuard} on that user's live leases; when it gives a user a place in a line they were
 * not in, a guard on their queue places. If the store refuses it, the command is applied again knowing that user is
 * at the limit (a direct acquire is then refused with {@code MAX_LOCKS_EXCEEDED}, a queue hand-over passes the
 * waiter over, a new place is refused with {@code MAX_QUEUES_EXCEEDED}). When settling and the command each need a
 * guard (a lapsed lease handed on, then the caller lined up), the settling is stored first.
 */
public final class LockCoordinator {
    /**
     * What a command did: the caller's outcome, the events it produced (already journaled and announced on the bus by
     * the store), the state now stored and its version (every event about the resource carries it, so clients can
     * drop older news).
     */
    public record Decision(Outcome outcome, List<LockEvent> events, LockState state, long version, boolean written, LockPolicy policy) {
    }

    private static final int MAX_ATTEMPTS = 200;
    private final LockStore store;
    private final LockMachine machine;
    private final InstantSource clock;
    private final Supplier<String> ids;

    public LockCoordinator(LockStore store, PolicyBook policies, InstantSource clock, Supplier<String> ids) {
        this.store = store;
        this.machine = new LockMachine(policies);
        this.clock = clock;
        this.ids = ids;
    }

    /**
     * Unguessable ids: 128 random bits, URL-safe base64, from the JDK's DRBG (seeded by the operating system, then no
     * system call per id, where the platform default read from {@code /dev/urandom} under a lock on every grant).
     */
    public static Supplier<String> randomIds() {
        SecureRandom random = drbg();
        return () -> {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        };
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    public LockPolicy policyFor(ResourceId id) {
        return machine.policyFor(id);
    }

    /** Applies {@code command} to {@code id}'s lock and stores the result (no session gets it as a direct answer). */
    public Decision apply(ResourceId id, Command command) {
        return apply(id, command, null);
    }

    /**
     * Applies {@code command} to {@code id}'s lock and stores the result, with its events, its next deadline and
     * its announcement, in one atomic write; {@code callerSessionId} (or null) gets the outcome as its direct
     * answer, so the bus copy is not sent to it twice.
     */
    public Decision apply(ResourceId id, Command command, String callerSessionId) {
        Set<String> atLimit = new HashSet<>();
        Set<String> atQueueLimit = new HashSet<>();
        LockPolicy policy = machine.policyFor(id);
        List<LockEvent> settled = List.of();
        boolean settleFirst = false;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Versioned<LockState> current = store.load(id);
            var context = new LockMachine.Context(clock.instant(), ids, atLimit, atQueueLimit);
            Transition transition = machine.apply(current.value(), settleFirst ? new Command.Tick() : command, context);
            if (transition.next().equals(current.value()) && transition.events().stream().allMatch(LockEvent.Refused.class::isInstance)) {
                if (!transition.events().isEmpty()) {
                    store.journal(transition.events());
                }
                if (settleFirst) {
                    settled = joined(settled, transition.events());
                    settleFirst = false;
                    continue;
                }
                return new Decision(transition.outcome(), joined(settled, transition.events()), current.value(), current.version(), false, policy);
            }
            List<HolderGuard> guards = guardsFor(current.value(), transition.next(), policy, context);
            if (guards.size() > 1) { // only a command can need two (a tick adds no queue places): settle first
                settleFirst = true;
                continue;
            }
            HolderGuard guard = guards.isEmpty() ? HolderGuard.NONE : guards.get(0);
            LockWrite write = new LockWrite(transition.next(), guard, transition.events(),
                    transition.next().nextDeadline(policy).orElse(null), settleFirst ? null : callerSessionId, context.now(),
                    !transition.next().waitingUsers().equals(current.value().waitingUsers()));
            switch (store.compareAndSet(id, current.version(), write)) {
                case WRITTEN -> {
                    if (!settleFirst) {
                        return new Decision(transition.outcome(), joined(settled, transition.events()), transition.next(), current.version() + 1,
                                true, policy);
                    }
                    settled = joined(settled, transition.events());
                    settleFirst = false;
                }
                case GUARD_REFUSED -> (guard.kind() == HolderGuard.Kind.LEASES ? atLimit : atQueueLimit).add(guard.userId());
                case VERSION_CONFLICT -> Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("could not apply " + command.getClass().getSimpleName() + " to " + id
                + " after " + MAX_ATTEMPTS + " attempts: the store keeps changing under contention");
    }

    /**
     * The state as it would be now, settled against the clock but not written: for tests and read-only views. It
     * may show a queue hand-over the next tick will make (unguarded by the lock limit); adapters answering a client
     * apply {@link Command.Tick} instead, which writes and returns the events to publish.
     */
    public LockState read(ResourceId id) {
        Versioned<LockState> current = store.load(id);
        return machine.apply(current.value(), new Command.Tick(), LockMachine.Context.at(clock.instant(), ids)).next();
    }

    /** The guarded-save rule ({@link LockMachine#verifyLease}) at the coordinator's clock, for a state a store just read. */
    public LeaseVerdict verifyLease(LockState state, String leaseId, String userId, Long fencingToken) {
        return machine.verifyLease(state, leaseId, userId, fencingToken, clock.instant());
    }

    /** Every resource with a holder, a queue, viewers or pending requests. */
    public List<LockState> active() {
        return store.activeStates();
    }

    /** Resources with a deadline due by now (for the sweep that ticks them, whichever instance set them). */
    public List<ResourceId> due(int limit) {
        return store.due(clock.instant(), limit);
    }

    /**
     * After a sweep's tick that changed nothing, stores the state's real next deadline, so a row whose stored
     * deadline was stale (written before deadlines were stored, or by an instance whose clock ran ahead) stops being
     * found due.
     */
    public void reschedule(Decision settled) {
        if (!settled.written()) {
            store.reschedule(settled.state().resourceId(), settled.version(), settled.state().nextDeadline(settled.policy()).orElse(null));
        }
    }

    /** The per-user limits {@code after} puts at stake: a new grant or offer, and new queue places. */
    private static List<HolderGuard> guardsFor(LockState before, LockState after, LockPolicy policy, LockMachine.Context context) {
        List<HolderGuard> guards = new ArrayList<>();
        Lease granted = after.holder();
        if (granted != null && granted.fencingToken() != before.lastFence()) {
            // Every new grant is guarded, even to the previous holder's user: their old lease may have lapsed
            // (unsettled) while they took locks elsewhere. The guard counts only OTHER resources, so moving a lease
            // between one user's tabs never trips it.
            guards.add(new HolderGuard(granted.holder().userId(), policy.maxLocksPerUser(), context.now()));
        }
        LockState.Offer offer = after.offer();
        if (offer != null && !offer.equals(before.offer())) {
            // An offer to someone who could not claim it would hold the lock free for nobody for the claim window.
            guards.add(new HolderGuard(offer.actor().userId(), policy.maxLocksPerUser(), context.now()));
        }
        after.queue().stream().map(w -> w.actor().userId()).distinct().filter(user -> !before.hasQueuePlace(user))
                .forEach(user -> guards.add(HolderGuard.queuePlaces(user, policy.maxQueuesPerUser(), context.now())));
        return guards;
    }

    private static List<LockEvent> joined(List<LockEvent> first, List<LockEvent> then) {
        if (first.isEmpty()) {
            return then;
        }
        List<LockEvent> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }
}
