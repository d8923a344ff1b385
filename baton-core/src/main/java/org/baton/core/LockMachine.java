package org.baton.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every rule of locking, queueing, presence and takeover, as one pure function:
 * {@code apply(state, command, context) → (next state, outcome, events)}. No I/O, no clock: time and fresh lease ids
 * come in the {@link Context}. The caller persists {@code next} with a compare-and-set and publishes the events.
 *
 * <p>At the top of every transition the state is <em>settled</em> against {@code now}: a disconnected holder past
 * its grace is released ({@code GRACE_PERIOD_EXPIRED}), a lease past {@code expiresAt} ({@code EXPIRED}) or past
 * {@code idleExpiresAt} ({@code IDLE_TIMEOUT}); the holder is warned once within {@code idleWarning} of the idle
 * deadline; a takeover request past {@code autoForceAt} is forced; asks past their deadline time out; a missed
 * claim passes the turn on; waiters disconnected past the grace or waiting longer than the queue timeout leave the
 * queue; polling viewers that have not looked within the viewer timeout stop viewing; then a free lock is handed to
 * the first connected waiter who can take it (auto-acquire, or an offer with a claim window). A waiter at the lock
 * limit keeps their place but is passed over, so a free lock never waits for someone who could not take it.
 * Correctness never depends on a timer.
 *
 * <p>Commands that would put someone on a resource outside the {@link ResourceCatalog} are refused first
 * ({@code UNKNOWN_RESOURCE_TYPE}, {@code UNKNOWN_SECTION}), before anything is settled or stored.
 *
 * <h2>Transitions (after settling; H = held by another user, S = held by the caller's session, F = free)</h2>
 * <table>
 * <tr><th>command</th><th>F</th><th>S</th><th>H</th></tr>
 * <tr><td>Acquire</td><td>Granted (fence+1), Acquired</td><td>Granted (same lease)</td>
 *     <td>DENY: Denied LOCK_HELD; QUEUE: Queued; POLICY: the type's upgrade mode (deny / queue / ask the holder);
 *     same user, other session: Denied HELD_IN_OTHER_SESSION</td></tr>
 * <tr><td>Release</td><td colspan="2">the caller's lease: Released (RELEASED), hand-over to the queue; a past
 *     lease: Denied LEASE_EXPIRED</td><td>Denied NOT_LOCK_HOLDER</td></tr>
 * <tr><td>Extend</td><td colspan="3">the caller's lease: Extended (expiresAt renewed; idleExpiresAt too when
 *     active); else LEASE_EXPIRED or NOT_LOCK_HOLDER</td></tr>
 * <tr><td>JoinQueue</td><td>as Acquire: Granted, or MAX_LOCKS_EXCEEDED (nobody waits in front of a free lock,
 *     least of all someone who could not take it)</td><td>Granted (same lease)</td>
 *     <td>Queued (idempotent), QUEUE_FULL at the limit, QUEUE_DISABLED when off, LOCK_HELD when the type's upgrade
 *     mode is deny, MAX_QUEUES_EXCEEDED when the user already waits in as many queues as allowed</td></tr>
 * <tr><td>LeaveQueue</td><td colspan="3">Done, LeftQueue; NOT_IN_QUEUE when not waiting</td></tr>
 * <tr><td>Claim</td><td>Granted when offered to the caller (or nobody waiting can take it)</td><td>Granted (same lease)</td>
 *     <td>Denied NO_TURN</td></tr>
 * <tr><td>View / Leave</td><td colspan="3">presence changes; VIEWER_LIMIT at the limit; a polling (REST) viewer
 *     watches until the viewer timeout, a View again renews it; Leave by the holder releases (DISCONNECT)</td></tr>
 * <tr><td>Poll</td><td colspan="3">settling, and a polling viewer's viewing is renewed</td></tr>
 * <tr><td>AskHolder</td><td>Denied NOT_HELD</td><td>Denied HELD_IN_OTHER_SESSION</td><td>AskSent, AskReceived to
 *     the holder; REQUEST_PENDING if the user already asked (from any tab)</td></tr>
 * <tr><td>AnswerAsk</td><td colspan="3">by the holder: approve hands the lock to the asker (new fence), deny tells
 *     the asker; else NOT_LOCK_HOLDER / NO_SUCH_REQUEST</td></tr>
 * <tr><td>RequestTakeover</td><td>Granted</td><td>Granted</td><td>TakeoverPending, TakeoverRequested to the holder;
 *     FORBIDDEN_ROLE, REASON_REQUIRED, TAKEOVER_DISABLED, TAKEOVER_PENDING</td></tr>
 * <tr><td>EmergencyTakeover</td><td>Granted</td><td>Granted</td><td>TakenOver to the holder, Released (TAKEOVER),
 *     Granted to the caller; same refusals</td></tr>
 * <tr><td>AnswerTakeover</td><td colspan="3">by the holder: approve hands over now; deny tells the requester, the
 *     deadline stands</td></tr>
 * <tr><td>LeaveNote</td><td>the note waits for the next grant</td><td colspan="2">only with a recently ended
 *     lease of the caller's user (else NOTE_NOT_ALLOWED): H gets NoteLeft at once; S (the caller took it back):
 *     NOTE_NOT_ALLOWED</td></tr>
 * <tr><td>ForceRelease</td><td>Denied NOT_HELD</td><td colspan="2">admin only, reason required, TAKEOVER_DISABLED
 *     when takeover is off: Released (ADMIN_RELEASE), hand-over to the queue</td></tr>
 * <tr><td>Disconnect</td><td colspan="3">the session's lease keeps running for the grace (HolderDisconnected); its
 *     viewing ends; its queue places wait for the grace</td></tr>
 * <tr><td>Resume</td><td colspan="3">the same session's lease and queue places continue (HolderResumed); a session
 *     with neither views the resource again (its viewing ended when it dropped), room permitting</td></tr>
 * <tr><td>MoveToSession</td><td>Granted</td><td>Granted (same lease)</td><td>same user: the lease moves here with a
 *     new fence (MOVED); another user: Denied LOCK_HELD</td></tr>
 * <tr><td>Tick</td><td colspan="3">settling only</td></tr>
 * </table>
 * Every grant takes fence {@code lastFence + 1}. Every refusal also emits {@link LockEvent.Refused} for the audit
 * trail, any change of who is on the resource emits {@link LockEvent.PresenceChanged}, and every waiter whose place
 * or estimated wait changed gets {@link LockEvent.QueuePositionChanged}.
 */
