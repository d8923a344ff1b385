package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Issue 13 items 5 and 6: events about a resource carry a version that only grows, so presence never goes backwards
 * however many changes race; and a session resumed after the server was killed still hears the records it had
 * joined.
 */
class EventOrderTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void presence_neverGoesBackwards_whileManyUsersChangeItAtOnce() throws Exception {
        String rid = "patient:order-1:main";
        try (TestBaton baton = new TestBaton(dir, Map.of())) {
            TestBaton.Client watcher = baton.connect("rivera");
            watcher.answer(watcher.send("resource:join", Map.of("resourceId", rid, "mode", "viewer")));
            List<String> users = List.of("sharma", "johnson", "chen", "okafor", "lindqvist");
            ExecutorService pool = Executors.newFixedThreadPool(users.size());
            List<Future<?>> racers = new ArrayList<>();
            for (String user : users) {
                racers.add(pool.submit(() -> {
                    TestBaton.Client client = baton.connect(user);
                    for (int i = 0; i < 12; i++) {
                        client.answer(client.send("resource:join", Map.of("resourceId", rid, "mode", i % 3 == 0 ? "editor" : "viewer")));
                        client.answer(client.send("lock:release", Map.of("resourceId", rid)));
                        client.answer(client.send("resource:leave", Map.of("resourceId", rid)));
                    }
                    return null;
                }));
            }
            for (Future<?> racer : racers) {
                racer.get(90, TimeUnit.SECONDS);
            }
            pool.shutdown();
            long finalVersion = baton.call("GET", "/api/locks/check/patient/order-1", baton.token("rivera"), null).body().path("version").asLong();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lastPresenceVersion(watcher, rid) == finalVersion);
            List<Long> versions = new ArrayList<>();
            for (JsonNode m : watcher.received) {
                if (m.path("event").asText().equals("presence:update") && m.at("/data/resourceId").asText().equals(rid)) {
                    versions.add(m.at("/data/version").asLong());
                }
            }
            assertThat(versions).as("presence versions as the watcher received them").hasSizeGreaterThan(20).isSorted();
            JsonNode last = lastPresence(watcher, rid);
            assertThat(last.at("/data/users").size()).as("the last presence shows the final state: only the watcher").isEqualTo(1);
            System.out.printf("event order: %d presence updates, versions never went back, the last one (%d) is the final state%n",
                    versions.size(), finalVersion);
        }
    }

    private static JsonNode lastPresence(TestBaton.Client client, String rid) {
        JsonNode last = null;
        for (JsonNode m : client.received) {
            if (m.path("event").asText().equals("presence:update") && m.at("/data/resourceId").asText().equals(rid)) {
                last = m;
            }
        }
        return last;
    }

    private static long lastPresenceVersion(TestBaton.Client client, String rid) {
        JsonNode last = lastPresence(client, rid);
        return last == null ? -1 : last.at("/data/version").asLong();
    }

    /** The report's reproduction: joined as viewer, server {@code kill -9} and restart, resumed with its session id. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aResumedSession_afterTheServerWasKilled_stillHearsTheRecordsItJoined() throws Exception {
        String rid = "patient:order-2:main";
        HttpClient http = HttpClient.newHttpClient();
        try (ServerProcess server = new ServerProcess(java.nio.file.Files.createDirectories(dir.resolve("data")), Map.of())) {
            server.start();
            TestBaton.Client viewer = connect(http, server.base(), "okafor", null);
            String sessionId = viewer.await("session:ready").at("/data/sessionId").asText();
            viewer.answer(viewer.send("resource:join", Map.of("resourceId", rid, "mode", "viewer")));
            server.kill();
            server.start();
            TestBaton.Client resumed = connect(http, server.base(), "okafor", sessionId);
            assertThat(resumed.await("session:ready").at("/data/sessionId").asText()).isEqualTo(sessionId);
            TestBaton.Client sharma = connect(http, server.base(), "sharma", null);
            sharma.answer(sharma.send("lock:request", Map.of("resourceId", rid)));
            JsonNode heard = resumed.await("lock:acquired", d -> d.path("resourceId").asText().equals(rid));
            assertThat(heard.at("/data/lease/holder/userId").asText()).isEqualTo("sharma");
            // The resumed viewer is in the presence again (its viewing ended when the old server died with its connection).
            resumed.await("presence:update", d -> d.path("resourceId").asText().equals(rid)
                    && d.path("users").findValuesAsText("userId").containsAll(java.util.List.of("okafor", "sharma")));
            resumed.close();
            sharma.close();
        }
    }

    private static TestBaton.Client connect(HttpClient http, URI base, String user, String sessionId) throws Exception {
        TestBaton.Client client = new TestBaton.Client(user);
        String query = "?access_token=" + ServerProcess.token(user, "nurse") + (sessionId == null ? "" : "&sessionId=" + sessionId);
        client.socket = http.newWebSocketBuilder().header("Origin", "http://127.0.0.1:" + base.getPort())
                .buildAsync(URI.create("ws://127.0.0.1:" + base.getPort() + "/ws" + query), client).get(10, TimeUnit.SECONDS);
        return client;
    }
}
