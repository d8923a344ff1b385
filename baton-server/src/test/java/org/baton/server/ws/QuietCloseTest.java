package org.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.baton.server.session.Outbound;
import org.baton.server.session.Outlet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rule close waits for the client to go quiet and for its queued messages to leave, and never longer than
 * {@link QuietClose#LINGER}. Time is a manual nanosecond clock; the scheduled checks are run by the test.
 */
class QuietCloseTest {
    /** The outlet being closed: how much is still unsent, and the close it got. */
    static final class Peer implements Outlet {
        int unsent;
        int closeCode = -1;
        String closeReason;

        @Override
        public void send(Outbound message) {
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
            closeReason = reason;
        }

        @Override
        public boolean isOpen() {
            return closeCode < 0;
        }

        @Override
        public int unsent() {
            return unsent;
        }
    }

    /** Records what QuietClose schedules, with when it is due, instead of running it. */
    static final class ManualScheduler extends ScheduledThreadPoolExecutor {
        record Due(long atNanos, Runnable task) {
        }

        final Deque<Due> due = new ArrayDeque<>();
        long now;

        ManualScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            due.add(new Due(now + unit.toNanos(delay), task));
            return super.schedule(() -> { }, 1, TimeUnit.DAYS); // a future that cancel() may cancel
        }

        /** Moves the clock to the next scheduled check and runs it; false if none is scheduled. */
        boolean runNext() {
            Due next = due.pollFirst();
            if (next == null) {
                return false;
            }
            now = Math.max(now, next.atNanos());
            next.task().run();
            return true;
        }

        void advance(Duration by) {
            now += by.toNanos();
        }
    }

    final ManualScheduler scheduler = new ManualScheduler();
    final Peer peer = new Peer();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aQuietClient_isClosed_onceTheQuietPeriodHasPassed_withTheCodeAndReason() {
        QuietClose.start(peer, 1008, "rate limit exceeded", scheduler, () -> scheduler.now);
        assertThat(peer.closeCode).as("not at once").isEqualTo(-1);
        assertThat(scheduler.runNext()).isTrue();
        assertThat(scheduler.now).isEqualTo(QuietClose.QUIET.toNanos());
        assertThat(peer.closeCode).isEqualTo(1008);
        assertThat(peer.closeReason).isEqualTo("rate limit exceeded");
        assertThat(scheduler.due).as("nothing more to do").isEmpty();
    }

    @Test
    void whatTheClientSends_startsTheQuietAgain() {
        QuietClose close = QuietClose.start(peer, 1008, "token expired", scheduler, () -> scheduler.now);
        scheduler.advance(Duration.ofMillis(90));
        close.heard();
        scheduler.runNext(); // at 100 ms: the client was heard 10 ms ago
        assertThat(peer.closeCode).isEqualTo(-1);
        scheduler.runNext();
        assertThat(scheduler.now).as("100 ms after it was last heard").isEqualTo(Duration.ofMillis(190).toNanos());
        assertThat(peer.closeCode).isEqualTo(1008);
    }

    @Test
    void messagesStillQueuedForTheClient_goOutBeforeTheClose() {
        peer.unsent = 3;
        QuietClose.start(peer, 1009, "message larger than 65536 bytes", scheduler, () -> scheduler.now);
        scheduler.runNext();
        scheduler.runNext();
        assertThat(peer.closeCode).as("quiet, but three messages not yet written").isEqualTo(-1);
        peer.unsent = 0;
        scheduler.runNext();
        assertThat(peer.closeCode).isEqualTo(1009);
    }

    @Test
    void aClientThatNeverStops_isClosedAfterTheLinger() {
        QuietClose close = QuietClose.start(peer, 1008, "rate limit exceeded", scheduler, () -> scheduler.now);
        int checks = 0;
        while (peer.closeCode < 0 && checks++ < 1_000) {
            scheduler.advance(Duration.ofMillis(50)); // a frame every 50 ms
            close.heard();
            scheduler.runNext();
        }
        assertThat(peer.closeCode).isEqualTo(1008);
        assertThat(scheduler.now).as("closed at the linger, not before").isEqualTo(QuietClose.LINGER.toNanos());
    }

    @Test
    void aConnectionThatClosedMeanwhile_isLeftAlone() {
        QuietClose close = QuietClose.start(peer, 1008, "authentication timeout", scheduler, () -> scheduler.now);
        close.cancel();
        scheduler.runNext();
        assertThat(peer.closeCode).isEqualTo(-1);
        assertThat(scheduler.due).isEmpty();
    }
}