public final class LockMachine {
    /** Longest "ask the holder" message and handover note, in characters. */
    public static final int MAX_MESSAGE = 280;

    /**
     * What a transition needs from outside: the time, fresh unguessable lease ids, the users who may not be granted
     * (or offered) another lock right now, and the users who may not take another queue place (the store's per-user
     * counts said so).
     */
    public record Context(Instant now, Supplier<String> leaseIds, Set<String> usersAtLockLimit, Set<String> usersAtQueueLimit) {
        public Context {
            usersAtLockLimit = Set.copyOf(usersAtLockLimit);
            usersAtQueueLimit = Set.copyOf(usersAtQueueLimit);
        }

        public Context(Instant now, Supplier<String> leaseIds, Set<String> usersAtLockLimit) {
            this(now, leaseIds, usersAtLockLimit, Set.of());
        }

        public static Context at(Instant now, Supplier<String> leaseIds) {
            return new Context(now, leaseIds, Set.of(), Set.of());
        }
    }

    private final PolicyBook policies;

    public LockMachine(PolicyBook policies) {
        this.policies = policies;
    }

    public LockPolicy policyFor(ResourceId id) {
        return policies.policyFor(id.type());
    }

    public Transition apply(LockState state, Command command, Context context) {
        Optional<RefusalCode> unknown = addsSomeone(command) ? policies.catalog().refusal(state.resourceId()) : Optional.empty();
        if (unknown.isPresent()) {
            return new Transition(state, new Outcome.Denied(unknown.get(), null),
                    List.of(new LockEvent.Refused(state.resourceId(), actorOf(command), command.getClass().getSimpleName(), unknown.get())));
        }
        Run run = new Run(state, policyFor(state.resourceId()), context);
        run.settle();
        Outcome outcome = switch (command) {
            case Command.Acquire c -> run.acquire(c.actor(), c.ifHeld());
            case Command.Release c -> run.release(c);
            case Command.Extend c -> run.extend(c);
            case Command.JoinQueue c -> run.joinQueue(c.actor());
            case Command.LeaveQueue c -> run.leaveQueue(c.actor());
            case Command.Claim c -> run.claim(c.actor());
            case Command.View c -> run.view(c.actor());
            case Command.Poll c -> run.poll(c.actor());
            case Command.Leave c -> run.leave(c.actor());
            case Command.AskHolder c -> run.askHolder(c.actor(), c.requestId(), c.message());
            case Command.AnswerAsk c -> run.answerAsk(c);
            case Command.RequestTakeover c -> run.requestTakeover(c.actor(), c.reason());
            case Command.EmergencyTakeover c -> run.emergencyTakeover(c.actor(), c.reason());
            case Command.AnswerTakeover c -> run.answerTakeover(c);
            case Command.ForceRelease c -> run.forceRelease(c.actor(), c.reason());
            case Command.LeaveNote c -> run.leaveNote(c);
            case Command.Disconnect c -> run.disconnect(c.sessionId());
            case Command.Resume c -> run.resume(c.actor());
            case Command.MoveToSession c -> run.moveToSession(c.actor());
            case Command.Tick c -> new Outcome.Done();
        };
        run.handOver();
        if (outcome instanceof Outcome.Denied denied) {
            run.events.add(new LockEvent.Refused(state.resourceId(), actorOf(command), command.getClass().getSimpleName(), denied.code()));
        }
        run.announceQueueMoves(state);
        List<PresenceEntry> before = state.presence();
        List<PresenceEntry> after = run.state.presence();
        if (!before.equals(after)) {
            run.events.add(new LockEvent.PresenceChanged(state.resourceId(), after));
        }
        return new Transition(run.state, outcome, run.events);
    }

    /**
     * Whether a writer presenting {@code leaseId} (and, when it has one, {@code fencingToken}) may save the resource
     * now: the rule every guarded save applies, inside the same atomic step as its write. The state is settled
     * against {@code now} first, so a lease that lapsed while nobody looked is expired here too.
     */
    public LeaseVerdict verifyLease(LockState state, String leaseId, String userId, Long fencingToken, Instant now) {
        Run run = new Run(state, policyFor(state.resourceId()), Context.at(now, () -> "verify-only"));
        run.settle();
        Lease current = run.state.holder();
        if (current != null && current.leaseId().equals(leaseId) && current.holder().userId().equals(userId)) {
            return fencingToken != null && fencingToken != current.fencingToken()
                    ? LeaseVerdict.refused(RefusalCode.STALE_FENCING_TOKEN)
                    : LeaseVerdict.valid(current);
        }
        Lease before = state.holder();
        boolean lastGrantLapsed = current == null && fencingToken != null && fencingToken == run.state.lastFence();
        if (lastGrantLapsed || (before != null && before.leaseId().equals(leaseId) && before.holder().userId().equals(userId))) {
            return LeaseVerdict.refused(RefusalCode.LEASE_EXPIRED);
        }
        if (fencingToken != null && fencingToken < run.state.lastFence()) {
            return LeaseVerdict.refused(RefusalCode.STALE_FENCING_TOKEN);
        }
        return LeaseVerdict.refused(RefusalCode.NOT_LOCK_HOLDER);
    }

