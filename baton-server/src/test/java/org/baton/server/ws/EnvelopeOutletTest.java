package org.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.baton.server.session.Outbound;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;

/** A consumer that stops reading is cut off at the outbound cap, not waited for (RELIABILITY.md §8). */
class EnvelopeOutletTest {
    /** A Jetty session whose network never drains: sends are accepted and never complete, like a stalled peer. */
    static final class StalledPeer {
        final List<String> sent = new ArrayList<>();
        final List<Callback> pending = new ArrayList<>();
        int closeCode = -1;
        boolean open = true;

        Session session() {
            return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class}, (proxy, method, args) ->
                    switch (method.getName()) {
                        case "isOpen" -> open;
                        case "sendText" -> {
                            sent.add((String) args[0]);
                            pending.add((Callback) args[1]);
                            yield null;
                        }
                        case "close" -> {
                            closeCode = args == null || args.length == 0 ? 1000 : (int) args[0];
                            open = false;
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "StalledPeer";
                        default -> null;
                    });
        }
    }

    @Test
    void aStalledConsumer_isClosedWith1013_onceItsQueueIsFull() {
        StalledPeer peer = new StalledPeer();
        EnvelopeOutlet outlet = new EnvelopeOutlet(peer.session(), 50);
        for (int i = 0; i < 200; i++) {
            outlet.send(Outbound.event("presence:update", Map.of("resourceId", "patient:1:main", "n", i)));
        }
        assertThat(peer.sent).as("no more than the cap is ever buffered for it").hasSize(50);
        assertThat(peer.closeCode).isEqualTo(1013);
    }

    @Test
    void aConsumerThatKeepsUp_isNeverCutOff() {
        StalledPeer peer = new StalledPeer();
        EnvelopeOutlet outlet = new EnvelopeOutlet(peer.session(), 50);
        for (int i = 0; i < 500; i++) {
            outlet.send(Outbound.event("presence:update", Map.of("n", i)));
            peer.pending.remove(0).succeed();
        }
        assertThat(peer.sent).hasSize(500);
        assertThat(peer.closeCode).isEqualTo(-1);
        assertThat(peer.sent.get(499)).isEqualTo("{\"event\":\"presence:update\",\"data\":{\"n\":499}}");
    }
}
