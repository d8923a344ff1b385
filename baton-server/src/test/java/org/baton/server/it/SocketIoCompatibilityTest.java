package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.baton.server.contract.AsyncApiContract;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC feature 28 and issue 13 item 7: the seed's UI code, written with the npm {@code socket.io-client}, connects to
 * Baton unchanged — with its default options ({@code io(url)}: HTTP long-polling first, then the upgrade to a
 * WebSocket), WebSocket only, or polling only. The real client package (installed by {@code scripts/test-deps.sh})
 * runs {@code src/test/socketio/scenario.mjs} against a real server: join as editor, presence, an acknowledged
 * {@code lock:request}, release and hand-over. Every event the clients receive is checked against the
 * AsyncAPI document.
 */
class SocketIoCompatibilityTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "transports: {0}")
    @ValueSource(strings = {"default", "websocket", "polling"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void issue13_socketIoClient_joinsLocksQueuesAndGetsTheHandOver(String transports) throws Exception {
        Path scenario = Path.of("src/test/socketio/scenario.mjs").toAbsolutePath();
        assertThat(Path.of("src/test/socketio/node_modules/socket.io-client")).as("run ./test.sh (or scripts/test-deps.sh) to install socket.io-client").exists();
        try (TestBaton baton = new TestBaton(dir, Map.of())) {
            List<JsonNode> steps = new ArrayList<>();
            List<JsonNode> frames = new ArrayList<>();
            List<String> raw = new ArrayList<>();
            ProcessBuilder builder = new ProcessBuilder("node", scenario.toString()).directory(scenario.getParent().toFile()).redirectErrorStream(true);
            builder.environment().putAll(Map.of("BATON_URL", baton.base(), "ORIGIN", baton.origin(), "TRANSPORTS", transports,
                    "TOKEN_A", baton.token("sharma"), "TOKEN_B", baton.token("okafor")));
            Process node = builder.start();
            try (var out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    raw.add(line);
                    if (line.startsWith("{")) {
                        JsonNode parsed = Json.mapper().readTree(line);
                        if (parsed.has("frame")) {
                            frames.add(parsed.get("frame"));
                        } else {
                            steps.add(parsed);
                        }
                    }
                }
            }
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as(String.join("\n", raw)).isZero();
            assertThat(steps).extracting(s -> s.path("step").asText())
                    .containsExactly("a-ready", "a-acquired", "b-presence", "b-request-ack", "b-acquired", "done");
            assertThat(steps.get(1).path("resourceId").asText()).isEqualTo("patient:sio-1:main");
            assertThat(steps.get(3).path("event").asText()).isEqualTo("lock:queued");
            assertThat(steps.get(3).path("position").asInt()).isEqualTo(1);
            assertThat(steps.get(4).path("fencingToken").asLong()).isEqualTo(2);
            assertThat(frames).as("events the Socket.IO clients received").hasSizeGreaterThan(5);
            assertThat(frames.stream().flatMap(f -> AsyncApiContract.get().problems(f).stream()).toList())
                    .as("Socket.IO frames against the AsyncAPI document (issue 17)").isEmpty();
            JsonNode done = steps.get(5);
            switch (transports) {
                case "default" -> {
                    assertThat(done.path("firstTransport").asText()).as("io(url) starts with long-polling").isEqualTo("polling");
                    assertThat(done.path("finalTransports").get(0).asText()).as("and upgrades").isEqualTo("websocket");
                }
                case "polling" -> assertThat(done.path("finalTransports").toString()).isEqualTo("[\"polling\",\"polling\"]");
                default -> assertThat(done.path("finalTransports").toString()).isEqualTo("[\"websocket\",\"websocket\"]");
            }
        }
    }
}