    private static Actor actorOf(Command command) {
        return switch (command) {
            case Command.Acquire c -> c.actor();
            case Command.Release c -> c.actor();
            case Command.Extend c -> c.actor();
            case Command.JoinQueue c -> c.actor();
            case Command.LeaveQueue c -> c.actor();
            case Command.Claim c -> c.actor();
            case Command.View c -> c.actor();
            case Command.Poll c -> c.actor();
            case Command.Leave c -> c.actor();
            case Command.AskHolder c -> c.actor();
            case Command.AnswerAsk c -> c.actor();
            case Command.RequestTakeover c -> c.actor();
            case Command.EmergencyTakeover c -> c.actor();
            case Command.AnswerTakeover c -> c.actor();
            case Command.ForceRelease c -> c.actor();
            case Command.LeaveNote c -> c.actor();
            case Command.Resume c -> c.actor();
            case Command.MoveToSession c -> c.actor();
            case Command.Disconnect c -> null;
            case Command.Tick c -> null;
        };
    }

    /**
     * Whether {@code command} may put someone on the resource (as holder, waiter, viewer or asker): those are refused
     * for resources outside the catalogue. The others only take away or settle, so state left over from an earlier
     * configuration can still drain.
     */
    private static boolean addsSomeone(Command command) {
        return switch (command) {
            case Command.Acquire c -> true;
            case Command.JoinQueue c -> true;
            case Command.Claim c -> true;
            case Command.View c -> true;
            case Command.Poll c -> true;
            case Command.AskHolder c -> true;
            case Command.RequestTakeover c -> true;
            case Command.EmergencyTakeover c -> true;
            case Command.MoveToSession c -> true;
            case Command.Release c -> false;
            case Command.Extend c -> false;
            case Command.LeaveQueue c -> false;
            case Command.Leave c -> false;
            case Command.AnswerAsk c -> false;
            case Command.AnswerTakeover c -> false;
            case Command.ForceRelease c -> false;
            case Command.LeaveNote c -> false;
            case Command.Disconnect c -> false;
            case Command.Resume c -> false;
            case Command.Tick c -> false;
        };
    }

    /** One transition in progress: the state so far and the events it produced. */
    private static final class Run {
        LockState state;
        final LockPolicy policy;
        final Context context;
        final Instant now;
        final List<LockEvent> events = new ArrayList<>();

        Run(LockState state, LockPolicy policy, Context context) {
            this.state = state;
            this.policy = policy;
            this.context = context;
            this.now = context.now();
        }

        // ---- settling: expiry derived from deadlines -------------------------------------------------------

        void settle() {
            Lease lease = state.holder();
            if (lease != null) {
                if (lease.disconnectedAt() != null && !now.isBefore(lease.disconnectedAt().plus(policy.disconnectGrace()))) {
                    end(ReleaseCause.GRACE_PERIOD_EXPIRED, null, null, null);
                } else if (!now.isBefore(lease.expiresAt())) {
                    end(ReleaseCause.EXPIRED, null, null, null);
                } else if (!now.isBefore(lease.idleExpiresAt())) {
                    end(ReleaseCause.IDLE_TIMEOUT, null, null, null);
                } else if (!lease.warned() && !now.isBefore(lease.idleExpiresAt().minus(policy.idleWarning()))) {
                    Lease warned = lease.warnedNow();
                    state = state.withHolder(warned);
                    events.add(new LockEvent.Expiring(warned));
                }
            }
            LockState.Takeover takeover = state.takeover();
            if (takeover != null && state.holder() != null && !now.isBefore(takeover.autoForceAt())) {
                state = state.withTakeover(null);
                if (atLimit(takeover.from()) ) {
                    events.add(new LockEvent.Refused(state.resourceId(), takeover.from(), "RequestTakeover", RefusalCode.MAX_LOCKS_EXCEEDED));
                } else {
                    displace(takeover.from(), takeover.reason(), false, null);
                    grant(takeover.from(), LockEvent.Via.TAKEOVER_FORCED);
                }
            }
            List<LockState.Ask> live = new ArrayList<>();
            for (LockState.Ask ask : state.asks()) {
                if (now.isBefore(ask.expiresAt())) {
                    live.add(ask);
                } else {
                    events.add(new LockEvent.AskAnswered(state.resourceId(), ask, false, true));
                }
            }
            if (live.size() != state.asks().size()) {
                state = state.withAsks(live);
            }
            LockState.Offer offer = state.offer();
            if (offer != null && !now.isBefore(offer.claimBy())) {
                state = state.withOffer(null);
                events.add(new LockEvent.TurnPassed(state.resourceId(), offer.actor()));
            }
            List<LockState.Waiter> waiting = new ArrayList<>();
            for (LockState.Waiter waiter : state.queue()) {
                if (waiter.disconnectedAt() != null && !now.isBefore(waiter.disconnectedAt().plus(policy.disconnectGrace()))) {
                    events.add(new LockEvent.LeftQueue(state.resourceId(), waiter.actor(), LockEvent.QueueExit.GRACE_PERIOD_EXPIRED));
                } else if (!now.isBefore(waiter.joinedAt().plus(policy.queueTimeout()))) {
                    events.add(new LockEvent.LeftQueue(state.resourceId(), waiter.actor(), LockEvent.QueueExit.EXPIRED));
                } else {
                    waiting.add(waiter);
                }
            }
            if (waiting.size() != state.queue().size()) {
                state = state.withQueue(waiting);
            }
            if (state.viewers().stream().anyMatch(v -> v.expiresAt() != null && !now.isBefore(v.expiresAt()))) {
                state = state.withViewers(state.viewers().stream().filter(v -> v.expiresAt() == null || now.isBefore(v.expiresAt())).toList());
            }
            handOver();
        }

