package org.baton.server.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latest-wins for presence messages still waiting in one session's outbound queue: a newer message about the same
 * resource replaces an unsent older one, so a session that reads slowly gets the latest presence instead of every
 * step. A full list ({@code presence:update}) supersedes whatever was waiting; a delta ({@code presence:delta}) is
 * folded into the waiting delta or full list it continues (its {@code baseVersion} is at most their {@code version}).
 * Answers to a request (with a {@code ref}) are never replaced. Pure: it reads and writes payload maps only.
 */
public final class PresenceNews {
    static final String FULL = "presence:update";
    static final String DELTA = "presence:delta";

    private PresenceNews() {
    }

    /** The resource a replaceable presence message is about, or null when {@code message} is anything else. */
    public static String resourceOf(Outbound message) {
        if (message.ref() != null || !(FULL.equals(message.event()) || DELTA.equals(message.event()))
                || !(message.data() instanceof Map<?, ?> data) || !(data.get("resourceId") instanceof String rid)
                || !(data.get("version") instanceof Number)) {
            return null;
        }
        return rid;
    }

    /**
     * The one message that says what {@code waiting} and then {@code newer} (both about the same resource) say, or
     * null when they cannot be merged (a gap between them) and both must be sent.
     */
    public static Outbound merge(Outbound waiting, Outbound newer) {
        Map<?, ?> old = (Map<?, ?>) waiting.data();
        Map<?, ?> next = (Map<?, ?>) newer.data();
        long oldVersion = number(old.get("version"));
        long newVersion = number(next.get("version"));
        if (newVersion < oldVersion) {
            return waiting; // the newer one is stale: what waits already says more
        }
        if (FULL.equals(newer.event())) {
            return newer;
        }
        if (number(next.get("baseVersion")) > oldVersion) {
            return null;
        }
        return FULL.equals(waiting.event()) ? Outbound.event(FULL, applied(old, next)) : Outbound.event(DELTA, composed(old, next));
    }

    /** The full list of {@code full} with {@code delta} applied: removed and changed users out, changed and added ones in. */
    private static Map<String, Object> applied(Map<?, ?> full, Map<?, ?> delta) {
        Map<String, Object> users = new LinkedHashMap<>();
        for (Object u : (List<?>) full.get("users")) {
            users.put(key(u), u);
        }
        ((List<?>) delta.get("removed")).forEach(users::remove);
        for (Object u : (List<?>) delta.get("changed")) {
            users.put(key(u), u);
        }
        for (Object u : (List<?>) delta.get("added")) {
            users.put(key(u), u);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", full.get("resourceId"));
        data.put("version", delta.get("version"));
        data.put("users", new ArrayList<>(users.values()));
        return data;
    }

    /** One delta from {@code first}'s base to {@code second}'s version: per person, the net effect of both. */
    private static Map<String, Object> composed(Map<?, ?> first, Map<?, ?> second) {
        Map<String, Object> added = new LinkedHashMap<>();
        Map<String, Object> changed = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        for (Object u : (List<?>) first.get("added")) {
            added.put(key(u), u);
        }
        for (Object u : (List<?>) first.get("changed")) {
            changed.put(key(u), u);
        }
        ((List<?>) first.get("removed")).forEach(k -> removed.add((String) k));
        for (Object k : (List<?>) second.get("removed")) {
            if (added.remove((String) k) == null) {
                changed.remove((String) k);
                removed.add((String) k);
            }
        }
        for (Object u : (List<?>) second.get("changed")) {
            if (added.containsKey(key(u))) {
                added.put(key(u), u);
            } else {
                changed.put(key(u), u);
            }
        }
        for (Object u : (List<?>) second.get("added")) {
            if (removed.remove(key(u))) {
                changed.put(key(u), u); // gone and back again: there at the base, so a change
            } else {
                added.put(key(u), u);
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", first.get("resourceId"));
        data.put("version", second.get("version"));
        data.put("baseVersion", first.get("baseVersion"));
        data.put("added", new ArrayList<>(added.values()));
        data.put("removed", removed);
        data.put("changed", new ArrayList<>(changed.values()));
        return data;
    }

    private static String key(Object user) {
        return (String) ((Map<?, ?>) user).get("key");
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
