package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY.md "client paused past its lease": a holder's client process is frozen with {@code SIGSTOP} past its
 * 10 s lease; another user takes the record and saves; on {@code SIGCONT} the paused client learns its lock is lost
 * and its save with the old lease is refused (423), while its autosaved draft is still there.
 */
class PausedHolderTest {
    @TempDir
    Path dataDir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aClientPausedPastItsLease_cannotWrite_andKeepsItsDraft() throws Exception {
        try (ServerProcess server = new ServerProcess(dataDir, Map.of("BATON_LEASE_TTL", "10", "LOCK_HEARTBEAT_INTERVAL", "5"))) {
            server.start();
            var created = call(server, "POST", "/api/records/catheter", "admin", "{\"id\":\"p1\",\"fields\":{\"patient_id\":\"p-1\","
                    + "\"catheter_type\":\"epidural\",\"site\":\"L3-4\"}}", Map.of());
            assertThat(created.statusCode()).isEqualTo(201);

            String java = ProcessHandle.current().info().command().orElseThrow();
            Process client = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PausedHolderClient.class.getName(),
                    server.base().toString()).redirectErrorStream(true).start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
                    .lines().forEach(lines::add));
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.startsWith("DRAFT")));
                assertThat(lines).anyMatch(l -> l.startsWith("ACQUIRED 200")).anyMatch(l -> l.equals("DRAFT 200"));
                signal("STOP", client.pid());

                // the other user waits, as a person would, until the frozen holder's lease has lapsed
                String[] lease = new String[1];
                Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    var reply = call(server, "POST", "/api/locks/acquire", "other", "{\"resourceId\":\"catheter:p1\"}", Map.of());
                    if (reply.statusCode() == 200) {
                        lease[0] = Json.mapper().readTree(reply.body()).at("/lease/leaseId").asText();
                        return true;
                    }
                    return false;
                });
                var saved = call(server, "PUT", "/api/records/catheter/p1", "other", "{\"fields\":{\"notes\":\"the new editor's note\"}}",
                        Map.of("If-Match", "\"1\"", "X-Lease-Id", lease[0]));
                assertThat(saved.statusCode()).isEqualTo(200);

                signal("CONT", client.pid());
                assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
                reader.join(5_000);
                assertThat(lines).as("the client learns its lock is lost").anyMatch(l -> l.startsWith("LOST"));
                assertThat(lines).as("its stale save is refused").anyMatch(l -> l.startsWith("SAVE 423"));
                var history = Json.mapper().readTree(call(server, "GET", "/api/records/catheter/p1/history", "admin", null, Map.of()).body());
                assertThat(history.path("versions")).hasSize(2);
                assertThat(history.at("/versions/1/updatedBy").asText()).isEqualTo("other");
                var draft = call(server, "GET", "/api/autosave/restore/catheter/p1", "holder", null, Map.of());
                assertThat(Json.mapper().readTree(draft.body()).at("/data/fields/notes").asText()).isEqualTo("typed before the pause");
                assertThat(Json.mapper().readTree(draft.body()).at("/merge/theirsVersion").asLong()).as("with a merge proposal").isEqualTo(2);
                System.out.println("paused holder: " + lines);
            } finally {
                signal("CONT", client.pid());
                client.destroyForcibly();
            }
        }
    }

    private static void signal(String name, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> call(ServerProcess server, String method, String path, String user, String body, Map<String, String> headers)
            throws Exception {
        var request = HttpRequest.newBuilder(server.base().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ServerProcess.token(user, "nurse"));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
