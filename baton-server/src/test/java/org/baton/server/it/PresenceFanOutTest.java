package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, fan-out: clients that open {@code /ws?presence=delta} get {@code presence:delta} (what changed) instead of
 * the full list on every change, so one change costs O(viewers) bytes in all, not O(viewers²); what they rebuild from
 * the deltas is exactly the server's presence; clients that did not ask keep getting {@code presence:update}.
 */
class PresenceFanOutTest {
    static final String SECRET = "presence-fan-out-test-secret-of-32-bytes";

    @TempDir
    Path dir;

    private static TestBaton start(Path dir) {
        return new TestBaton(dir, Map.of("BATON_JWT_SECRET", SECRET));
    }

    /** A connection of {@code user}; with {@code deltas}, one that asks for {@code presence:delta}. */
    private static TestBaton.Client connect(TestBaton baton, String user, boolean deltas) {
        String token = TestBaton.signedToken(SECRET, user, user, "attending", baton.clock.instant());
        return baton.connect(user, "?access_token=" + token + (deltas ? "&presence=delta" : ""));
    }

    /** A client's presence as it would rebuild it from what it received: full lists and deltas, by version. */
    static final class Rebuilt {
        final Map<String, JsonNode> users = new LinkedHashMap<>();
        long version = -1;
        int deltasApplied;
        int gaps;

        static Rebuilt from(TestBaton.Client client, String rid) {
            Rebuilt r = new Rebuilt();
            for (JsonNode m : client.received) {
                JsonNode data = m.path("data");
                if (!data.path("resourceId").asText().equals(rid)) {
                    continue;
                }
                long v = data.path("version").asLong();
                switch (m.path("event").asText()) {
                    case "presence:update" -> {
                        if (v >= r.version) {
                            r.users.clear();
                            data.path("users").forEach(u -> r.users.put(u.path("key").asText(), u));
                            r.version = v;
                        }
                    }
                    case "presence:delta" -> {
                        if (v <= r.version) {
                            continue;
                        }
                        if (r.version < 0) {
                            continue; // news of its own join, before the join's full list: that list follows
                        }
                        if (data.path("baseVersion").asLong() > r.version) {
                            r.gaps++; // a real client asks presence:get here; the test counts it and fails below
                            continue;
                        }
                        data.path("removed").forEach(k -> r.users.remove(k.asText()));
                        data.path("changed").forEach(u -> r.users.put(u.path("key").asText(), u));
                        data.path("added").forEach(u -> r.users.put(u.path("key").asText(), u));
                        r.version = v;
                        r.deltasApplied++;
                    }
                    default -> {
                    }
                }
            }
            return r;
        }
    }

