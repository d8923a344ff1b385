package org.baton.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.baton.server.auth.Identity;
import org.junit.jupiter.api.Test;

/**
 * A session is indexed as joined before its join is decided, so an accepted join misses nothing; until the answer,
 * news about the resource waits, so a refused join hears none of it (ViewerLimitTest saw it race on PostgreSQL).
 */
class ClientSessionTest {
    private final List<Object> sent = new ArrayList<>();
    private final ClientSession session = new ClientSession("s-1", new Identity("chen", "Dr. Chen", List.of("resident"), Instant.EPOCH));

    ClientSessionTest() {
        session.attach(new Outlet() {
            @Override
            public void send(Outbound message) {
                sent.add(message.data());
            }

            @Override
            public void close(int code, String reason) {
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        }, session.identity());
    }

    @Test
    void newsDuringARefusedJoin_isDropped() {
        session.holdWhileJoining("patient:p-1:main");
        session.deliverAbout("patient:p-1:main", Outbound.event("presence:update", Map.of("n", 1)));
        session.deliverAbout("patient:p-2:main", Outbound.event("presence:update", Map.of("n", 2)));
        assertThat(sent).as("other resources' news is not held").containsExactly(Map.of("n", 2));
        session.joinDecided("patient:p-1:main", false);
        session.deliverAbout("patient:p-1:main", Outbound.event("presence:update", Map.of("n", 3)));
        assertThat(sent).as("nothing of the refused join's wait; later news is no longer held").containsExactly(Map.of("n", 2), Map.of("n", 3));
    }

    @Test
    void newsDuringAnAcceptedJoin_followsItsAnswer_inOrder() {
        session.holdWhileJoining("patient:p-1:main");
        session.deliverAbout("patient:p-1:main", Outbound.event("presence:update", Map.of("n", 1)));
        session.deliverAbout("patient:p-1:main", Outbound.event("presence:update", Map.of("n", 2)));
        session.deliver(Outbound.event("ok", Map.of("n", 0)));
        session.joinDecided("patient:p-1:main", true);
        assertThat(sent).containsExactly(Map.of("n", 0), Map.of("n", 1), Map.of("n", 2));
    }
}