        /**
         * A free lock goes to a pending takeover requester, else to the first connected waiter who can take it: a
         * waiter at the lock limit keeps their place but is passed over, so a free lock never waits for someone who
         * could not take it (it stays free when nobody can).
         */
        void handOver() {
            if (state.holder() != null || state.offer() != null) {
                return;
            }
            LockState.Takeover takeover = state.takeover();
            if (takeover != null) {
                state = state.withTakeover(null);
                if (!atLimit(takeover.from())) {
                    grant(takeover.from(), LockEvent.Via.TAKEOVER_APPROVED);
                    return;
                }
            }
            for (LockState.Waiter waiter : state.queue()) {
                if (waiter.disconnectedAt() != null || atLimit(waiter.actor())) {
                    continue;
                }
                if (policy.queueAutoAcquire()) {
                    grant(waiter.actor(), LockEvent.Via.QUEUE_AUTO_ACQUIRE);
                } else {
                    removeWaiter(waiter.actor(), null);
                    Instant claimBy = now.plus(policy.claimWindow());
                    state = state.withOffer(new LockState.Offer(waiter.actor(), claimBy, waiter.joinedAt()));
                    events.add(new LockEvent.YourTurn(state.resourceId(), waiter.actor(), claimBy));
                }
                return;
            }
        }

        // ---- commands ----------------------------------------------------------------------------------

        Outcome acquire(Actor actor, Command.IfHeld ifHeld) {
            Lease lease = state.holder();
            if (lease != null) {
                if (lease.holder().sameSession(actor)) {
                    return new Outcome.Granted(lease, null);
                }
                if (lease.holder().sameUser(actor)) {
                    return new Outcome.Denied(RefusalCode.HELD_IN_OTHER_SESSION, lease);
                }
                return whenHeld(actor, ifHeld, lease);
            }
            LockState.Offer offer = state.offer();
            if (offer != null) {
                if (offer.actor().sameSession(actor)) {
                    return claim(actor);
                }
                return whenHeld(actor, ifHeld, null);
            }
            if (atLimit(actor)) {
                return new Outcome.Denied(RefusalCode.MAX_LOCKS_EXCEEDED, null);
            }
            return new Outcome.Granted(grant(actor, LockEvent.Via.DIRECT), consumedNote);
        }

        private Outcome whenHeld(Actor actor, Command.IfHeld ifHeld, Lease lease) {
            UpgradeMode mode = switch (ifHeld) {
                case DENY -> UpgradeMode.DENY;
                case QUEUE -> UpgradeMode.QUEUE;
                case POLICY -> policy.upgradeMode();
            };
            return switch (mode) {
                case DENY -> new Outcome.Denied(RefusalCode.LOCK_HELD, lease);
                case QUEUE -> joinQueue(actor);
                case REQUEST -> lease == null
                        ? joinQueue(actor)
                        : askHolder(actor, context.leaseIds().get(), actor.name() + " would like to edit.");
            };
        }

        Outcome release(Command.Release c) {
            Outcome refusal = refuseUnlessHolder(c.actor(), c.leaseId());
            if (refusal != null) {
                return refusal;
            }
            if (!validNote(c.note())) {
                return new Outcome.Denied(RefusalCode.MESSAGE_TOO_LONG, null);
            }
            end(ReleaseCause.RELEASED, blankToNull(c.note()), null, null);
            return new Outcome.Released();
        }

        Outcome extend(Command.Extend c) {
            Outcome refusal = refuseUnlessHolder(c.actor(), c.leaseId());
            if (refusal != null) {
                return refusal;
            }
            Lease extended = state.holder().extended(now.plus(policy.leaseTtl()), now, c.active(), policy);
            state = state.withHolder(extended);
            return new Outcome.Extended(extended);
        }

