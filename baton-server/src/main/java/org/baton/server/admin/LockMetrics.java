package org.baton.server.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.core.ReleaseCause;

/**
 * The dashboard's live figures as Prometheus meters: grants by route ({@code via}), releases by cause (timeouts are
 * the EXPIRED/IDLE_TIMEOUT/GRACE_PERIOD_EXPIRED ones), how long locks were held and how long waiters waited,
 * takeovers and admin releases (the force-unlock rate), refusals by code, autosave recoveries, and gauges of active
 * locks and waiters. {@link #snapshot()} gives the same figures as JSON for the dashboard.
 */
public final class LockMetrics implements Consumer<List<LockEvent>> {
    private final MeterRegistry registry;
    private final InstantSource clock;
    private final Supplier<List<LockState>> active;
    private final Timer held;
    private final Timer queueWait;
    private final Counter recoveries;
    private final Map<String, Instant> queuedSince = new ConcurrentHashMap<>();
    /** Counters by name, tag and value: registered once, not looked up in the registry on every decision. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public LockMetrics(MeterRegistry registry, InstantSource clock, Supplier<List<LockState>> active) {
        this.registry = registry;
        this.clock = clock;
        this.active = active;
        this.held = Timer.builder("baton.lock.hold").description("How long locks were held").register(registry);
        this.queueWait = Timer.builder("baton.queue.wait").description("From joining a queue to holding the lock").register(registry);
        this.recoveries = Counter.builder("baton.autosave.recovered").description("Drafts restored after a crash or takeover").register(registry);
        Gauge.builder("baton.locks.active", () -> active.get().stream().filter(s -> s.holder() != null).count())
                .description("Locks currently held").register(registry);
        Gauge.builder("baton.queue.waiting", () -> active.get().stream().mapToInt(s -> s.queue().size()).sum())
                .description("Users waiting in queues").register(registry);
    }

    @Override
    public void accept(List<LockEvent> events) {
        for (LockEvent event : events) {
            switch (event) {
                case LockEvent.Acquired e -> {
                    counter("baton.lock.acquired", "via", e.via().name()).increment();
                    Instant since = queuedSince.remove(key(e.resourceId().toString(), e.lease().holder().userId()));
                    if (since != null) {
                        queueWait.record(Duration.between(since, clock.instant()));
                    }
                }
                case LockEvent.Released e -> {
                    counter("baton.lock.released", "cause", e.cause().name()).increment();
                    held.record(Duration.between(e.lease().acquiredAt(), clock.instant()));
                }
                case LockEvent.Queued e -> {
                    counter("baton.queue.joined", "type", e.resourceId().type()).increment();
                    queuedSince.putIfAbsent(key(e.resourceId().toString(), e.actor().userId()), clock.instant());
                }
                case LockEvent.LeftQueue e -> queuedSince.remove(key(e.resourceId().toString(), e.actor().userId()));
                case LockEvent.TakenOver e -> counter("baton.lock.overridden", "kind", e.emergency() ? "emergency" : "request").increment();
                case LockEvent.AdminReleased e -> counter("baton.lock.overridden", "kind", "admin").increment();
                case LockEvent.Refused e -> counter("baton.lock.refused", "code", e.code().name()).increment();
                default -> { }
            }
        }
    }

    /** A draft was restored: counted as an autosave recovery. */
    public void draftRecovered() {
        recoveries.increment();
    }

    /** The dashboard's figures since start. */
    public Map<String, Object> snapshot() {
        List<LockState> states = active.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", clock.instant());
        out.put("locksActive", states.stream().filter(s -> s.holder() != null).count());
        out.put("queueWaiting", states.stream().mapToInt(s -> s.queue().size()).sum());
        out.put("acquired", sum("baton.lock.acquired"));
        out.put("released", sum("baton.lock.released"));
        out.put("averageLockSeconds", round(held.mean(TimeUnit.SECONDS)));
        out.put("averageQueueWaitSeconds", round(queueWait.mean(TimeUnit.SECONDS)));
        double overrides = sum("baton.lock.overridden");
        out.put("forceUnlocks", overrides);
        double acquired = sum("baton.lock.acquired");
        out.put("forceUnlockRate", acquired == 0 ? 0.0 : round(overrides / acquired));
        double timeouts = 0;
        for (ReleaseCause cause : List.of(ReleaseCause.EXPIRED, ReleaseCause.IDLE_TIMEOUT, ReleaseCause.GRACE_PERIOD_EXPIRED)) {
            Counter c = registry.find("baton.lock.released").tag("cause", cause.name()).counter();
            timeouts += c == null ? 0 : c.count();
        }
        out.put("timeouts", timeouts);
        out.put("autosaveRecoveries", recoveries.count());
        out.put("refused", sum("baton.lock.refused"));
        return out;
    }

    private double sum(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 100) / 100.0 : 0.0;
    }

    private static String key(String resourceId, String userId) {
        return resourceId + "|" + userId;
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '|' + tag + '|' + value, k -> Counter.builder(name).tag(tag, value).register(registry));
    }
}
