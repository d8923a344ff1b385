package org.baton.server.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.baton.core.LockEvent;
import org.baton.core.LockState;

/**
 * The dashboard's live figures as Prometheus meters: grants by route ({@code via}), releases by cause (timeouts are
 * the EXPIRED/IDLE_TIMEOUT/GRACE_PERIOD_EXPIRED ones), how long locks were held, takeovers
 * and admin releases (the force-unlock rate), refusals by code, and gauges of active locks and waiters.
 */
public final class LockMetrics implements Consumer<List<LockEvent>> {
    private final MeterRegistry registry;
    private final InstantSource clock;
    private final Timer held;

    public LockMetrics(MeterRegistry registry, InstantSource clock, Supplier<List<LockState>> active) {
        this.registry = registry;
        this.clock = clock;
        this.held = Timer.builder("baton.lock.hold").description("How long locks were held").register(registry);
        Gauge.builder("baton.locks.active", () -> active.get().stream().filter(s -> s.holder() != null).count())
                .description("Locks currently held").register(registry);
        Gauge.builder("baton.queue.waiting", () -> active.get().stream().mapToInt(s -> s.queue().size()).sum())
                .description("Users waiting in queues").register(registry);
    }

    @Override
    public void accept(List<LockEvent> events) {
        for (LockEvent event : events) {
            switch (event) {
                case LockEvent.Acquired e -> counter("baton.lock.acquired", "via", e.via().name()).increment();
                case LockEvent.Released e -> {
                    counter("baton.lock.released", "cause", e.cause().name()).increment();
                    held.record(Duration.between(e.lease().acquiredAt(), clock.instant()));
                }
                case LockEvent.Queued e -> counter("baton.queue.joined", "type", e.resourceId().type()).increment();
                case LockEvent.TakenOver e -> counter("baton.lock.overridden", "kind", e.emergency() ? "emergency" : "request").increment();
                case LockEvent.AdminReleased e -> counter("baton.lock.overridden", "kind", "admin").increment();
                case LockEvent.Refused e -> counter("baton.lock.refused", "code", e.code().name()).increment();
                default -> { }
            }
        }
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }
}