        Outcome joinQueue(Actor actor) {
            Lease lease = state.holder();
            if (lease != null && lease.holder().sameSession(actor)) {
                return new Outcome.Granted(lease, null);
            }
            if (lease == null && state.offer() == null) {
                // Settling served everyone waiting who could take it: a free lock is taken, not waited for (and one
                // who cannot take it must not line up in front of it).
                return acquire(actor, Command.IfHeld.DENY);
            }
            if (!policy.queueEnabled()) {
                return new Outcome.Denied(RefusalCode.QUEUE_DISABLED, lease);
            }
            int position = state.positionOf(actor);
            if (position > 0) {
                return new Outcome.Queued(position, state.estimatedWait(position));
            }
            if (state.isOfferedTo(actor)) {
                return new Outcome.Queued(0, Duration.ZERO);
            }
            if (policy.upgradeMode() == UpgradeMode.DENY) {
                return new Outcome.Denied(RefusalCode.LOCK_HELD, lease);
            }
            if (state.queue().size() >= policy.queueMaxSize()) {
                return new Outcome.Denied(RefusalCode.QUEUE_FULL, lease);
            }
            if (!state.hasQueuePlace(actor.userId()) && context.usersAtQueueLimit().contains(actor.userId())) {
                return new Outcome.Denied(RefusalCode.MAX_QUEUES_EXCEEDED, lease);
            }
            List<LockState.Waiter> queue = new ArrayList<>(state.queue());
            queue.add(new LockState.Waiter(actor, now, null));
            state = state.withQueue(queue);
            removeViewer(actor);
            int place = state.positionOf(actor);
            Duration wait = state.estimatedWait(place);
            events.add(new LockEvent.Queued(state.resourceId(), actor, place, wait));
            return new Outcome.Queued(place, wait);
        }

        Outcome leaveQueue(Actor actor) {
            if (state.isOfferedTo(actor)) {
                state = state.withOffer(null);
                events.add(new LockEvent.LeftQueue(state.resourceId(), actor, LockEvent.QueueExit.LEFT));
                return new Outcome.Done();
            }
            if (!removeWaiter(actor, LockEvent.QueueExit.LEFT)) {
                return new Outcome.Denied(RefusalCode.NOT_IN_QUEUE, null);
            }
            return new Outcome.Done();
        }

        Outcome claim(Actor actor) {
            Lease lease = state.holder();
            if (lease != null && lease.holder().sameSession(actor)) {
                return new Outcome.Granted(lease, null);
            }
            LockState.Offer offer = state.offer();
            boolean offered = offer != null && offer.actor().sameSession(actor);
            // Settling has handed a free lock to every waiter who could take it; if it is still free, nobody waiting can.
            boolean freeForAll = lease == null && offer == null;
            if (!offered && !freeForAll) {
                return new Outcome.Denied(RefusalCode.NO_TURN, lease);
            }
            if (atLimit(actor)) {
                return new Outcome.Denied(RefusalCode.MAX_LOCKS_EXCEEDED, null);
            }
            state = state.withOffer(null);
            Lease granted = grant(actor, offered ? LockEvent.Via.CLAIM : LockEvent.Via.DIRECT, offered ? offer.queuedSince() : null);
            return new Outcome.Granted(granted, consumedNote);
        }

        Outcome view(Actor actor) {
            if (!policy.trackViewers()) {
                return new Outcome.Done();
            }
            Lease lease = state.holder();
            if (lease != null && lease.holder().sameSession(actor)) {
                return new Outcome.Done();
            }
            LockState.Viewer existing = state.viewers().stream().filter(v -> v.actor().sameSession(actor)).findFirst().orElse(null);
            if (existing != null) {
                if (existing.expiresAt() != null && (!actor.polling() || renewalDue(existing))) {
                    replaceViewer(existing, new LockState.Viewer(actor, existing.since(), viewingDeadline(actor)));
                }
                return new Outcome.Done();
            }
            if (!state.hasViewerRoom(policy)) {
                return new Outcome.Denied(RefusalCode.VIEWER_LIMIT, null);
            }
            List<LockState.Viewer> viewers = new ArrayList<>(state.viewers());
            viewers.add(new LockState.Viewer(actor, now, viewingDeadline(actor)));
            state = state.withViewers(viewers);
            return new Outcome.Done();
        }

        /** A polling viewer looked again: its viewing is renewed (once half its time is gone, to spare writes). */
        Outcome poll(Actor actor) {
            state.viewers().stream().filter(v -> v.actor().sameSession(actor) && v.expiresAt() != null && renewalDue(v)).findFirst()
                    .ifPresent(v -> replaceViewer(v, new LockState.Viewer(v.actor(), v.since(), now.plus(policy.viewerTimeout()))));
            return new Outcome.Done();
        }

        Outcome leave(Actor actor) {
            removeViewer(actor);
            removeWaiter(actor, LockEvent.QueueExit.LEFT);
            if (state.isOfferedTo(actor)) {
                state = state.withOffer(null);
                events.add(new LockEvent.TurnPassed(state.resourceId(), actor));
            }
            state = state.withAsks(state.asks().stream().filter(a -> !a.from().sameSession(actor)).toList());
            Lease lease = state.holder();
            if (lease != null && lease.holder().sameSession(actor)) {
                end(ReleaseCause.DISCONNECT, null, null, null);
            }
            return new Outcome.Done();
        }

        Outcome askHolder(Actor actor, String requestId, String message) {
            Lease lease = state.holder();
            if (lease == null) {
                return new Outcome.Denied(RefusalCode.NOT_HELD, null);
            }
            if (lease.holder().sameUser(actor)) {
                return new Outcome.Denied(RefusalCode.HELD_IN_OTHER_SESSION, lease);
            }
            if (!validNote(message)) {
                return new Outcome.Denied(RefusalCode.MESSAGE_TOO_LONG, lease);
            }
            // One pending ask per user, not per tab: fifty tabs of one nurse prompt the holder once.
            if (state.asks().stream().anyMatch(a -> a.from().sameUser(actor))) {
                return new Outcome.Denied(RefusalCode.REQUEST_PENDING, lease);
            }
            LockState.Ask ask = new LockState.Ask(requestId, actor, message == null ? "" : message.strip(), now.plus(policy.askHolderTimeout()));
            List<LockState.Ask> asks = new ArrayList<>(state.asks());
            asks.add(ask);
            state = state.withAsks(asks);
            events.add(new LockEvent.AskReceived(state.resourceId(), ask, lease.holder()));
            return new Outcome.AskSent(requestId, ask.expiresAt());
        }

