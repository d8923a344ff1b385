package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.baton.server.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopping instance (docs/protocol.md, {@code STOPPING}): its open WebSockets are closed with 1001 (going away), so
 * clients reconnect elsewhere at once, and an upgrade that arrives meanwhile is answered 503 {@code STOPPING} with
 * {@code Retry-After} as problem+json, not accepted and then dropped.
 */
class StoppingTest {
    @TempDir
    Path dir;
    TestBaton baton;

    @BeforeEach
    void start() {
        baton = new TestBaton(dir, Map.of());
    }

    @AfterEach
    void stop() {
        baton.close();
    }

    @Test
    void aStoppingInstance_closesItsWebSocketsWith1001_andRefusesNewOnesWith503Stopping() throws Exception {
        TestBaton.Client okafor = baton.connect("okafor");
        okafor.await("session:ready", d -> true);

        baton.server.goAway();

        org.awaitility.Awaitility.await("the open WebSocket closed").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> okafor.closeCode != -1);
        assertThat(okafor.closeCode).as("going away").isEqualTo(1001);
        assertThat(okafor.closeReason).isEqualTo("Baton is stopping");

        String answer = rawUpgrade("/ws?access_token=" + baton.token("rivera"));
        String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
        assertThat(head).startsWith("HTTP/1.1 503 ");
        assertThat(head.toLowerCase()).contains("content-type: application/problem+json").contains("retry-after: 2");
        JsonNode problem = Json.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(problem.path("code").asText()).isEqualTo("STOPPING");
        assertThat(problem.path("status").asInt()).isEqualTo(503);
        assertThat(baton.call("GET", "/health/live", null, null).status()).as("HTTP still answers while the WebSockets go").isEqualTo(200);
    }

    /** An upgrade request written by hand (the JDK client hides a refused handshake's body); the whole answer, read to its end. */
    private String rawUpgrade(String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", baton.server.port())) {
            socket.setSoTimeout(5_000);
            String request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + baton.server.port() + "\r\nOrigin: " + baton.origin()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
                String sofar = answer.toString(StandardCharsets.UTF_8);
                int end = sofar.indexOf("\r\n\r\n");
                if (end > 0 && sofar.toLowerCase().contains("content-length: ")) {
                    String lower = sofar.toLowerCase();
                    int at = lower.indexOf("content-length: ") + 16;
                    int length = Integer.parseInt(lower.substring(at, lower.indexOf("\r\n", at)).trim());
                    if (answer.size() >= end + 4 + length) {
                        break;
                    }
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
