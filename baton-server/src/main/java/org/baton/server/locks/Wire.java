package org.baton.server.locks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.baton.core.Actor;
import org.baton.core.Lease;
import org.baton.core.LockState;
import org.baton.core.PresenceEntry;
import org.baton.core.RefusalCode;
import org.baton.server.http.Problem;

/**
 * The JSON shapes of PROTOCOL.md, built from core values in one place so REST and WebSocket say the same thing:
 * {@code lease}, {@code holder}, presence users, queue entries and refusals.
 */
public final class Wire {
    private Wire() {
    }

    public static Map<String, Object> lease(Lease lease) {
        var m = new LinkedHashMap<String, Object>();
        m.put("resourceId", lease.resourceId().toString());
        m.put("leaseId", lease.leaseId());
        m.put("fencingToken", lease.fencingToken());
        m.put("holder", person(lease.holder()));
        m.put("acquiredAt", lease.acquiredAt());
        m.put("expiresAt", lease.expiresAt());
        m.put("idleExpiresAt", lease.idleExpiresAt());
        return m;
    }

    /** The holder as refusals and checks show them (no lease id: that is the holder's secret). */
    public static Map<String, Object> holder(Lease lease) {
        var m = person(lease.holder());
        m.put("since", lease.acquiredAt());
        m.put("lastActivityAt", lease.lastActivityAt());
        m.put("expiresAt", lease.expiresAt());
        m.put("idleExpiresAt", lease.idleExpiresAt());
        m.put("connected", lease.disconnectedAt() == null);
        return m;
    }

    public static Map<String, Object> person(Actor actor) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userId", actor.userId());
        m.put("name", actor.name());
        m.put("role", actor.role());
        return m;
    }

    public static List<Map<String, Object>> presence(List<PresenceEntry> entries) {
        return presence(entries, false);
    }

    /**
     * @param keyed with each entry's {@code key}, for connections that asked for {@code presence:delta} (the others get
     *              the list as it always was: ~25 bytes less per person, which matters in a full list to every viewer)
     */
    public static List<Map<String, Object>> presence(List<PresenceEntry> entries, boolean keyed) {
        return entries.stream().map(e -> presenceUser(e, keyed)).toList();
    }

    /** One presence user, with the {@code key} that presence deltas name it by when {@code keyed} (see {@link PresenceKey}). */
    public static Map<String, Object> presenceUser(PresenceEntry e, boolean keyed) {
        Map<String, Object> m = person(e.actor());
        if (keyed) {
            m.put("key", PresenceKey.of(e.actor().sessionId()));
        }
        m.put("mode", e.mode().name().toLowerCase());
        m.put("hasLock", e.hasLock());
        if (e.lockExpiresAt() != null) {
            m.put("lockExpiresAt", e.lockExpiresAt());
        }
        return m;
    }

    public static List<Map<String, Object>> queue(LockState state) {
        List<LockState.Waiter> waiters = state.queue();
        return java.util.stream.IntStream.range(0, waiters.size()).mapToObj(i -> {
            Map<String, Object> m = person(waiters.get(i).actor());
            m.put("position", i + 1);
            m.put("joinedAt", waiters.get(i).joinedAt());
            m.put("connected", waiters.get(i).disconnectedAt() == null);
            return m;
        }).toList();
    }

    public static long seconds(Duration duration) {
        return Math.max(0, duration.toSeconds());
    }

    /** A core refusal as a problem document, with the current holder when there is one. */
    public static Problem refusal(RefusalCode code, Lease holder) {
        Problem problem = Problem.of(code.httpStatus(), code.name(), code.message());
        return holder == null ? problem : problem.with("holder", holder(holder));
    }
}