        Outcome answerAsk(Command.AnswerAsk c) {
            Lease lease = state.holder();
            if (lease == null || !lease.holder().sameSession(c.actor())) {
                return new Outcome.Denied(RefusalCode.NOT_LOCK_HOLDER, lease);
            }
            LockState.Ask ask = state.asks().stream().filter(a -> a.requestId().equals(c.requestId())).findFirst().orElse(null);
            if (ask == null) {
                return new Outcome.Denied(RefusalCode.NO_SUCH_REQUEST, null);
            }
            if (!validNote(c.note())) {
                return new Outcome.Denied(RefusalCode.MESSAGE_TOO_LONG, null);
            }
            state = state.withAsks(state.asks().stream().filter(a -> a != ask).toList());
            if (!c.approve()) {
                events.add(new LockEvent.AskAnswered(state.resourceId(), ask, false, false));
                return new Outcome.Done();
            }
            if (atLimit(ask.from())) {
                events.add(new LockEvent.AskAnswered(state.resourceId(), ask, false, false));
                return new Outcome.Denied(RefusalCode.MAX_LOCKS_EXCEEDED, null);
            }
            events.add(new LockEvent.AskAnswered(state.resourceId(), ask, true, false));
            end(ReleaseCause.RELEASED, blankToNull(c.note()), null, null);
            state = state.withOffer(null);
            grant(ask.from(), LockEvent.Via.ASK_APPROVED);
            return new Outcome.Done();
        }

        Outcome requestTakeover(Actor actor, String reason) {
            Outcome refusal = refuseTakeover(actor, reason);
            if (refusal != null) {
                return refusal;
            }
            Lease lease = state.holder();
            if (lease == null || lease.holder().sameSession(actor)) {
                return acquire(actor, Command.IfHeld.DENY);
            }
            if (state.takeover() != null) {
                return new Outcome.Denied(RefusalCode.TAKEOVER_PENDING, lease);
            }
            Instant autoForceAt = now.plus(policy.takeoverRequestTimeout());
            String why = reasonText(reason);
            state = state.withTakeover(new LockState.Takeover(actor, why, autoForceAt));
            events.add(new LockEvent.TakeoverRequested(state.resourceId(), actor, why, autoForceAt, lease.holder()));
            return new Outcome.TakeoverPending(autoForceAt);
        }

        Outcome emergencyTakeover(Actor actor, String reason) {
            Outcome refusal = refuseTakeover(actor, reason);
            if (refusal != null) {
                return refusal;
            }
            Lease lease = state.holder();
            if (lease != null && lease.holder().sameSession(actor)) {
                return new Outcome.Granted(lease, null);
            }
            if (atLimit(actor)) {
                return new Outcome.Denied(RefusalCode.MAX_LOCKS_EXCEEDED, null);
            }
            if (state.offer() != null) {
                // The waiter whose turn it was goes back to the front, ahead of everyone (so with the earliest join
                // time), even if that makes the queue one longer than its maximum: nobody loses a turn to an emergency.
                LockState.Offer offer = state.offer();
                Instant front = state.queue().stream().map(LockState.Waiter::joinedAt).min(Instant::compareTo).orElse(now);
                List<LockState.Waiter> queue = new ArrayList<>();
                queue.add(new LockState.Waiter(offer.actor(), front.isBefore(now) ? front.minusMillis(1) : now, null));
                queue.addAll(state.queue());
                state = state.withOffer(null).withQueue(queue);
            }
            if (state.takeover() != null && state.takeover().from().sameSession(actor)) {
                state = state.withTakeover(null);
            }
            if (lease != null) {
                displace(actor, reasonText(reason), true, null);
            }
            Lease granted = grant(actor, LockEvent.Via.EMERGENCY);
            return new Outcome.Granted(granted, consumedNote);
        }

        Outcome answerTakeover(Command.AnswerTakeover c) {
            Lease lease = state.holder();
            if (lease == null || !lease.holder().sameSession(c.actor())) {
                return new Outcome.Denied(RefusalCode.NOT_LOCK_HOLDER, lease);
            }
            LockState.Takeover takeover = state.takeover();
            if (takeover == null) {
                return new Outcome.Denied(RefusalCode.NO_TAKEOVER_PENDING, null);
            }
            if (!validNote(c.note())) {
                return new Outcome.Denied(RefusalCode.MESSAGE_TOO_LONG, null);
            }
            if (!c.approve()) {
                events.add(new LockEvent.TakeoverDenied(state.resourceId(), takeover.from(), lease.holder()));
                return new Outcome.Done();
            }
            state = state.withTakeover(null);
            if (atLimit(takeover.from())) {
                return new Outcome.Denied(RefusalCode.MAX_LOCKS_EXCEEDED, null);
            }
            end(ReleaseCause.TAKEOVER, blankToNull(c.note()), takeover.from(), takeover.reason());
            state = state.withOffer(null);
            grant(takeover.from(), LockEvent.Via.TAKEOVER_APPROVED);
            return new Outcome.Done();
        }

