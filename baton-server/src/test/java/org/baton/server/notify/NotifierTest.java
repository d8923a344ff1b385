package org.baton.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.baton.core.Actor;
import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.LockPolicy;
import org.baton.core.PolicyBook;
import org.baton.core.ResourceId;
import org.baton.core.bus.BusMessage;
import org.baton.core.bus.InProcessEventBus;
import org.baton.core.notify.Notification;
import org.baton.core.time.ManualClock;
import org.baton.store.jdbc.Announcer;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.EventJournal;
import org.baton.store.jdbc.JdbcLockStore;
import org.baton.store.jdbc.notify.JdbcNotificationInbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decision's notices to the people it happened to are kept, and their pushes announced, by the transaction that
 * stores the decision: both are there after it commits, and neither when it fails. Its followers' news comes after.
 */
class NotifierTest {
    private static final ResourceId CHART = ResourceId.parse("patient:p1");
    private static final Actor SHARMA = new Actor("sharma", "Dr. Priya Sharma", List.of("attending"), "s1");
    private static final Actor OKAFOR = new Actor("okafor", "Nurse Grace Okafor", List.of("attending"), "s2");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-13T09:00:00Z"));
    private final List<BusMessage> pushed = new CopyOnWriteArrayList<>();
    private final List<BusMessage.Pushes> batches = new CopyOnWriteArrayList<>();
    private final List<BusMessage> changes = new CopyOnWriteArrayList<>();
    private Database db;
    private InProcessEventBus bus;
    private JdbcNotificationInbox inbox;
    private Notifier notifier;

    @BeforeEach
    void open() {
        db = Database.open(dir);
        bus = new InProcessEventBus();
        bus.subscribe(message -> {
            if (message instanceof BusMessage.Push) {
                pushed.add(message);
            } else if (message instanceof BusMessage.Pushes news) {
                batches.add(news);
            } else if (message instanceof BusMessage.ResourceChanged) {
                changes.add(message);
            }
        });
        inbox = new JdbcNotificationInbox(db);
        notifier = new Notifier(inbox, Announcer.afterCommit(bus), clock, true, (user, resource) -> Optional.empty());
    }

    @AfterEach
    void close() {
        bus.close();
        db.close();
    }

    private LockCoordinator coordinator(EventJournal journal) {
        JdbcLockStore store = new JdbcLockStore(db, journal, Announcer.afterCommit(bus));
        return new LockCoordinator(store, PolicyBook.of(LockPolicy.defaults()), clock, LockCoordinator.randomIds());
    }

    @Test
    void aFollowersNews_isKeptAfterTheCommit_byTheListener_exceptForWhoWasToldPersonally() {
        LockCoordinator locks = coordinator(notifier);
        Actor rivera = new Actor("rivera", "Dr. Ana Rivera", List.of("attending"), "s3");
        locks.apply(CHART, new Command.View(rivera));
        LockCoordinator.Decision acquired = locks.apply(CHART, new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        assertThat(inbox.list("rivera", false, 10)).as("not in the decision's transaction").isEmpty();
        notifier.accept(acquired.events());
        assertThat(inbox.list("rivera", false, 10)).extracting(Notification::type).containsExactly("lock_acquired");
        LockCoordinator.Decision takenOver = locks.apply(CHART, new Command.EmergencyTakeover(OKAFOR, "patient deteriorating"));
        notifier.accept(takenOver.events());
        assertThat(inbox.list("sharma", false, 10)).extracting(Notification::type).as("told personally, once").containsExactly("lock_override");
    }

    /** Hundreds follow a watched record: their news of one decision is one transaction and one bus message, not one each. */
    @Test
    void aDecisionsNewsForItsFollowers_isOneBusMessage_carryingEachKeptNotification() {
        LockCoordinator locks = coordinator(notifier);
        List<String> followers = List.of("rivera", "okafor", "chen");
        for (int i = 0; i < followers.size(); i++) {
            locks.apply(CHART, new Command.View(new Actor(followers.get(i), followers.get(i), List.of("nurse"), "v" + i)));
        }
        notifier.accept(locks.apply(CHART, new Command.Acquire(SHARMA, Command.IfHeld.DENY)).events());

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !batches.isEmpty());
        assertThat(batches).singleElement().satisfies(news -> {
            assertThat(news.pushes()).extracting(BusMessage.Push::to).containsExactlyInAnyOrderElementsOf(followers);
            for (BusMessage.Push push : news.pushes()) {
                long id = inbox.list(push.to(), false, 10).get(0).id();
                assertThat(push.dataJson()).as("the kept notification, with its id").contains("\"id\":" + id, "lock_acquired");
            }
        });
        assertThat(pushed).as("nobody was told anything personally").isEmpty();
    }

    @Test
    void aTakeover_keepsTheOverrideNotice_andPushesIt_withTheDecision() {
        LockCoordinator locks = coordinator(notifier);
        locks.apply(CHART, new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        locks.apply(CHART, new Command.EmergencyTakeover(OKAFOR, "patient deteriorating"));

        List<Notification> sharmas = inbox.list("sharma", false, 10);
        assertThat(sharmas).extracting(Notification::type).containsExactly("lock_override");
        assertThat(sharmas.get(0).message()).contains("Nurse Grace Okafor", "patient deteriorating");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !pushed.isEmpty());
        assertThat(pushed).singleElement().satisfies(push -> {
            BusMessage.Push p = (BusMessage.Push) push;
            assertThat(p.to()).isEqualTo("sharma");
            assertThat(p.dataJson()).contains("\"id\":" + sharmas.get(0).id(), "lock_override");
        });
    }

    /**
     * The inbox refuses to store notices (a trigger stands in for a full or failing disk): a takeover whose notice
     * cannot be kept does not happen either. Were the notice its own transaction, the takeover would stand and the
     * displaced clinician would never be told.
     */
    @Test
    void aNoticeThatCannotBeKept_undoesItsDecision_andNothingIsPushed() {
        LockCoordinator locks = coordinator(notifier);
        locks.apply(CHART, new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        db.inTransaction(c -> c.createStatement().executeUpdate(
                "create trigger refuse_notices before insert on notifications begin select raise(abort, 'the inbox cannot be written'); end"));

        assertThatThrownBy(() -> locks.apply(CHART, new Command.EmergencyTakeover(OKAFOR, "patient deteriorating")))
                .isInstanceOf(RuntimeException.class);
        assertThat(locks.read(CHART).holder().holder().userId()).as("the takeover did not happen").isEqualTo("sharma");

        db.inTransaction(c -> c.createStatement().executeUpdate("drop trigger refuse_notices"));
        locks.apply(CHART, new Command.View(OKAFOR)); // a later decision: the bus delivers in order, so any push of the failed one came before
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
        assertThat(pushed).as("no push of a takeover that did not happen").isEmpty();
        locks.apply(CHART, new Command.EmergencyTakeover(OKAFOR, "patient deteriorating"));
        assertThat(inbox.list("sharma", false, 10)).extracting(Notification::type).as("once the inbox takes it").containsExactly("lock_override");
    }
}