    private static Map<String, JsonNode> byKey(JsonNode users) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        users.forEach(u -> map.put(u.path("key").asText(), u));
        return map;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void issue14_optedInViewers_rebuildExactlyTheServersPresence_whileManyUsersChangeIt() throws Exception {
        String rid = "patient:fanout-1:main";
        try (TestBaton baton = start(dir)) {
            List<TestBaton.Client> viewers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                TestBaton.Client viewer = connect(baton, "viewer" + i, true);
                viewer.answer(viewer.send("resource:join", Map.of("resourceId", rid, "mode", "viewer")));
                viewers.add(viewer);
            }
            TestBaton.Client classic = connect(baton, "classic", false);
            classic.answer(classic.send("resource:join", Map.of("resourceId", rid, "mode", "viewer")));
            List<String> users = List.of("sharma", "johnson", "chen", "okafor", "lindqvist");
            ExecutorService pool = Executors.newFixedThreadPool(users.size());
            List<Future<?>> racers = new ArrayList<>();
            for (String user : users) {
                racers.add(pool.submit(() -> {
                    TestBaton.Client first = connect(baton, user, false);
                    TestBaton.Client secondTab = connect(baton, user, false); // the same user twice: presence lists sessions
                    for (int i = 0; i < 8; i++) {
                        first.answer(first.send("resource:join", Map.of("resourceId", rid, "mode", i % 3 == 0 ? "editor" : "viewer")));
                        secondTab.answer(secondTab.send("resource:join", Map.of("resourceId", rid, "mode", "viewer")));
                        first.answer(first.send("lock:release", Map.of("resourceId", rid)));
                        first.answer(first.send("resource:leave", Map.of("resourceId", rid)));
                        if (i % 2 == 0) {
                            secondTab.answer(secondTab.send("resource:leave", Map.of("resourceId", rid)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> racer : racers) {
                racer.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            TestBaton.Client judge = connect(baton, "judge", true);
            JsonNode snapshot = judge.answer(judge.send("presence:get", Map.of("resourceId", rid))).path("data");
            Map<String, JsonNode> expected = byKey(snapshot.path("users"));
            assertThat(expected).as("the racers' second tabs are still there").hasSizeGreaterThan(30);

            for (TestBaton.Client viewer : viewers) {
                org.awaitility.Awaitility.await(viewer.userId).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                        .until(() -> Rebuilt.from(viewer, rid).version >= 0 && Rebuilt.from(viewer, rid).users.equals(expected));
                Rebuilt rebuilt = Rebuilt.from(viewer, rid);
                assertThat(rebuilt.gaps).as(viewer.userId + " never saw a gap on one instance").isZero();
                assertThat(rebuilt.deltasApplied).as(viewer.userId + " got its news as deltas").isGreaterThan(20);
                assertThat(viewer.count("presence:update", d -> d.path("resourceId").asText().equals(rid)))
                        .as(viewer.userId + ": the full list only when it joined (the join's answer, and for the first viewer the news of"
                                + " that same join, when the server had no earlier presence to start a delta from)").isLessThanOrEqualTo(2);
            }
            List<JsonNode> unkeyed = expected.values().stream().map(u -> (JsonNode) ((com.fasterxml.jackson.databind.node.ObjectNode) u.deepCopy()).without("key")).toList();
            org.awaitility.Awaitility.await("classic client").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> lastFullList(classic, rid).equals(unkeyed));
            assertThat(classic.count("presence:delta", d -> true)).as("a client that did not ask gets no deltas").isZero();
            assertThat(lastFullList(classic, rid)).as("and its full lists are as they always were, without keys")
                    .allMatch(u -> !u.has("key"));
            assertThat(classic.count("presence:update", d -> d.path("resourceId").asText().equals(rid))).isGreaterThan(20);
        }
    }

    /** The users of the last {@code presence:update} about {@code rid} that {@code client} received (empty before any). */
    private static List<JsonNode> lastFullList(TestBaton.Client client, String rid) {
        List<JsonNode> users = new ArrayList<>();
        for (JsonNode m : client.received) {
            if (m.path("event").asText().equals("presence:update") && m.at("/data/resourceId").asText().equals(rid)) {
                users = new ArrayList<>();
                m.at("/data/users").forEach(users::add);
            }
        }
        return users;
    }

    /** The average size of {@code event} frames about {@code rid} that {@code client} received after {@code from}. */
    private static double averageFrameBytes(TestBaton.Client client, String event, String rid, int from) {
        return client.received.subList(from, client.received.size()).stream()
                .filter(m -> m.path("event").asText().equals(event) && m.at("/data/resourceId").asText().equals(rid))
                .mapToInt(m -> m.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).average().orElseThrow();
    }

    /** Per change: {delta bytes to one opted-in viewer, full-list bytes to one classic viewer}, with {@code viewers} joined. */
    private double[] presenceBytesPerChange(TestBaton baton, String rid, int viewers) {
        List<TestBaton.Client> joined = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
            String user = rid.replace(':', '-') + "-v" + i;
            TestBaton.Client viewer = connect(baton, user, true);
            viewer.answer(viewer.send("resource:join", Map.of("resourceId", rid, "mode", "viewer")));
            joined.add(viewer);
        }
        TestBaton.Client classic = connect(baton, rid.replace(':', '-') + "-classic", false);
        classic.answer(classic.send("resource:join", Map.of("resourceId", rid, "mode", "viewer")));
        TestBaton.Client watcher = joined.get(0);
        int watcherFrom = watcher.received.size();
        int classicFrom = classic.received.size();
        TestBaton.Client editor = connect(baton, rid.replace(':', '-') + "-editor", false);
        for (int i = 0; i < 5; i++) {
            editor.answer(editor.send("lock:request", Map.of("resourceId", rid)));
            editor.answer(editor.send("lock:release", Map.of("resourceId", rid)));
        }
        long lastVersion = editor.answer(editor.send("presence:get", Map.of("resourceId", rid))).at("/data/version").asLong();
        for (TestBaton.Client c : List.of(watcher, classic)) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Rebuilt.from(c, rid).version >= lastVersion);
        }
        assertThat(watcher.count("presence:delta", d -> d.path("resourceId").asText().equals(rid))).isGreaterThanOrEqualTo(10);
        return new double[] {averageFrameBytes(watcher, "presence:delta", rid, watcherFrom),
                averageFrameBytes(classic, "presence:update", rid, classicFrom)};
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void issue14_bytesPerChange_growWithViewers_notWithTheirSquare() throws Exception {
        try (TestBaton baton = start(dir)) {
            double[] few = presenceBytesPerChange(baton, "patient:fanout-20:main", 20);
            double[] many = presenceBytesPerChange(baton, "patient:fanout-200:main", 200);
            System.out.printf("presence bytes per change per viewer: delta %.0f (V=20) / %.0f (V=200); full list %.0f / %.0f%n",
                    few[0], many[0], few[1], many[1]);
            assertThat(many[0]).as("a delta's size does not depend on how many are there").isLessThan(few[0] * 1.3);
            assertThat(many[1]).as("while the full list grows with them").isGreaterThan(few[1] * 5);
        }
    }
}
