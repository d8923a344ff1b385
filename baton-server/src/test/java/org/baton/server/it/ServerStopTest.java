package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 13 item 10: a server stopping while its WebSocket clients go away handles every disconnect before it closes
 * its store, instead of logging "the database is closed" with a stack trace (noise a newcomer reads as failure).
 */
class ServerStopTest {
    @TempDir
    Path dir;

    @Test
    void issue13_stoppingWithConnectedClients_logsNoStoreFailure() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try {
            for (int round = 0; round < 3; round++) {
                TestBaton baton = new TestBaton(dir.resolve("r" + round), Map.of());
                for (int i = 0; i < 12; i++) {
                    var client = baton.connect(i % 2 == 0 ? "okafor" : "chen");
                    client.answer(client.send("resource:join", Map.of("resourceId", "patient:p-" + i, "mode", i % 3 == 0 ? "editor" : "viewer")));
                }
                baton.close();
            }
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list).as("no failure logged while stopping")
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    /** A stopping server closes its WebSockets with 1001 and says why, so clients reconnect on their backoff (docs/protocol.md). */
    @Test
    void stopping_closesEveryWebSocketWith1001_goingAway() {
        TestBaton baton = new TestBaton(dir.resolve("going-away"), Map.of());
        var editor = baton.connect("okafor");
        editor.answer(editor.send("resource:join", Map.of("resourceId", "patient:p-1", "mode", "editor")));
        var viewer = baton.connect("chen");
        viewer.answer(viewer.send("resource:join", Map.of("resourceId", "patient:p-1", "mode", "viewer")));
        baton.server.close();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> editor.closeCode >= 0 && viewer.closeCode >= 0);
        assertThat(List.of(editor.closeCode, viewer.closeCode)).containsOnly(1001);
        assertThat(editor.closeReason).isEqualTo("Baton is stopping");
    }
}
