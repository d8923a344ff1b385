package org.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.baton.core.Fixture.JOHNSON;
import static org.baton.core.Fixture.OKAFOR;
import static org.baton.core.Fixture.RIVERA;
import static org.baton.core.Fixture.SHARMA;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mirrors the transition table in {@link LockMachine}'s javadoc: for each command and each starting situation
 * (F = free, S = held by the caller's session, H = held by another user), the outcome the table promises.
 * The caller is always {@code OKAFOR} (a nurse) unless the row needs a role; H is held by {@code SHARMA}.
 */
class LockTransitionTableTest {
    enum Start { F, S, H }

    /** Expected outcome: its type, and the refusal code when it is a refusal. */
    record Expect(Class<? extends Outcome> type, RefusalCode code) {
        static Expect of(Class<? extends Outcome> type) {
            return new Expect(type, null);
        }

        static Expect denied(RefusalCode code) {
            return new Expect(Outcome.Denied.class, code);
        }
    }

    static Stream<Arguments> table() {
        Actor me = OKAFOR;
        return Stream.of(
                row("Acquire DENY", Start.F, l -> new Command.Acquire(me, Command.IfHeld.DENY), Expect.of(Outcome.Granted.class)),
                row("Acquire DENY", Start.S, l -> new Command.Acquire(me, Command.IfHeld.DENY), Expect.of(Outcome.Granted.class)),
                row("Acquire DENY", Start.H, l -> new Command.Acquire(me, Command.IfHeld.DENY), Expect.denied(RefusalCode.LOCK_HELD)),
                row("Acquire QUEUE", Start.H, l -> new Command.Acquire(me, Command.IfHeld.QUEUE), Expect.of(Outcome.Queued.class)),
                row("Acquire POLICY", Start.H, l -> new Command.Acquire(me, Command.IfHeld.POLICY), Expect.of(Outcome.Queued.class)),
                row("Acquire other tab", Start.S, l -> new Command.Acquire(Fixture.otherTab(me), Command.IfHeld.QUEUE),
                        Expect.denied(RefusalCode.HELD_IN_OTHER_SESSION)),
                row("Release own", Start.S, l -> new Command.Release(me, l, null), Expect.of(Outcome.Released.class)),
                row("Release other's", Start.H, l -> new Command.Release(me, l, null), Expect.denied(RefusalCode.NOT_LOCK_HOLDER)),
                row("Release unknown", Start.F, l -> new Command.Release(me, "nope", null), Expect.denied(RefusalCode.NOT_LOCK_HOLDER)),
                row("Extend own", Start.S, l -> new Command.Extend(me, l, true), Expect.of(Outcome.Extended.class)),
                row("Extend other's", Start.H, l -> new Command.Extend(me, l, true), Expect.denied(RefusalCode.NOT_LOCK_HOLDER)),
                row("JoinQueue", Start.F, l -> new Command.JoinQueue(me), Expect.of(Outcome.Granted.class)),
                row("JoinQueue", Start.S, l -> new Command.JoinQueue(me), Expect.of(Outcome.Granted.class)),
                row("JoinQueue", Start.H, l -> new Command.JoinQueue(me), Expect.of(Outcome.Queued.class)),
                row("LeaveQueue not queued", Start.H, l -> new Command.LeaveQueue(me), Expect.denied(RefusalCode.NOT_IN_QUEUE)),
                row("Claim", Start.F, l -> new Command.Claim(me), Expect.of(Outcome.Granted.class)),
                row("Claim", Start.S, l -> new Command.Claim(me), Expect.of(Outcome.Granted.class)),
                row("Claim", Start.H, l -> new Command.Claim(me), Expect.denied(RefusalCode.NO_TURN)),
                row("View", Start.H, l -> new Command.View(me), Expect.of(Outcome.Done.class)),
                row("Leave as holder", Start.S, l -> new Command.Leave(me), Expect.of(Outcome.Done.class)),
                row("AskHolder", Start.F, l -> new Command.AskHolder(me, "r", "hi"), Expect.denied(RefusalCode.NOT_HELD)),
                row("AskHolder", Start.S, l -> new Command.AskHolder(me, "r", "hi"), Expect.denied(RefusalCode.HELD_IN_OTHER_SESSION)),
                row("AskHolder", Start.H, l -> new Command.AskHolder(me, "r", "hi"), Expect.of(Outcome.AskSent.class)),
                row("AskHolder too long", Start.H, l -> new Command.AskHolder(me, "r", "x".repeat(281)), Expect.denied(RefusalCode.MESSAGE_TOO_LONG)),
                row("AnswerAsk not holder", Start.H, l -> new Command.AnswerAsk(me, "r", true, null), Expect.denied(RefusalCode.NOT_LOCK_HOLDER)),
                row("AnswerAsk unknown", Start.S, l -> new Command.AnswerAsk(me, "r", true, null), Expect.denied(RefusalCode.NO_SUCH_REQUEST)),
                row("RequestTakeover nurse", Start.H, l -> new Command.RequestTakeover(me, "why"), Expect.denied(RefusalCode.FORBIDDEN_ROLE)),
                row("RequestTakeover attending", Start.H, l -> new Command.RequestTakeover(JOHNSON, "why"), Expect.of(Outcome.TakeoverPending.class)),
                row("RequestTakeover no reason", Start.H, l -> new Command.RequestTakeover(JOHNSON, ""), Expect.denied(RefusalCode.REASON_REQUIRED)),
                row("RequestTakeover free", Start.F, l -> new Command.RequestTakeover(JOHNSON, "why"), Expect.of(Outcome.Granted.class)),
                row("EmergencyTakeover attending", Start.H, l -> new Command.EmergencyTakeover(JOHNSON, "why"), Expect.of(Outcome.Granted.class)),
                row("EmergencyTakeover free", Start.F, l -> new Command.EmergencyTakeover(JOHNSON, "why"), Expect.of(Outcome.Granted.class)),
                row("EmergencyTakeover nurse", Start.H, l -> new Command.EmergencyTakeover(me, "why"), Expect.denied(RefusalCode.FORBIDDEN_ROLE)),
                row("AnswerTakeover none", Start.S, l -> new Command.AnswerTakeover(me, true, null), Expect.denied(RefusalCode.NO_TAKEOVER_PENDING)),
                row("AnswerTakeover not holder", Start.H, l -> new Command.AnswerTakeover(me, true, null), Expect.denied(RefusalCode.NOT_LOCK_HOLDER)),
                row("LeaveNote never held", Start.H, l -> new Command.LeaveNote(me, "nope", "note"), Expect.denied(RefusalCode.NOTE_NOT_ALLOWED)),
                row("LeaveNote holder's lease", Start.H, l -> new Command.LeaveNote(me, l, "note"), Expect.denied(RefusalCode.NOTE_NOT_ALLOWED)),
                row("ForceRelease admin", Start.H, l -> new Command.ForceRelease(RIVERA, "stuck"), Expect.of(Outcome.Done.class)),
                row("ForceRelease free", Start.F, l -> new Command.ForceRelease(RIVERA, "stuck"), Expect.denied(RefusalCode.NOT_HELD)),
                row("ForceRelease nurse", Start.H, l -> new Command.ForceRelease(me, "stuck"), Expect.denied(RefusalCode.FORBIDDEN_ROLE)),
                row("Disconnect", Start.S, l -> new Command.Disconnect(me.sessionId()), Expect.of(Outcome.Done.class)),
                row("Resume", Start.S, l -> new Command.Resume(me), Expect.of(Outcome.Done.class)),
                row("MoveToSession same user", Start.S, l -> new Command.MoveToSession(Fixture.otherTab(me)), Expect.of(Outcome.Granted.class)),
                row("MoveToSession other user", Start.H, l -> new Command.MoveToSession(me), Expect.denied(RefusalCode.LOCK_HELD)),
                row("Tick", Start.H, l -> new Command.Tick(), Expect.of(Outcome.Done.class)),
                row("Poll", Start.H, l -> new Command.Poll(me), Expect.of(Outcome.Done.class)),
                row("JoinQueue type denies", Start.H, l -> new Command.JoinQueue(me), Expect.denied(RefusalCode.LOCK_HELD),
                        LockPolicy.defaults().withUpgradeMode(UpgradeMode.DENY)),
                row("Acquire QUEUE type denies", Start.H, l -> new Command.Acquire(me, Command.IfHeld.QUEUE), Expect.denied(RefusalCode.LOCK_HELD),
                        LockPolicy.defaults().withUpgradeMode(UpgradeMode.DENY)),
                row("JoinQueue F type denies", Start.F, l -> new Command.JoinQueue(me), Expect.of(Outcome.Granted.class),
                        LockPolicy.defaults().withUpgradeMode(UpgradeMode.DENY)),
                row("ForceRelease takeover off", Start.H, l -> new Command.ForceRelease(RIVERA, "stuck"), Expect.denied(RefusalCode.TAKEOVER_DISABLED),
                        LockPolicy.defaults().withTakeover(false, java.util.Set.of("admin"), true, java.time.Duration.ofSeconds(30))),
                row("View at the viewer limit", Start.H, l -> new Command.View(me), Expect.denied(RefusalCode.VIEWER_LIMIT),
                        LockPolicy.defaults().withLimits(5, 1), Fixture.otherTab(JOHNSON)));
    }

    static Arguments row(String name, Start start, Function<String, Command> command, Expect expect) {
        return row(name, start, command, expect, LockPolicy.defaults());
    }

    static Arguments row(String name, Start start, Function<String, Command> command, Expect expect, LockPolicy policy) {
        return Arguments.of(name, start, command, expect, policy, null);
    }

    /** A row whose start also has {@code viewer} watching. */
    static Arguments row(String name, Start start, Function<String, Command> command, Expect expect, LockPolicy policy, Actor viewer) {
        return Arguments.of(name, start, command, expect, policy, viewer);
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("table")
    void outcome_matchesTheTable(String name, Start start, Function<String, Command> command, Expect expect, LockPolicy policy, Actor viewer) {
        Fixture f = new Fixture(policy);
        if (viewer != null) {
            f.run(new Command.View(viewer));
        }
        String leaseId = switch (start) {
            case F -> "none";
            case S -> f.acquire(OKAFOR).leaseId();
            case H -> f.acquire(SHARMA).leaseId();
        };
        LockState before = f.state();
        LockCoordinator.Decision decision = f.run(command.apply(leaseId));
        assertThat(decision.outcome()).isInstanceOf(expect.type());
        if (expect.code() != null) {
            assertThat(((Outcome.Denied) decision.outcome()).code()).isEqualTo(expect.code());
            assertThat(decision.events()).as("a refusal is audited").anyMatch(LockEvent.Refused.class::isInstance);
            assertThat(decision.state().holder()).as("a refusal changes no holder").isEqualTo(before.holder());
            assertThat(decision.state().lastFence()).isEqualTo(before.lastFence());
        }
        if (decision.outcome() instanceof Outcome.Granted granted) {
            assertThat(decision.state().holder()).isEqualTo(granted.lease());
        }
    }
}
