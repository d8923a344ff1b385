package org.baton.server.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.server.session.ClientSession;
import org.baton.server.session.Outbound;
import org.baton.server.session.SessionRegistry;

/**
 * Proactive alerts for admins (SPEC 14-15 and 26): a lock held too long (an hour by default), a holder idle past a
 * threshold, a queue at its alert size, a burst of overrides; the thresholds are settings. Each alert is pushed live ({@code admin:alert}) to every
 * connected admin session once, and stays listed ({@link #current()}) until its condition clears.
 */
public final class AlertWatch implements Consumer<List<LockEvent>> {
    /** Thresholds of the alerts ({@code BATON_ALERT_*}). */
    public record Thresholds(Duration heldLong, Duration idle, int queueSize, int overrideBurst, Duration overrideWindow) {
    }

    /** One active alert. */
    public record Alert(String kind, String resourceId, String message, Instant since) {
    }

    private final SessionRegistry sessions;
    private final InstantSource clock;
    private final Thresholds thresholds;
    private final Supplier<List<LockState>> activeStates;
    private final Map<String, Alert> active = new ConcurrentHashMap<>();
    private final Deque<Instant> overrides = new ArrayDeque<>();

    public AlertWatch(SessionRegistry sessions, InstantSource clock, Thresholds thresholds, Supplier<List<LockState>> activeStates) {
        this.sessions = sessions;
        this.clock = clock;
        this.thresholds = thresholds;
        this.activeStates = activeStates;
    }

    /** Events: overrides and queue growth are noticed as they happen. */
    @Override
    public void accept(List<LockEvent> events) {
        for (LockEvent event : events) {
            switch (event) {
                case LockEvent.TakenOver e -> override();
                case LockEvent.AdminReleased e -> override();
                case LockEvent.Queued e when e.position() >= thresholds.queueSize() -> raise("QUEUE_LONG", e.resourceId().toString(),
                        e.position() + " people are waiting for " + e.resourceId() + ".");
                default -> { }
            }
        }
    }

    /** The periodic scan: long-held and idle locks, and alerts whose condition has cleared. */
    public void scan() {
        Instant now = clock.instant();
        Map<String, Boolean> stillTrue = new LinkedHashMap<>();
        for (LockState state : activeStates.get()) {
            String rid = state.resourceId().toString();
            if (state.holder() != null) {
                Duration held = Duration.between(state.holder().acquiredAt(), now);
                if (held.compareTo(thresholds.heldLong()) >= 0) {
                    stillTrue.put(key("LOCK_HELD_LONG", rid), true);
                    raise("LOCK_HELD_LONG", rid, state.holder().holder().name() + " has held " + rid + " for " + held.toMinutes() + " min.");
                }
                Duration idle = Duration.between(state.holder().lastActivityAt(), now);
                if (idle.compareTo(thresholds.idle()) >= 0) {
                    stillTrue.put(key("LOCK_IDLE", rid), true);
                    raise("LOCK_IDLE", rid, state.holder().holder().name() + " holds " + rid + " but has been idle for " + idle.toMinutes() + " min.");
                }
            }
            if (state.queue().size() >= thresholds.queueSize()) {
                stillTrue.put(key("QUEUE_LONG", rid), true);
            }
        }
        synchronized (overrides) {
            while (!overrides.isEmpty() && overrides.peekFirst().isBefore(now.minus(thresholds.overrideWindow()))) {
                overrides.removeFirst();
            }
            if (overrides.size() >= thresholds.overrideBurst()) {
                stillTrue.put(key("OVERRIDE_BURST", null), true);
            }
        }
        active.keySet().removeIf(k -> !stillTrue.containsKey(k));
    }

    public List<Alert> current() {
        return List.copyOf(active.values());
    }

    private void override() {
        Instant now = clock.instant();
        int count;
        synchronized (overrides) {
            overrides.addLast(now);
            while (overrides.peekFirst().isBefore(now.minus(thresholds.overrideWindow()))) {
                overrides.removeFirst();
            }
            count = overrides.size();
        }
        if (count >= thresholds.overrideBurst()) {
            raise("OVERRIDE_BURST", null, count + " locks were overridden in the last " + thresholds.overrideWindow().toMinutes() + " min.");
        }
    }

    private void raise(String kind, String resourceId, String message) {
        Alert alert = new Alert(kind, resourceId, message, clock.instant());
        if (active.putIfAbsent(key(kind, resourceId), alert) == null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("kind", kind);
            data.put("resourceId", resourceId);
            data.put("message", message);
            data.put("at", alert.since());
            Outbound push = Outbound.event("admin:alert", data);
            for (ClientSession session : sessions.withRole("admin")) {
                session.deliver(push);
            }
        }
    }

    private static String key(String kind, String resourceId) {
        return kind + "|" + (resourceId == null ? "" : resourceId);
    }
}
