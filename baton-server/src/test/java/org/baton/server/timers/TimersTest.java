package org.baton.server.timers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimersTest {
    static final Instant T0 = Instant.parse("2026-01-13T10:00:00Z");

    @Test
    void manualTimers_runDueTasksInOrder_andNothingEarly() {
        var timers = new ManualTimers();
        List<String> ran = new ArrayList<>();
        timers.schedule(T0.plusSeconds(30), () -> ran.add("b"));
        timers.schedule(T0.plusSeconds(10), () -> ran.add("a"));
        timers.schedule(T0.plusSeconds(60), () -> ran.add("c"));
        assertThat(timers.runDue(T0.plusSeconds(9))).isZero();
        assertThat(timers.runDue(T0.plusSeconds(30))).isEqualTo(2);
        assertThat(ran).containsExactly("a", "b");
        assertThat(timers.pending()).containsExactly(T0.plusSeconds(60));
    }

    @Test
    void manualTimers_cancelledTaskNeverRuns_andFailingTaskDoesNotStopOthers() {
        var timers = new ManualTimers();
        List<String> ran = new ArrayList<>();
        timers.schedule(T0.plusSeconds(1), () -> ran.add("cancelled")).cancel();
        timers.schedule(T0.plusSeconds(2), () -> {
            throw new IllegalStateException("boom");
        });
        timers.schedule(T0.plusSeconds(3), () -> ran.add("after failure"));
        timers.runDue(T0.plusSeconds(5));
        assertThat(ran).containsExactly("after failure");
    }

    @Test
    void manualTimers_tasksScheduledByTasks_runWhenDueInTheSameSpan() {
        var timers = new ManualTimers();
        List<String> ran = new ArrayList<>();
        timers.schedule(T0.plusSeconds(1), () -> timers.schedule(T0.plusSeconds(2), () -> ran.add("chained")));
        timers.runDue(T0.plusSeconds(3));
        assertThat(ran).containsExactly("chained");
    }

    @Test
    void manualTimers_periodicTaskRepeats() {
        var timers = new ManualTimers();
        AtomicLong count = new AtomicLong();
        timers.runDue(T0);
        timers.every(Duration.ofMinutes(1), count::incrementAndGet);
        timers.runDue(T0.plus(Duration.ofMinutes(3)));
        assertThat(count.get()).isEqualTo(3);
    }

    @Test
    void monotonicClock_followsElapsedNanos_notTheWallClock() {
        AtomicLong nanos = new AtomicLong(5_000);
        var clock = new MonotonicClock(T0, nanos::get);
        nanos.addAndGet(Duration.ofSeconds(90).toNanos());
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(90));
    }
}
