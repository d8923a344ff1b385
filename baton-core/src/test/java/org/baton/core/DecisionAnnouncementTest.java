package org.baton.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.baton.core.bus.BusMessage;
import org.baton.core.store.InMemoryLockStore;
import org.baton.core.time.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Clients learn of a decision only from its announcement, which the store makes when it writes. A decision that
 * changes no state but tells someone something (a note for the holder, the holder's objection to a takeover) must be
 * written and announced too; one that only refuses is journaled and announces nothing.
 */
class DecisionAnnouncementTest {
    final List<BusMessage.ResourceChanged> announced = new CopyOnWriteArrayList<>();
    final AtomicLong ids = new AtomicLong();
    final LockCoordinator locks = new LockCoordinator(new InMemoryLockStore(m -> announced.add((BusMessage.ResourceChanged) m)),
            PolicyBook.of(LockPolicy.defaults()), new ManualClock(Fixture.T0), () -> "lease-" + ids.incrementAndGet());

    @Test
    void aNoteLeftForTheHolder_isAnnounced_withANewVersion() {
        Outcome.Granted lost = (Outcome.Granted) run(new Command.Acquire(Fixture.OKAFOR, Command.IfHeld.DENY)).outcome();
        run(new Command.EmergencyTakeover(Fixture.JOHNSON, "hypotension"));
        long before = announced.getLast().version();

        LockCoordinator.Decision noted = run(new Command.LeaveNote(Fixture.OKAFOR, lost.lease().leaseId(), "Bolus given 14:02"));

        assertThat(noted.outcome()).isInstanceOf(Outcome.Done.class);
        assertThat(noted.written()).isTrue();
        assertThat(noted.version()).isEqualTo(before + 1);
        assertThat(announced.getLast().version()).isEqualTo(before + 1);
        assertThat(announced.getLast().events()).singleElement().isInstanceOfSatisfying(LockEvent.NoteLeft.class,
                e -> assertThat(e.note()).isEqualTo("Bolus given 14:02"));
    }

    @Test
    void aHoldersObjectionToATakeover_isAnnounced() {
        run(new Command.Acquire(Fixture.OKAFOR, Command.IfHeld.DENY));
        run(new Command.RequestTakeover(Fixture.JOHNSON, "Emergency surgery update"));

        LockCoordinator.Decision denied = run(new Command.AnswerTakeover(Fixture.OKAFOR, false, null));

        assertThat(denied.written()).isTrue();
        assertThat(announced.getLast().events()).contains(new LockEvent.TakeoverDenied(Fixture.CATHETER, Fixture.JOHNSON, Fixture.OKAFOR));
    }

    @Test
    void aRefusal_isNotWritten_norAnnounced() {
        run(new Command.Acquire(Fixture.OKAFOR, Command.IfHeld.DENY));
        int before = announced.size();

        LockCoordinator.Decision refused = run(new Command.Acquire(Fixture.CHEN, Command.IfHeld.DENY));

        assertThat(refused.outcome()).isInstanceOf(Outcome.Denied.class);
        assertThat(refused.events()).singleElement().isInstanceOf(LockEvent.Refused.class);
        assertThat(refused.written()).isFalse();
        assertThat(announced).hasSize(before);
    }

    private LockCoordinator.Decision run(Command command) {
        return locks.apply(Fixture.CATHETER, command);
    }
}
