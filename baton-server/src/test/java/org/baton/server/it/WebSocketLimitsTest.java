package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-connection limits on a real server: a flood is refused past the rate limit and then cut off; nothing beyond the limit takes effect. */
class WebSocketLimitsTest {
    @TempDir
    Path dir;
    TestBaton baton;

    @BeforeEach
    void start() {
        baton = new TestBaton(dir, Map.of("BATON_RATE_LIMIT", "5", "BATON_RATE_BURST", "10"));
    }

    @AfterEach
    void stop() {
        baton.close();
    }

    @Test
    void aFlood_getsRateLimited_thenClosed_andOnlyTheAllowedMessagesTookEffect() {
        var flooder = baton.connect("okafor");
        flooder.await("session:ready");
        int sent = 60;
        for (int i = 0; i < sent; i++) {
            flooder.send("draft:save", Map.of("resourceId", "catheter:flood-" + i, "data", Map.of("n", i)));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> flooder.closeCode >= 0);
        assertThat(flooder.closeCode).isEqualTo(1008);
        long accepted = flooder.received.stream().filter(m -> m.path("event").asText().equals("draft:saved")).count();
        long limited = flooder.received.stream().filter(m -> m.at("/data/code").asText().equals("RATE_LIMITED")).count();
        assertThat(limited).as("refusals before the cut-off").isPositive();
        assertThat(accepted).as("the burst, plus what the rate refilled while the flood lasted").isBetween(5L, 20L);
        JsonNode drafts = baton.call("GET", "/api/autosave/mine", baton.token("okafor"), null).body().path("drafts");
        assertThat((long) drafts.size()).as("drafts that took effect = drafts acknowledged; none beyond the limit").isEqualTo(accepted);
        System.out.printf("websocket flood: %d sent, %d accepted, %d rate-limited, closed %d%n", sent, accepted, limited, flooder.closeCode);
    }
}
