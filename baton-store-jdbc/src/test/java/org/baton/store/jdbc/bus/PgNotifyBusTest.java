package org.baton.store.jdbc.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.baton.core.Actor;
import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.LockPolicy;
import org.baton.core.PolicyBook;
import org.baton.core.ResourceId;
import org.baton.core.bus.BusListener;
import org.baton.core.bus.BusMessage;
import org.baton.core.time.ManualClock;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.EventJournal;
import org.baton.store.jdbc.JdbcLockStore;
import org.baton.store.jdbc.PostgresOptions;
import org.baton.store.tck.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL event bus between two instances on one real database: a decision committed through one instance's
 * lock store reaches the other instance's listeners, with its events and version, in commit order; a rolled-back
 * decision sends nothing; a message larger than a NOTIFY payload travels through the outbox.
 */
class PgNotifyBusTest {
    static final ResourceId A = ResourceId.parse("patient:1");
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-13T09:00:00Z"));
    Database first;
    Database second;
    PgNotifyBus busOfFirst;
    PgNotifyBus busOfSecond;
    final List<BusMessage> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        PostgresOptions options = new PostgresOptions(TestPostgres.newDatabase(), TestPostgres.USER, null, 4, Duration.ofSeconds(5));
        first = Database.openPostgres(options);
        second = Database.openPostgres(options);
        busOfFirst = new PgNotifyBus(first, options, "first");
        busOfSecond = new PgNotifyBus(second, options, "second");
        busOfSecond.subscribe(new BusListener() {
            @Override
            public void onMessage(BusMessage message) {
                received.add(message);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> busOfFirst.isConnected() && busOfSecond.isConnected());
    }

    @AfterEach
    void close() {
        busOfFirst.close();
        busOfSecond.close();
        first.close();
        second.close();
    }

    @Test
    void aDecisionOnOneInstance_reachesTheOther_withItsEventsAndVersion_inCommitOrder() {
        var coordinator = new LockCoordinator(new JdbcLockStore(first, EventJournal.NONE, busOfFirst), PolicyBook.of(LockPolicy.defaults()),
                clock, LockCoordinator.randomIds());
        Actor sharma = new Actor("sharma", "Dr. Priya Sharma", List.of("attending"), "s1");
        var granted = coordinator.apply(A, new Command.Acquire(sharma, Command.IfHeld.DENY), "s1");
        var viewed = coordinator.apply(A, new Command.View(new Actor("okafor", "Nurse Okafor", List.of("nurse"), "s2")), "s2");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.size() >= 2);
        assertThat(received).containsExactly(
                new BusMessage.ResourceChanged(A, granted.version(), granted.events(), "s1"),
                new BusMessage.ResourceChanged(A, viewed.version(), viewed.events(), "s2"));
    }

    @Test
    void aPushLargerThanANotifyPayload_travelsThroughTheOutbox() {
        String big = "{\"text\":\"" + "x".repeat(20_000) + "\"}";
        busOfFirst.publish(new BusMessage.Push(BusMessage.Audience.USER, "sharma", "notification", big));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
        assertThat(received).containsExactly(new BusMessage.Push(BusMessage.Audience.USER, "sharma", "notification", big));
    }

    /** A decision's news for 500 followers: one message of 500 pushes, far past a NOTIFY payload, arrives whole. */
    @Test
    void manyPushesInOneMessage_arriveTogether_throughTheOutbox() {
        List<BusMessage.Push> pushes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            pushes.add(new BusMessage.Push(BusMessage.Audience.USER, "viewer" + i, "notification", "{\"id\":" + i + ",\"type\":\"lock_acquired\"}"));
        }
        busOfFirst.publish(new BusMessage.Pushes(pushes));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
        assertThat(received).containsExactly(new BusMessage.Pushes(pushes));
    }

    @Test
    void aRolledBackTransaction_sendsNothing() {
        try {
            first.inTransaction(c -> {
                busOfFirst.announce(c, new BusMessage.SessionAttached("s_rolled_back", "first"));
                throw new IllegalStateException("rolled back");
            });
        } catch (IllegalStateException expected) {
            // the point of the test
        }
        busOfFirst.publish(new BusMessage.SessionAttached("s_after", "first"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
        assertThat(received).containsExactly(new BusMessage.SessionAttached("s_after", "first"));
    }
}