        Outcome forceRelease(Actor actor, String reason) {
            if (!policy.takeoverEnabled()) {
                return new Outcome.Denied(RefusalCode.TAKEOVER_DISABLED, state.holder());
            }
            if (!actor.hasAnyRole(Set.of("admin"))) {
                return new Outcome.Denied(RefusalCode.FORBIDDEN_ROLE, state.holder());
            }
            if (policy.takeoverRequiresReason() && (reason == null || reason.isBlank())) {
                return new Outcome.Denied(RefusalCode.REASON_REQUIRED, state.holder());
            }
            if (reason != null && reason.length() > MAX_MESSAGE) {
                return new Outcome.Denied(RefusalCode.MESSAGE_TOO_LONG, null);
            }
            Lease lease = state.holder();
            if (lease == null) {
                return new Outcome.Denied(RefusalCode.NOT_HELD, null);
            }
            String why = reasonText(reason);
            events.add(new LockEvent.AdminReleased(lease, actor, why));
            end(ReleaseCause.ADMIN_RELEASE, null, actor, why);
            return new Outcome.Done();
        }

        Outcome leaveNote(Command.LeaveNote c) {
            boolean recentlyTheirs = c.leaseId() != null && state.recentlyEnded().contains(c.leaseId());
            Lease lease = state.holder();
            if (!recentlyTheirs || (lease != null && lease.holder().sameUser(c.actor()))) {
                return new Outcome.Denied(RefusalCode.NOTE_NOT_ALLOWED, null);
            }
            if (!validNote(c.note())) {
                return new Outcome.Denied(RefusalCode.MESSAGE_TOO_LONG, null);
            }
            String note = blankToNull(c.note());
            if (note == null) {
                return new Outcome.Denied(RefusalCode.NOTE_REQUIRED, null);
            }
            if (lease == null) {
                state = state.withHandoverNote(note);
            } else {
                events.add(new LockEvent.NoteLeft(state.resourceId(), c.actor(), lease.holder(), note));
            }
            return new Outcome.Done();
        }

        Outcome disconnect(String sessionId) {
            Lease lease = state.holder();
            if (lease != null && lease.holder().sessionId().equals(sessionId) && lease.disconnectedAt() == null) {
                if (policy.disconnectGrace().isZero()) {
                    end(ReleaseCause.GRACE_PERIOD_EXPIRED, null, null, null);
                } else {
                    Lease disconnected = lease.disconnected(now);
                    state = state.withHolder(disconnected);
                    events.add(new LockEvent.HolderDisconnected(disconnected, now.plus(policy.disconnectGrace())));
                }
            }
            state = state.withViewers(state.viewers().stream().filter(v -> !v.actor().sessionId().equals(sessionId)).toList());
            state = state.withAsks(state.asks().stream().filter(a -> !a.from().sessionId().equals(sessionId)).toList());
            state = state.withQueue(state.queue().stream()
                    .map(w -> w.actor().sessionId().equals(sessionId) && w.disconnectedAt() == null
                            ? new LockState.Waiter(w.actor(), w.joinedAt(), now) : w)
                    .toList());
            return new Outcome.Done();
        }

        Outcome resume(Actor actor) {
            Lease lease = state.holder();
            if (lease != null && lease.holder().sameSession(actor) && lease.disconnectedAt() != null) {
                Lease resumed = lease.reconnected(actor);
                state = state.withHolder(resumed);
                events.add(new LockEvent.HolderResumed(resumed));
            }
            state = state.withQueue(state.queue().stream()
                    .map(w -> w.actor().sameSession(actor) ? new LockState.Waiter(actor, w.joinedAt(), null) : w)
                    .toList());
            boolean inLine = state.positionOf(actor) > 0 || state.isOfferedTo(actor);
            if (!inLine) {
                view(actor); // presence shows it again; with no viewer room left it stays out, as a new viewer would
            }
            return new Outcome.Done();
        }

        Outcome moveToSession(Actor actor) {
            Lease lease = state.holder();
            if (lease == null || lease.holder().sameSession(actor)) {
                return acquire(actor, Command.IfHeld.DENY);
            }
            if (!lease.holder().sameUser(actor)) {
                return new Outcome.Denied(RefusalCode.LOCK_HELD, lease);
            }
            end(ReleaseCause.MOVED, null, actor, null);
            state = state.withHandoverNote(null);
            Lease granted = grant(actor, LockEvent.Via.MOVED);
            return new Outcome.Granted(granted, null);
        }

        // ---- shared steps -----------------------------------------------------------------------------------

        private String consumedNote;

        /** Grants a new lease to {@code actor} with the next fence; the previous holder's note goes with it. */
        Lease grant(Actor actor, LockEvent.Via via) {
            return grant(actor, via, null);
        }

        /**
         * As {@link #grant(Actor, LockEvent.Via)}; the grant carries when {@code actor} joined the queue: their place in
         * it, or else {@code offeredSince} (the join time of a claimed offer, whose place was already given up).
         */
        Lease grant(Actor actor, LockEvent.Via via, Instant offeredSince) {
            Instant queuedSince = state.queue().stream().filter(w -> w.actor().sameSession(actor)).map(LockState.Waiter::joinedAt)
                    .findFirst().orElse(offeredSince);
            long fence = state.lastFence() + 1;
            Lease lease = new Lease(state.resourceId(), context.leaseIds().get(), fence, actor, now, now.plus(policy.leaseTtl()),
                    now.plus(policy.idleTimeout()), now, false, null);
            String note = state.handoverNote();
            removeViewer(actor);
            removeWaiter(actor, null);
            state = state.withGrant(lease);
            consumedNote = note;
            events.add(new LockEvent.Acquired(lease, via, note, queuedSince));
            return lease;
        }

