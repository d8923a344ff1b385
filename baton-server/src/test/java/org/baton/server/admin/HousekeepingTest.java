package org.baton.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.baton.core.notify.Notification;
import org.baton.core.time.ManualClock;
import org.baton.server.auth.Identity;
import org.baton.server.session.Outbound;
import org.baton.server.session.Outlet;
import org.baton.server.session.SessionRegistry;
import org.baton.server.timers.ManualTimers;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.notify.JdbcNotificationInbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's own clean-up: sessions past their grace, old notifications, and the jobs it runs each minute. */
class HousekeepingTest {
    private static final Duration GRACE = Duration.ofMinutes(2);
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T08:00:00Z"));
    final ManualTimers timers = new ManualTimers(clock.instant());
    SessionRegistry sessions;
    final Identity sharma = new Identity("sharma", "Dr. Sharma", List.of("attending"), clock.instant().plus(Duration.ofHours(8)));
    Database database;
    JdbcNotificationInbox inbox;
    final AtomicInteger minuteJobs = new AtomicInteger();

    @BeforeEach
    void start() {
        database = Database.open(dir);
        inbox = new JdbcNotificationInbox(database);
        sessions = new SessionRegistry(clock, new org.baton.store.jdbc.cluster.JdbcSessionStore(database), () -> "test#1");
        new Housekeeping(sessions, inbox, clock, GRACE, Duration.ofDays(30)).alsoEveryMinute(minuteJobs::incrementAndGet).start(timers);
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Test
    void aClosedConnectionsSession_isKeptThroughItsGrace_thenForgotten() {
        var outlet = new OpenOutlet();
        var session = sessions.connect(sharma, null, outlet).session();
        advance(Duration.ofMinutes(5));
        assertThat(sessions.find(session.id())).as("a connected session is never forgotten").isPresent();
        outlet.open = false;
        sessions.disconnect(session, outlet);
        advance(GRACE);
        assertThat(sessions.find(session.id())).as("still within grace (plus a minute's slack)").isPresent();
        advance(Duration.ofMinutes(2));
        assertThat(sessions.find(session.id())).isEmpty();
    }

    @Test
    void aRestOnlySession_isForgottenOnceItsRequestsStop() {
        var session = sessions.forRequest(sharma, null);
        advance(Duration.ofMinutes(2));
        assertThat(sessions.forRequest(sharma, session.id())).isSameAs(session);
        advance(Duration.ofMinutes(3));
        assertThat(sessions.find(session.id())).as("requests kept it alive").isPresent();
        advance(Duration.ofMinutes(2));
        assertThat(sessions.find(session.id())).isEmpty();
    }

    @Test
    void everyMinuteJobs_run_evenWhenOneFails() {
        var own = new ManualTimers(clock.instant());
        var after = new AtomicInteger();
        var hourly = new AtomicInteger();
        new Housekeeping(sessions, inbox, clock, GRACE, Duration.ofDays(30))
                .alsoEveryMinute(() -> { throw new IllegalStateException("a broken job (this error in the log is expected)"); })
                .alsoEveryMinute(after::incrementAndGet).alsoEveryHour(hourly::incrementAndGet).start(own);
        clock.advance(Duration.ofMinutes(61));
        own.runDue(clock.instant());
        assertThat(after).hasValue(61);
        assertThat(hourly).hasValue(1);
    }

    @Test
    void notificationsOlderThanTheRetention_areDeletedHourly() {
        inbox.add(List.of(new Notification(0, "sharma", "LOCK_AVAILABLE", "patient:1:main", "old", clock.instant(), null)));
        clock.advance(Duration.ofDays(29));
        timers.runDue(clock.instant());
        inbox.add(List.of(new Notification(0, "sharma", "LOCK_AVAILABLE", "patient:2:main", "recent", clock.instant(), null)));
        clock.advance(Duration.ofDays(2));
        timers.runDue(clock.instant());
        assertThat(inbox.list("sharma", false, 10)).extracting(Notification::message).containsExactly("recent");
    }

    private void advance(Duration by) {
        for (Duration step = Duration.ZERO; step.compareTo(by) < 0; step = step.plusMinutes(1)) {
            clock.advance(Duration.ofMinutes(1));
            timers.runDue(clock.instant());
        }
    }

    private static final class OpenOutlet implements Outlet {
        volatile boolean open = true;

        @Override
        public void send(Outbound message) {
        }

        @Override
        public void close(int code, String reason) {
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }
}
