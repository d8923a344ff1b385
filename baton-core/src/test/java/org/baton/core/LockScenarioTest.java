package org.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.baton.core.Fixture.CHEN;
import static org.baton.core.Fixture.JOHNSON;
import static org.baton.core.Fixture.OKAFOR;
import static org.baton.core.Fixture.RIVERA;
import static org.baton.core.Fixture.SHARMA;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seeds' flows, read as stories, with a manual clock. */
class LockScenarioTest {
    final Fixture f = new Fixture();

    @Test
    void seed000_scenario1_cleanEdit_acquireHeartbeatRelease() {
        Lease lease = f.acquire(SHARMA);
        assertThat(lease.fencingToken()).isEqualTo(1);
        assertThat(lease.resourceId().toString()).isEqualTo("catheter:42:main");
        assertThat(lease.expiresAt()).isEqualTo(Fixture.T0.plus(Duration.ofMinutes(5)));

        f.advance(Duration.ofSeconds(60));
        var extended = f.run(new Command.Extend(SHARMA, lease.leaseId(), true));
        assertThat(((Outcome.Extended) extended.outcome()).lease().expiresAt()).isEqualTo(Fixture.T0.plus(Duration.ofMinutes(6)));

        var released = f.run(new Command.Release(SHARMA, lease.leaseId(), null));
        assertThat(released.outcome()).isInstanceOf(Outcome.Released.class);
        assertThat(released.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.Released.class,
                r -> assertThat(r.cause()).isEqualTo(ReleaseCause.RELEASED)));
        assertThat(f.state().holder()).isNull();
    }

    @Test
    void seed000_scenario2_recordLocked_queue_thenHandOverOnRelease() {
        Lease sharma = f.acquire(SHARMA);
        var denied = f.run(new Command.Acquire(OKAFOR, Command.IfHeld.DENY));
        assertThat(denied.outcome()).isInstanceOfSatisfying(Outcome.Denied.class, d -> {
            assertThat(d.code()).isEqualTo(RefusalCode.LOCK_HELD);
            assertThat(d.holder().holder().name()).isEqualTo("Dr. Priya Sharma");
        });
        var queued = f.run(new Command.JoinQueue(OKAFOR));
        assertThat(queued.outcome()).isEqualTo(new Outcome.Queued(1, Duration.ofMinutes(5)));
        f.run(new Command.JoinQueue(CHEN));
        assertThat(f.state().positionOf(CHEN)).isEqualTo(2);

        f.advance(Duration.ofMinutes(3));
        var released = f.run(new Command.Release(SHARMA, sharma.leaseId(), "dose change pending pharmacy check"));
        LockEvent.Acquired handedOver = released.events().stream().filter(LockEvent.Acquired.class::isInstance)
                .map(LockEvent.Acquired.class::cast).findFirst().orElseThrow();
        assertThat(handedOver.lease().holder()).isEqualTo(OKAFOR);
        assertThat(handedOver.via()).isEqualTo(LockEvent.Via.QUEUE_AUTO_ACQUIRE);
        assertThat(handedOver.lease().fencingToken()).isEqualTo(2);
        assertThat(handedOver.handoverNote()).isEqualTo("dose change pending pharmacy check");
        assertThat(f.state().positionOf(CHEN)).isEqualTo(1);
    }

    @Test
    void seed000_scenario2_withoutAutoAcquire_yourTurn_andAMissedClaimPassesTheTurnOn() {
        Fixture manual = new Fixture(LockPolicy.defaults().withQueue(true, 10, false));
        Lease sharma = manual.acquire(SHARMA);
        manual.run(new Command.JoinQueue(OKAFOR));
        manual.run(new Command.JoinQueue(CHEN));
        var released = manual.run(new Command.Release(SHARMA, sharma.leaseId(), null));
        assertThat(released.events()).anySatisfy(e -> assertThat(e).isEqualTo(
                new LockEvent.YourTurn(Fixture.CATHETER, OKAFOR, Fixture.T0.plusSeconds(30))));
        assertThat(manual.run(new Command.Claim(CHEN)).outcome())
                .isEqualTo(new Outcome.Denied(RefusalCode.NO_TURN, null));

        manual.advance(Duration.ofSeconds(31));
        var tick = manual.run(new Command.Tick());
        assertThat(tick.events()).contains(new LockEvent.TurnPassed(Fixture.CATHETER, OKAFOR));
        assertThat(tick.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.YourTurn.class,
                t -> assertThat(t.actor()).isEqualTo(CHEN)));
        var claimed = manual.run(new Command.Claim(CHEN));
        assertThat(claimed.outcome()).isInstanceOfSatisfying(Outcome.Granted.class, g -> assertThat(g.lease().fencingToken()).isEqualTo(2));
    }

    @Test
    void anEmergencyDuringAClaimWindow_putsTheOffereeBackAtTheFront_evenOfAFullQueue() {
        Fixture manual = new Fixture(LockPolicy.defaults().withQueue(true, 2, false));
        Lease sharma = manual.acquire(SHARMA);
        manual.run(new Command.JoinQueue(OKAFOR));
        manual.advance(Duration.ofSeconds(1));
        manual.run(new Command.JoinQueue(CHEN));
        manual.run(new Command.Release(SHARMA, sharma.leaseId(), null));
        manual.advance(Duration.ofSeconds(1));
        manual.run(new Command.JoinQueue(Fixture.RIVERA));
        assertThat(manual.state().offer().actor()).isEqualTo(OKAFOR);

        var emergency = manual.run(new Command.EmergencyTakeover(JOHNSON, "patient crashing"));
        assertThat(emergency.outcome()).isInstanceOf(Outcome.Granted.class);
        LockState after = manual.state();
        assertThat(after.queue()).extracting(LockState.Waiter::actor).containsExactly(OKAFOR, CHEN, Fixture.RIVERA);
        assertThat(after.queue().get(0).joinedAt()).as("first in line, by join time too").isBefore(after.queue().get(1).joinedAt());
        assertThat(manual.run(new Command.JoinQueue(Fixture.otherTab(Fixture.RIVERA))).outcome())
                .as("the queue is over its maximum only by the restored offeree; nobody else joins")
                .isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.code()).isEqualTo(RefusalCode.QUEUE_FULL));
    }

    @Test
    void seed000_scenario3_emergencyOverride_byAttending_withReason() {
        Lease okafor = f.acquire(OKAFOR);
        var override = f.run(new Command.EmergencyTakeover(JOHNSON, "Emergency surgery update"));
        Lease johnson = ((Outcome.Granted) override.outcome()).lease();
        assertThat(johnson.fencingToken()).isEqualTo(okafor.fencingToken() + 1);
        assertThat(override.events()).first().isEqualTo(new LockEvent.TakenOver(okafor, JOHNSON, "Emergency surgery update", true));
        assertThat(override.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.Released.class, r -> {
            assertThat(r.cause()).isEqualTo(ReleaseCause.TAKEOVER);
            assertThat(r.by()).isEqualTo(JOHNSON);
        }));
        assertThat(f.run(new Command.Extend(OKAFOR, okafor.leaseId(), true)).outcome())
                .isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.code()).isEqualTo(RefusalCode.LEASE_EXPIRED));
        assertThat(f.state().presence()).extracting(PresenceEntry::actor, PresenceEntry::mode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(JOHNSON, PresenceEntry.Mode.EDITOR),
                        org.assertj.core.groups.Tuple.tuple(OKAFOR, PresenceEntry.Mode.VIEWER));
    }

    @Test
    void issue13_displacedEditor_leavesANoteAfterwards_forTheEditorNow_orTheNextOne() {
        Fixture f = new Fixture();
        Lease okafor = f.acquire(OKAFOR);
        f.run(new Command.EmergencyTakeover(JOHNSON, "Emergency surgery update"));
        var note = f.run(new Command.LeaveNote(OKAFOR, okafor.leaseId(), "  Bolus given 14:02, not yet charted  "));
        assertThat(note.outcome()).isInstanceOf(Outcome.Done.class);
        assertThat(note.events()).containsExactly(new LockEvent.NoteLeft(Fixture.CATHETER, OKAFOR, JOHNSON, "Bolus given 14:02, not yet charted"));
        assertThat(note.written()).as("a note changes no state yet is written, so it is announced to the holder wherever they are").isTrue();
        var refused = f.run(new Command.LeaveNote(CHEN, "lease-guessed", "hello"));
        assertThat(refused.written()).as("a refusal is only journaled").isFalse();
        assertThat(refused.version()).isEqualTo(note.version());

        assertThat(((Outcome.Denied) f.run(new Command.LeaveNote(CHEN, "lease-guessed", "hello")).outcome()).code())
                .as("only someone who held a recent lease").isEqualTo(RefusalCode.NOTE_NOT_ALLOWED);
        assertThat(((Outcome.Denied) f.run(new Command.LeaveNote(OKAFOR, okafor.leaseId(), "x".repeat(281))).outcome()).code())
                .isEqualTo(RefusalCode.MESSAGE_TOO_LONG);
        assertThat(((Outcome.Denied) f.run(new Command.LeaveNote(OKAFOR, okafor.leaseId(), " ")).outcome()).code())
                .isEqualTo(RefusalCode.NOTE_REQUIRED);

        Lease johnson = f.state().holder();
        f.run(new Command.ForceRelease(RIVERA, "left on the ward PC"));
        assertThat(f.run(new Command.LeaveNote(JOHNSON, johnson.leaseId(), "Rate set to 0, review at 15:00")).events())
                .as("nobody holds it: the note waits").isEmpty();
        var next = f.run(new Command.Acquire(CHEN, Command.IfHeld.DENY));
        assertThat(((Outcome.Granted) next.outcome()).handoverNote()).isEqualTo("Rate set to 0, review at 15:00");
    }

    @Test
    void takeover_needsTheRole_andAReason() {
        f.acquire(OKAFOR);
        assertThat(f.run(new Command.EmergencyTakeover(CHEN, "I need it")).outcome())
                .isEqualTo(new Outcome.Denied(RefusalCode.FORBIDDEN_ROLE, f.state().holder()));
        assertThat(((Outcome.Denied) f.run(new Command.EmergencyTakeover(JOHNSON, "  ")).outcome()).code())
                .isEqualTo(RefusalCode.REASON_REQUIRED);
        assertThat(f.run(new Command.EmergencyTakeover(JOHNSON, "  ")).events())
                .anySatisfy(e -> assertThat(e).isInstanceOf(LockEvent.Refused.class));
    }

    @Test
    void seed001_decision5_takeoverRequest_approvedByTheHolder_handsOver() {
        Lease okafor = f.acquire(OKAFOR);
        var requested = f.run(new Command.RequestTakeover(JOHNSON, "Emergency surgery update"));
        assertThat(requested.outcome()).isEqualTo(new Outcome.TakeoverPending(Fixture.T0.plusSeconds(30)));
        assertThat(requested.events()).contains(new LockEvent.TakeoverRequested(Fixture.CATHETER, JOHNSON,
                "Emergency surgery update", Fixture.T0.plusSeconds(30), OKAFOR));
        var approved = f.run(new Command.AnswerTakeover(OKAFOR, true, "saved my notes"));
        assertThat(approved.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.Acquired.class, a -> {
            assertThat(a.lease().holder()).isEqualTo(JOHNSON);
            assertThat(a.handoverNote()).isEqualTo("saved my notes");
        }));
        assertThat(f.state().holder().fencingToken()).isEqualTo(okafor.fencingToken() + 1);
    }

    @Test
    void seed001_decision5_takeoverRequest_deniedOrIgnored_isForcedAtTheDeadline() {
        f.acquire(OKAFOR);
        f.run(new Command.RequestTakeover(JOHNSON, "Emergency surgery update"));
        var denied = f.run(new Command.AnswerTakeover(OKAFOR, false, null));
        assertThat(denied.events()).contains(new LockEvent.TakeoverDenied(Fixture.CATHETER, JOHNSON, OKAFOR));
        f.advance(Duration.ofSeconds(29));
        assertThat(f.state().holder().holder()).isEqualTo(OKAFOR);
        f.advance(Duration.ofSeconds(1));
        var forced = f.run(new Command.Tick());
        assertThat(forced.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.TakenOver.class,
                t -> assertThat(t.emergency()).isFalse()));
        assertThat(f.state().holder().holder()).isEqualTo(JOHNSON);
    }

    @Test
    void seed001_decision3_disconnect_graceKeepsTheLock_andResumeContinuesTheSameLease() {
        Lease lease = f.acquire(SHARMA);
        f.run(new Command.View(OKAFOR));
        var dropped = f.run(new Command.Disconnect(SHARMA.sessionId()));
        assertThat(dropped.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.HolderDisconnected.class,
                d -> assertThat(d.graceEndsAt()).isEqualTo(Fixture.T0.plusSeconds(30))));
        f.advance(Duration.ofSeconds(29));
        f.run(new Command.Resume(SHARMA));
        assertThat(f.state().holder().leaseId()).isEqualTo(lease.leaseId());
        assertThat(f.state().holder().fencingToken()).isEqualTo(lease.fencingToken());
        f.advance(Duration.ofMinutes(1));
        assertThat(f.state().holder()).isNotNull();
    }

    @Test
    void aViewerThatDroppedAndResumed_isInThePresenceAgain_butAWaiterIsNotMadeAViewer() {
        f.acquire(SHARMA);
        f.run(new Command.View(OKAFOR));
        f.run(new Command.JoinQueue(CHEN));
        f.run(new Command.Disconnect(OKAFOR.sessionId()));
        f.run(new Command.Disconnect(CHEN.sessionId()));
        assertThat(f.state().viewers()).as("a dropped viewer is out of the presence").isEmpty();
        var back = f.run(new Command.Resume(OKAFOR));
        assertThat(back.events()).anySatisfy(e -> assertThat(e).isInstanceOf(LockEvent.PresenceChanged.class));
        f.run(new Command.Resume(CHEN));
        assertThat(f.state().viewers()).extracting(v -> v.actor().userId()).containsExactly("okafor");
        assertThat(f.state().queue()).extracting(w -> w.actor().userId(), LockState.Waiter::disconnectedAt).containsExactly(
                org.assertj.core.groups.Tuple.tuple("chen", null));
        f.run(new Command.Resume(SHARMA));
        assertThat(f.state().viewers()).as("the holder is not made a viewer").hasSize(1);
    }

    @Test
    void seed001_decision3_disconnect_pastGrace_releasesAndHandsOver() {
        f.acquire(SHARMA);
        f.run(new Command.JoinQueue(OKAFOR));
        f.run(new Command.Disconnect(SHARMA.sessionId()));
        f.advance(Duration.ofSeconds(30));
        var tick = f.run(new Command.Tick());
        assertThat(tick.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.Released.class,
                r -> assertThat(r.cause()).isEqualTo(ReleaseCause.GRACE_PERIOD_EXPIRED)));
        assertThat(f.state().holder().holder()).isEqualTo(OKAFOR);
    }

    @Test
    void seed001_decision6_noHeartbeatForTheLeaseTtl_expires() {
        f.acquire(SHARMA);
        f.advance(Duration.ofMinutes(5));
        var tick = f.run(new Command.Tick());
        assertThat(tick.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.Released.class,
                r -> assertThat(r.cause()).isEqualTo(ReleaseCause.EXPIRED)));
    }

    @Test
    void idleTimeout_warnsFiveMinutesBefore_andReleasesWithoutActivity_evenWithHeartbeats() {
        Lease lease = f.acquire(SHARMA);
        for (int minute = 1; minute <= 24; minute++) {
            f.advance(Duration.ofMinutes(1));
            assertThat(f.run(new Command.Extend(SHARMA, lease.leaseId(), false)).events())
                    .allMatch(LockEvent.PresenceChanged.class::isInstance);
        }
        f.advance(Duration.ofMinutes(1));
        var warned = f.run(new Command.Extend(SHARMA, lease.leaseId(), false));
        assertThat(warned.events()).anySatisfy(e -> assertThat(e).isInstanceOf(LockEvent.Expiring.class));
        for (int minute = 26; minute < 30; minute++) {
            f.advance(Duration.ofMinutes(1));
            assertThat(f.run(new Command.Extend(SHARMA, lease.leaseId(), false)).events()).noneMatch(LockEvent.Expiring.class::isInstance);
        }
        f.advance(Duration.ofMinutes(1));
        var idle = f.run(new Command.Extend(SHARMA, lease.leaseId(), false));
        assertThat(idle.outcome()).isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.code()).isEqualTo(RefusalCode.LEASE_EXPIRED));
        assertThat(idle.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.Released.class,
                r -> assertThat(r.cause()).isEqualTo(ReleaseCause.IDLE_TIMEOUT)));
    }

    @Test
    void activity_renewsTheIdleDeadline() {
        Lease lease = f.acquire(SHARMA);
        f.advance(Duration.ofMinutes(26));
        f.run(new Command.Extend(SHARMA, lease.leaseId(), true));
        f.advance(Duration.ofMinutes(26));
        assertThat(f.state().holder()).isNull();
        Fixture g = new Fixture();
        Lease l2 = g.acquire(SHARMA);
        for (int i = 0; i < 50; i++) {
            g.advance(Duration.ofMinutes(1));
            g.run(new Command.Extend(SHARMA, l2.leaseId(), true));
        }
        assertThat(g.state().holder().leaseId()).isEqualTo(l2.leaseId());
    }

    @Test
    void seed001_decision4_sixthLock_isRefused_maxLocksExceeded() {
        for (int i = 1; i <= 5; i++) {
            Outcome outcome = f.locks.apply(ResourceId.parse("doc:123:tab" + i), new Command.Acquire(SHARMA, Command.IfHeld.DENY)).outcome();
            assertThat(outcome).isInstanceOf(Outcome.Granted.class);
        }
        Outcome sixth = f.locks.apply(ResourceId.parse("doc:123:images"), new Command.Acquire(SHARMA, Command.IfHeld.DENY)).outcome();
        assertThat(sixth).isEqualTo(new Outcome.Denied(RefusalCode.MAX_LOCKS_EXCEEDED, null));
        assertThat(f.locks.read(ResourceId.parse("doc:123:images")).holder()).isNull();
    }

    @Test
    void seed001_decision2_upgradeModes_denyQueueRequest() {
        Fixture deny = new Fixture(LockPolicy.defaults().withUpgradeMode(UpgradeMode.DENY));
        deny.acquire(SHARMA);
        assertThat(((Outcome.Denied) deny.run(new Command.Acquire(OKAFOR, Command.IfHeld.POLICY)).outcome()).code()).isEqualTo(RefusalCode.LOCK_HELD);

        f.acquire(SHARMA);
        assertThat(f.run(new Command.Acquire(OKAFOR, Command.IfHeld.POLICY)).outcome()).isInstanceOf(Outcome.Queued.class);

        Fixture request = new Fixture(LockPolicy.defaults().withUpgradeMode(UpgradeMode.REQUEST));
        request.acquire(SHARMA);
        var asked = request.run(new Command.Acquire(OKAFOR, Command.IfHeld.POLICY));
        assertThat(asked.outcome()).isInstanceOf(Outcome.AskSent.class);
        assertThat(asked.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.AskReceived.class,
                a -> assertThat(a.holder()).isEqualTo(SHARMA)));
    }

    @Test
    void askTheHolder_approveHandsOver_denyAndTimeoutTellTheAsker() {
        f.acquire(SHARMA);
        f.run(new Command.AskHolder(OKAFOR, "r1", "Need to add the 14:00 pain score"));
        var approved = f.run(new Command.AnswerAsk(SHARMA, "r1", true, null));
        assertThat(approved.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.AskAnswered.class,
                a -> assertThat(a.approved()).isTrue()));
        assertThat(f.state().holder().holder()).isEqualTo(OKAFOR);

        f.run(new Command.AskHolder(CHEN, "r2", "May I?"));
        var denied = f.run(new Command.AnswerAsk(OKAFOR, "r2", false, null));
        assertThat(denied.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.AskAnswered.class,
                a -> assertThat(a.approved()).isFalse()));

        f.run(new Command.AskHolder(CHEN, "r3", "Please?"));
        f.advance(Duration.ofMinutes(2));
        var timedOut = f.run(new Command.Tick());
        assertThat(timedOut.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.AskAnswered.class,
                a -> assertThat(a.timedOut()).isTrue()));
    }

    @Test
    void sameUserOtherTab_isToldSo_andCanMoveTheLockHere() {
        Lease first = f.acquire(SHARMA);
        Actor secondTab = Fixture.otherTab(SHARMA);
        assertThat(((Outcome.Denied) f.run(new Command.Acquire(secondTab, Command.IfHeld.QUEUE)).outcome()).code())
                .isEqualTo(RefusalCode.HELD_IN_OTHER_SESSION);
        var moved = f.run(new Command.MoveToSession(secondTab));
        Lease here = ((Outcome.Granted) moved.outcome()).lease();
        assertThat(here.holder()).isEqualTo(secondTab);
        assertThat(here.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(((Outcome.Denied) f.run(new Command.Extend(SHARMA, first.leaseId(), true)).outcome()).code())
                .isEqualTo(RefusalCode.LEASE_EXPIRED);
    }

    @Test
    void anotherSessionOfTheSameUser_cannotExtendOrRelease() {
        Lease lease = f.acquire(SHARMA);
        Actor secondTab = Fixture.otherTab(SHARMA);
        assertThat(((Outcome.Denied) f.run(new Command.Release(secondTab, lease.leaseId(), null)).outcome()).code())
                .isEqualTo(RefusalCode.NOT_LOCK_HOLDER);
        assertThat(((Outcome.Denied) f.run(new Command.Extend(secondTab, lease.leaseId(), true)).outcome()).code())
                .isEqualTo(RefusalCode.NOT_LOCK_HOLDER);
        assertThat(f.state().holder().leaseId()).isEqualTo(lease.leaseId());
    }

    @Test
    void adminForceRelease_needsAdminAndReason_andHandsOverToTheQueue() {
        f.acquire(SHARMA);
        f.run(new Command.JoinQueue(OKAFOR));
        assertThat(((Outcome.Denied) f.run(new Command.ForceRelease(JOHNSON, "stuck")).outcome()).code()).isEqualTo(RefusalCode.FORBIDDEN_ROLE);
        assertThat(((Outcome.Denied) f.run(new Command.ForceRelease(RIVERA, "")).outcome()).code()).isEqualTo(RefusalCode.REASON_REQUIRED);
        var released = f.run(new Command.ForceRelease(RIVERA, "Dr. Sharma went home"));
        assertThat(released.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.Released.class,
                r -> assertThat(r.cause()).isEqualTo(ReleaseCause.ADMIN_RELEASE)));
        assertThat(f.state().holder().holder()).isEqualTo(OKAFOR);
    }

    @Test
    void queue_hasAMaximum_andQueuedUsersWhoDisconnectLeaveAfterTheGrace() {
        f.acquire(SHARMA);
        for (int i = 0; i < 10; i++) {
            f.run(new Command.JoinQueue(new Actor("u" + i, "User " + i, List.of("nurse"), "t" + i)));
        }
        assertThat(((Outcome.Denied) f.run(new Command.JoinQueue(OKAFOR)).outcome()).code()).isEqualTo(RefusalCode.QUEUE_FULL);
        f.run(new Command.Disconnect("t0"));
        f.advance(Duration.ofSeconds(30));
        var tick = f.run(new Command.Tick());
        assertThat(tick.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.LeftQueue.class,
                l -> assertThat(l.actor().userId()).isEqualTo("u0")));
        assertThat(f.state().queue()).hasSize(9);
    }

    @Test
    void viewerLimit_isEnforced_andPresenceIsPushedOnEveryChange() {
        Fixture limited = new Fixture(LockPolicy.defaults().withLimits(5, 2));
        assertThat(limited.run(new Command.View(OKAFOR)).events()).anySatisfy(e -> assertThat(e).isInstanceOf(LockEvent.PresenceChanged.class));
        limited.run(new Command.View(CHEN));
        assertThat(((Outcome.Denied) limited.run(new Command.View(JOHNSON)).outcome()).code()).isEqualTo(RefusalCode.VIEWER_LIMIT);
        var left = limited.run(new Command.Leave(OKAFOR));
        assertThat(left.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.PresenceChanged.class,
                p -> assertThat(p.users()).extracting(u -> u.actor().userId()).containsExactly("chen")));
    }

    @Test
    void fencingTokens_continueFromTheStoredMaximum() {
        Lease a = f.acquire(SHARMA);
        f.run(new Command.Release(SHARMA, a.leaseId(), null));
        Lease b = f.acquire(OKAFOR);
        f.run(new Command.Release(OKAFOR, b.leaseId(), null));
        assertThat(f.acquire(CHEN).fencingToken()).isEqualTo(3);
    }

    @Test
    void childResources_lockIndependently() {
        Lease main = f.locks.apply(ResourceId.parse("patient:8f3c"), new Command.Acquire(SHARMA, Command.IfHeld.DENY)).outcome() instanceof Outcome.Granted g ? g.lease() : null;
        Outcome meds = f.locks.apply(ResourceId.parse("patient:8f3c:medications"), new Command.Acquire(OKAFOR, Command.IfHeld.DENY)).outcome();
        assertThat(main).isNotNull();
        assertThat(meds).isInstanceOf(Outcome.Granted.class);
    }

    // ---- issue 12: rules that keep their promises -------------------------------------------------------------

    private static ResourceId doc(int i) {
        return ResourceId.parse("doc:" + i);
    }

    private static void holdFive(Fixture fixture, Actor actor) {
        for (int i = 1; i <= 5; i++) {
            assertThat(fixture.locks.apply(doc(i), new Command.Acquire(actor, Command.IfHeld.DENY)).outcome()).isInstanceOf(Outcome.Granted.class);
        }
    }

    @Test
    void issue12_3_aUserAtTheLockLimit_cannotLineUpInFrontOfAFreeLock() {
        holdFive(f, OKAFOR);
        var joined = f.run(new Command.JoinQueue(OKAFOR));
        assertThat(joined.outcome()).isEqualTo(new Outcome.Denied(RefusalCode.MAX_LOCKS_EXCEEDED, null));
        assertThat(f.state().queue()).isEmpty();
        assertThat(f.state().offer()).isNull();
        assertThat(f.acquire(CHEN).holder()).isEqualTo(CHEN);
    }

    @Test
    void issue12_3_withoutAutoAcquire_aWaiterAtTheLockLimit_isPassedOver_notOfferedTheLock() {
        Fixture manual = new Fixture(LockPolicy.defaults().withQueue(true, 10, false));
        Lease sharma = manual.acquire(SHARMA);
        manual.run(new Command.JoinQueue(OKAFOR));
        manual.run(new Command.JoinQueue(CHEN));
        holdFive(manual, OKAFOR);
        var released = manual.run(new Command.Release(SHARMA, sharma.leaseId(), null));
        assertThat(released.events()).noneMatch(e -> e instanceof LockEvent.YourTurn t && t.actor().equals(OKAFOR))
                .anyMatch(e -> e instanceof LockEvent.YourTurn t && t.actor().equals(CHEN));
        assertThat(manual.state().offer().actor()).isEqualTo(CHEN);
        assertThat(manual.state().positionOf(OKAFOR)).as("keeps the place for when a lock elsewhere is released").isEqualTo(1);
    }

    @Test
    void issue12_3_whenNobodyWaitingCanTakeIt_theLockStaysFreeForAnyone() {
        Lease sharma = f.acquire(SHARMA);
        f.run(new Command.JoinQueue(OKAFOR));
        holdFive(f, OKAFOR);
        f.run(new Command.Release(SHARMA, sharma.leaseId(), null));
        LockState settled = f.run(new Command.Tick()).state();
        assertThat(settled.holder()).isNull();
        assertThat(settled.offer()).isNull();
        assertThat(f.run(new Command.Claim(CHEN)).outcome()).isInstanceOf(Outcome.Granted.class);
    }

    @Test
    void issue12_3_queuePlacesPerUser_areCapped_acrossResources() {
        Fixture capped = new Fixture(LockPolicy.defaults().withQueuePlaces(2, Duration.ofHours(1)));
        for (int i = 1; i <= 3; i++) {
            capped.locks.apply(doc(i), new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        }
        assertThat(capped.locks.apply(doc(1), new Command.JoinQueue(OKAFOR)).outcome()).isInstanceOf(Outcome.Queued.class);
        assertThat(capped.locks.apply(doc(2), new Command.Acquire(OKAFOR, Command.IfHeld.QUEUE)).outcome()).isInstanceOf(Outcome.Queued.class);
        assertThat(capped.locks.apply(doc(2), new Command.JoinQueue(Fixture.otherTab(OKAFOR))).outcome())
                .as("another tab in a line the user is already in takes no new place").isInstanceOf(Outcome.Queued.class);
        var third = capped.locks.apply(doc(3), new Command.JoinQueue(OKAFOR));
        assertThat(((Outcome.Denied) third.outcome()).code()).isEqualTo(RefusalCode.MAX_QUEUES_EXCEEDED);
        assertThat(capped.locks.read(doc(3)).queue()).isEmpty();
        capped.locks.apply(doc(1), new Command.LeaveQueue(OKAFOR));
        assertThat(capped.locks.apply(doc(3), new Command.JoinQueue(OKAFOR)).outcome()).isInstanceOf(Outcome.Queued.class);
    }

    @Test
    void issue12_6_askTheHolder_isOnePendingRequestPerUser_notPerTab() {
        f.acquire(SHARMA);
        assertThat(f.run(new Command.AskHolder(OKAFOR, "r1", "may I?")).outcome()).isInstanceOf(Outcome.AskSent.class);
        var again = f.run(new Command.AskHolder(Fixture.otherTab(OKAFOR), "r2", "may I?"));
        assertThat(((Outcome.Denied) again.outcome()).code()).isEqualTo(RefusalCode.REQUEST_PENDING);
        assertThat(again.events()).noneMatch(LockEvent.AskReceived.class::isInstance);
        assertThat(f.run(new Command.AskHolder(CHEN, "r3", "me too")).outcome()).isInstanceOf(Outcome.AskSent.class);
    }

    @Test
    void issue12_7_resourcesOutsideTheCatalogue_areRefused_andNothingIsStored() {
        var catalog = ResourceCatalog.of(java.util.Map.of("patient", java.util.Set.of("main", "allergies"), "ward_note", java.util.Set.of()));
        var store = new org.baton.core.store.InMemoryLockStore();
        var locks = new LockCoordinator(store, new PolicyBook(LockPolicy.defaults(), java.util.Map.of(), catalog), f.clock, () -> "l");
        var unknownType = locks.apply(ResourceId.parse("unknowntype:x"), new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        assertThat(((Outcome.Denied) unknownType.outcome()).code()).isEqualTo(RefusalCode.UNKNOWN_RESOURCE_TYPE);
        var unknownSection = locks.apply(ResourceId.parse("patient:x:nosuchsection"), new Command.View(SHARMA));
        assertThat(((Outcome.Denied) unknownSection.outcome()).code()).isEqualTo(RefusalCode.UNKNOWN_SECTION);
        assertThat(store.activeStates()).isEmpty();
        assertThat(store.load(ResourceId.parse("unknowntype:x")).version()).isZero();
        assertThat(locks.apply(ResourceId.parse("patient:x:allergies"), new Command.Acquire(SHARMA, Command.IfHeld.DENY)).outcome())
                .isInstanceOf(Outcome.Granted.class);
        assertThat(locks.apply(ResourceId.parse("ward_note:7:any-child"), new Command.Acquire(SHARMA, Command.IfHeld.DENY)).outcome())
                .as("a type without named sections takes any child").isInstanceOf(Outcome.Granted.class);
    }

    @Test
    void issue12_10_upgradeModeDeny_refusesQueueingByEveryPath() {
        Fixture deny = new Fixture(LockPolicy.defaults().withUpgradeMode(UpgradeMode.DENY));
        deny.acquire(SHARMA);
        assertThat(((Outcome.Denied) deny.run(new Command.Acquire(OKAFOR, Command.IfHeld.QUEUE)).outcome()).code()).isEqualTo(RefusalCode.LOCK_HELD);
        assertThat(((Outcome.Denied) deny.run(new Command.JoinQueue(OKAFOR)).outcome()).code()).isEqualTo(RefusalCode.LOCK_HELD);
        assertThat(deny.state().queue()).isEmpty();
    }

    @Test
    void issue12_10_takeoverSwitchedOff_refusesAdminForceReleaseToo() {
        Fixture off = new Fixture(LockPolicy.defaults().withTakeover(false, java.util.Set.of("admin", "attending"), true, Duration.ofSeconds(30)));
        off.acquire(OKAFOR);
        assertThat(((Outcome.Denied) off.run(new Command.ForceRelease(RIVERA, "stuck")).outcome()).code()).isEqualTo(RefusalCode.TAKEOVER_DISABLED);
        assertThat(((Outcome.Denied) off.run(new Command.EmergencyTakeover(JOHNSON, "code blue")).outcome()).code())
                .isEqualTo(RefusalCode.TAKEOVER_DISABLED);
        assertThat(off.state().holder().holder()).isEqualTo(OKAFOR);
    }

    @Test
    void issue12_10_aPollingViewer_leavesPresence_whenItStopsLooking() {
        Actor rest = new Actor("lindqvist", "Nurse Erik Lindqvist", List.of("nurse"), "rest-1", true);
        f.run(new Command.View(rest));
        f.run(new Command.View(OKAFOR));
        f.advance(Duration.ofMinutes(6));
        f.run(new Command.Poll(rest));
        f.advance(Duration.ofMinutes(9));
        assertThat(f.state().viewers()).extracting(v -> v.actor().userId()).as("renewed at minute 6").contains("lindqvist");
        f.advance(Duration.ofMinutes(2));
        var tick = f.run(new Command.Tick());
        assertThat(tick.state().viewers()).extracting(v -> v.actor().userId()).containsExactly("okafor");
        assertThat(tick.events()).anyMatch(LockEvent.PresenceChanged.class::isInstance);
    }

    @Test
    void issue12_10_aPollingHolder_whoReleases_keepsWatchingOnlyUntilTheViewerTimeout() {
        Actor rest = new Actor("lindqvist", "Nurse Erik Lindqvist", List.of("nurse"), "rest-1", true);
        Lease lease = f.acquire(rest);
        f.run(new Command.Release(rest, lease.leaseId(), null));
        assertThat(f.state().viewers()).extracting(v -> v.actor().userId()).containsExactly("lindqvist");
        f.advance(Duration.ofMinutes(10));
        assertThat(f.run(new Command.Tick()).state().viewers()).isEmpty();
    }

    @Test
    void issue12_10_whenNoReasonIsRequired_aTakeoverWithoutOne_works() {
        Fixture lenient = new Fixture(LockPolicy.defaults().withTakeover(true, java.util.Set.of("attending"), false, Duration.ofSeconds(30)));
        lenient.acquire(OKAFOR);
        assertThat(lenient.run(new Command.RequestTakeover(JOHNSON, null)).outcome()).isInstanceOf(Outcome.TakeoverPending.class);
        assertThat(lenient.run(new Command.EmergencyTakeover(SHARMA, null)).outcome()).as("was a NullPointerException (500)")
                .isInstanceOf(Outcome.Granted.class);
    }

    // ---- issue 13: a queue you can see ------------------------------------------------------------------------

    @Test
    void issue13_3_everyoneBehind_isToldTheirNewPlace_whenSomeoneAheadLeavesOrIsServed() {
        Lease sharma = f.acquire(SHARMA);
        f.run(new Command.JoinQueue(OKAFOR));
        f.run(new Command.JoinQueue(CHEN));
        f.run(new Command.JoinQueue(JOHNSON));
        var left = f.run(new Command.LeaveQueue(OKAFOR));
        assertThat(left.events()).filteredOn(LockEvent.QueuePositionChanged.class::isInstance).map(LockEvent.QueuePositionChanged.class::cast)
                .extracting(e -> e.actor().userId() + "@" + e.position()).containsExactly("chen@1", "johnson@2");
        f.advance(Duration.ofMinutes(10));
        var served = f.run(new Command.Release(SHARMA, sharma.leaseId(), null));
        assertThat(served.events()).filteredOn(LockEvent.QueuePositionChanged.class::isInstance).map(LockEvent.QueuePositionChanged.class::cast)
                .singleElement().satisfies(e -> {
                    assertThat(e.actor()).isEqualTo(JOHNSON);
                    assertThat(e.position()).isEqualTo(1);
                    assertThat(e.estimatedWait()).as("the moving average of holds: 10 min").isEqualTo(Duration.ofMinutes(10));
                });
    }

    @Test
    void issue13_3_queuePlacesExpire_afterTheQueueTimeout_andThoseBehindMoveUp() {
        LockPolicy policy = LockPolicy.defaults().withLeaseTtl(Duration.ofHours(1)).withQueuePlaces(5, Duration.ofMinutes(20));
        Fixture timed = new Fixture(policy);
        timed.acquire(SHARMA);
        timed.run(new Command.JoinQueue(OKAFOR));
        timed.advance(Duration.ofMinutes(5));
        timed.run(new Command.JoinQueue(CHEN));
        assertThat(timed.state().nextDeadline(policy)).as("the timer is set for the first place to expire")
                .contains(Fixture.T0.plus(Duration.ofMinutes(20)));
        timed.advance(Duration.ofMinutes(15));
        var tick = timed.run(new Command.Tick());
        assertThat(tick.events()).anySatisfy(e -> assertThat(e).isEqualTo(
                new LockEvent.LeftQueue(Fixture.CATHETER, OKAFOR, LockEvent.QueueExit.EXPIRED)));
        assertThat(tick.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LockEvent.QueuePositionChanged.class,
                p -> assertThat(p.position()).isEqualTo(1)));
        assertThat(tick.state().positionOf(CHEN)).isEqualTo(1);
    }
}