        /** Ends the current lease for {@code cause}; a connected ex-holder keeps watching. */
        void end(ReleaseCause cause, String note, Actor by, String reason) {
            Lease lease = state.holder();
            Duration held = Duration.between(lease.acquiredAt(), now);
            Duration average = state.averageHold() == null ? held
                    : Duration.ofMillis((long) (state.averageHold().toMillis() * 0.7 + held.toMillis() * 0.3));
            for (LockState.Ask ask : state.asks()) {
                events.add(new LockEvent.AskAnswered(state.resourceId(), ask, false, false));
            }
            state = state.withAsks(List.of()).withEnded(lease, average, note);
            events.add(new LockEvent.Released(lease, cause, note, by, reason));
            boolean stillHere = lease.disconnectedAt() == null && cause != ReleaseCause.DISCONNECT
                    && cause != ReleaseCause.GRACE_PERIOD_EXPIRED && policy.trackViewers();
            if (stillHere) {
                List<LockState.Viewer> viewers = new ArrayList<>(state.viewers());
                viewers.add(new LockState.Viewer(lease.holder(), now, viewingDeadline(lease.holder())));
                state = state.withViewers(viewers);
            }
        }

        /** The holder loses the lock to {@code by}: told first, then released. */
        void displace(Actor by, String reason, boolean emergency, String note) {
            Lease lease = state.holder();
            events.add(new LockEvent.TakenOver(lease, by, reason, emergency));
            end(ReleaseCause.TAKEOVER, note, by, reason);
        }

        private Outcome refuseUnlessHolder(Actor actor, String leaseId) {
            Lease lease = state.holder();
            if (lease != null && lease.leaseId().equals(leaseId)) {
                return lease.holder().sameSession(actor) ? null : new Outcome.Denied(RefusalCode.NOT_LOCK_HOLDER, lease);
            }
            if (leaseId != null && state.recentlyEnded().contains(leaseId)) {
                return new Outcome.Denied(RefusalCode.LEASE_EXPIRED, lease);
            }
            return new Outcome.Denied(RefusalCode.NOT_LOCK_HOLDER, lease);
        }

        private Outcome refuseTakeover(Actor actor, String reason) {
            if (!policy.takeoverEnabled()) {
                return new Outcome.Denied(RefusalCode.TAKEOVER_DISABLED, state.holder());
            }
            if (!actor.hasAnyRole(policy.takeoverRoles())) {
                return new Outcome.Denied(RefusalCode.FORBIDDEN_ROLE, state.holder());
            }
            if (policy.takeoverRequiresReason() && (reason == null || reason.isBlank())) {
                return new Outcome.Denied(RefusalCode.REASON_REQUIRED, state.holder());
            }
            if (reason != null && reason.length() > MAX_MESSAGE) {
                return new Outcome.Denied(RefusalCode.MESSAGE_TOO_LONG, state.holder());
            }
            return null;
        }

        private boolean atLimit(Actor actor) {
            return context.usersAtLockLimit().contains(actor.userId());
        }

        /** Takes {@code actor}'s session out of the line, announcing why unless {@code why} is null (it got the lock). */
        private boolean removeWaiter(Actor actor, LockEvent.QueueExit why) {
            List<LockState.Waiter> remaining = state.queue().stream().filter(w -> !w.actor().sameSession(actor)).toList();
            if (remaining.size() == state.queue().size()) {
                return false;
            }
            state = state.withQueue(remaining);
            if (why != null) {
                events.add(new LockEvent.LeftQueue(state.resourceId(), actor, why));
            }
            return true;
        }

        /** Tells every waiter still in line whose place or estimated wait this transition changed. */
        void announceQueueMoves(LockState before) {
            List<LockState.Waiter> queue = state.queue();
            for (int i = 0; i < queue.size(); i++) {
                Actor waiter = queue.get(i).actor();
                int was = before.positionOf(waiter);
                if (was == 0) {
                    continue; // new in line: its own answer (Queued) says where it stands
                }
                Duration wait = state.estimatedWait(i + 1);
                if (was != i + 1 || before.estimatedWait(was).toSeconds() != wait.toSeconds()) {
                    events.add(new LockEvent.QueuePositionChanged(state.resourceId(), waiter, i + 1, wait));
                }
            }
        }

        /** Until when {@code actor} watches: a polling actor for the viewer timeout, a live connection until it goes. */
        private Instant viewingDeadline(Actor actor) {
            return actor.polling() ? now.plus(policy.viewerTimeout()) : null;
        }

        private boolean renewalDue(LockState.Viewer viewer) {
            return viewer.expiresAt().isBefore(now.plus(policy.viewerTimeout().dividedBy(2)));
        }

        private void replaceViewer(LockState.Viewer old, LockState.Viewer renewed) {
            state = state.withViewers(state.viewers().stream().map(v -> v == old ? renewed : v).toList());
        }

        private void removeViewer(Actor actor) {
            if (state.viewers().stream().anyMatch(v -> v.actor().sameSession(actor))) {
                state = state.withViewers(state.viewers().stream().filter(v -> !v.actor().sameSession(actor)).toList());
            }
        }

        private static boolean validNote(String note) {
            return note == null || note.length() <= MAX_MESSAGE;
        }

        /** A takeover's reason as recorded: stripped, and empty when none was needed and none was given. */
        private static String reasonText(String reason) {
            return reason == null ? "" : reason.strip();
        }

        private static String blankToNull(String note) {
            return note == null || note.isBlank() ? null : note.strip();
        }
    }
}
