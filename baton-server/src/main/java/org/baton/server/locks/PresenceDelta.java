package org.baton.server.locks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.baton.core.PresenceEntry;
import org.baton.server.session.Outbound;

/**
 * {@code presence:delta}: what changed in a resource's presence between two versions, for clients that asked for
 * deltas ({@code /ws?presence=delta}). Its size depends on how many people changed, not on how many are there, so one
 * change costs O(viewers) bytes in all instead of O(viewers²). Pure encoding: the presence lists come from the core's
 * {@code PresenceChanged} events; this only says how the later one differs from the earlier one.
 */
final class PresenceDelta {
    static final String EVENT = "presence:delta";

    private PresenceDelta() {
    }

    /**
     * The delta from {@code before} (the presence at {@code baseVersion}) to {@code after} (at {@code version}), or null
     * when it cannot be told by session (a list with one session twice), in which case the full list goes out instead.
     * People are matched by session: {@code added} and {@code changed} carry whole users, {@code removed} their keys.
     */
    static Outbound between(String resourceId, long baseVersion, List<PresenceEntry> before, List<PresenceEntry> after, long version) {
        Map<String, PresenceEntry> earlier = new HashMap<>();
        for (PresenceEntry e : before) {
            if (earlier.put(e.actor().sessionId(), e) != null) {
                return null;
            }
        }
        List<Map<String, Object>> added = new ArrayList<>();
        List<Map<String, Object>> changed = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (PresenceEntry e : after) {
            String session = e.actor().sessionId();
            if (seen.put(session, Boolean.TRUE) != null) {
                return null;
            }
            PresenceEntry was = earlier.remove(session);
            if (was == null) {
                added.add(Wire.presenceUser(e, true));
            } else if (!was.equals(e)) {
                changed.add(Wire.presenceUser(e, true));
            }
        }
        List<String> removed = before.stream().filter(e -> earlier.containsKey(e.actor().sessionId()))
                .map(e -> PresenceKey.of(e.actor().sessionId())).toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", resourceId);
        data.put("version", version);
        data.put("baseVersion", baseVersion);
        data.put("added", added);
        data.put("removed", removed);
        data.put("changed", changed);
        return Outbound.event(EVENT, data);
    }
}
