package org.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.baton.server.session.DeliveryRound;
import org.baton.server.session.Outbound;
import org.junit.jupiter.api.Test;

/** A consumer that stops reading is cut off at the outbound cap, not waited for (RELIABILITY.md §8). */
class EnvelopeOutletTest {
    /** A socket whose network never drains: sends are accepted and never complete, like a stalled peer. */
    static class StalledPeer implements FrameSocket {
        final List<String> sent = new ArrayList<>();
        final List<Runnable> pending = new ArrayList<>();
        int closeCode = -1;
        boolean open = true;

        @Override
        public void send(String text, boolean more, Runnable written) {
            sent.add(text);
            pending.add(written);
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }

    @Test
    void aStalledConsumer_isClosedWith1013_onceItsQueueIsFull() {
        StalledPeer peer = new StalledPeer();
        EnvelopeOutlet outlet = new EnvelopeOutlet(peer, 50);
        for (int i = 0; i < 200; i++) {
            outlet.send(Outbound.event("presence:update", Map.of("resourceId", "patient:1:main", "n", i)));
        }
        assertThat(peer.sent).as("no more than the cap is ever buffered for it").hasSizeLessThanOrEqualTo(50);
        assertThat(peer.closeCode).isEqualTo(1013);
    }

    /** Issue 14: a reader that falls behind gets the latest presence of a resource, not every step, and is not cut off for it. */
    @Test
    void issue14_presenceWaitingForAStalledReader_isReplacedByTheLatest_latestWins() {
        StalledPeer peer = new StalledPeer();
        EnvelopeOutlet outlet = new EnvelopeOutlet(peer, 50);
        for (int v = 1; v <= 200; v++) {
            outlet.send(Outbound.event("presence:update", presence("patient:1:main", v)));
            outlet.send(Outbound.event("presence:update", presence("patient:2:main", v)));
        }
        assertThat(peer.closeCode).as("coalesced, the queue never fills").isEqualTo(-1);
        while (!peer.pending.isEmpty()) {
            peer.pending.remove(0).run();
        }
        assertThat(peer.sent).hasSize(EnvelopeOutlet.IN_FLIGHT + 2);
        assertThat(peer.sent.subList(peer.sent.size() - 2, peer.sent.size())).containsExactly(
                "{\"event\":\"presence:update\",\"data\":{\"resourceId\":\"patient:1:main\",\"version\":200,\"users\":[]}}",
                "{\"event\":\"presence:update\",\"data\":{\"resourceId\":\"patient:2:main\",\"version\":200,\"users\":[]}}");
    }

    private static Map<String, Object> presence(String resourceId, long version) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("resourceId", resourceId);
        data.put("version", version);
        data.put("users", List.of());
        return data;
    }

    /** Issue 14: every recipient of one message on the same framing sends the same frame, written once. */
    @Test
    void issue14_oneMessageToManyConnections_isFramedOnce() {
        StalledPeer first = new StalledPeer();
        StalledPeer second = new StalledPeer();
        Outbound message = Outbound.event("lock:released", Map.of("resourceId", "patient:1:main", "version", 3));
        new EnvelopeOutlet(first, 50).send(message);
        new EnvelopeOutlet(second, 50).send(message);
        assertThat(first.sent.get(0)).isSameAs(second.sent.get(0));
    }

    @Test
    void aConsumerThatKeepsUp_isNeverCutOff() {
        StalledPeer peer = new StalledPeer();
        EnvelopeOutlet outlet = new EnvelopeOutlet(peer, 50);
        for (int i = 0; i < 500; i++) {
            outlet.send(Outbound.event("presence:update", Map.of("n", i)));
            peer.pending.remove(0).run();
        }
        assertThat(peer.sent).hasSize(500);
        assertThat(peer.closeCode).isEqualTo(-1);
        assertThat(peer.sent.get(499)).isEqualTo("{\"event\":\"presence:update\",\"data\":{\"n\":499}}");
    }

    /**
     * Issue 14: frames queued while one bus message is delivered wait for the end of that round and are then handed
     * to the network together, all but the last marked as followed by another, so Jetty writes them in one go.
     */
    @Test
    void issue14_framesOfOneDeliveryRound_waitForItsEnd_andAreWrittenTogether() {
        List<String> handed = new ArrayList<>();
        StalledPeer peer = new StalledPeer() {
            @Override
            public void send(String text, boolean more, Runnable written) {
                handed.add(more + " " + text);
            }
        };
        EnvelopeOutlet outlet = new EnvelopeOutlet(peer, 50, true);
        DeliveryRound.run(() -> {
            outlet.send(Outbound.event("lock:acquired", Map.of("resourceId", "patient:1:main")));
            outlet.send(Outbound.event("lock:released", Map.of("resourceId", "patient:1:main")));
            assertThat(handed).as("held back until the round ends").isEmpty();
        });
        assertThat(handed).containsExactly(
                "true {\"event\":\"lock:acquired\",\"data\":{\"resourceId\":\"patient:1:main\"}}",
                "false {\"event\":\"lock:released\",\"data\":{\"resourceId\":\"patient:1:main\"}}");

        outlet.send(Outbound.event("lock:acquired", Map.of("resourceId", "patient:2:main")));
        assertThat(handed).as("outside a round, a frame leaves at once, alone").hasSize(3)
                .last().isEqualTo("false {\"event\":\"lock:acquired\",\"data\":{\"resourceId\":\"patient:2:main\"}}");
    }
}
