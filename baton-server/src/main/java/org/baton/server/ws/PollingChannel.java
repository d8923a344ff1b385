package org.baton.server.ws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Engine.IO's HTTP long-polling transport for one session: packets wait in a bounded queue until the client's next
 * {@code GET} takes them all, joined by the record separator ({@code \u001e}). A client that lets more than
 * {@code maxQueued} packets pile up is closed (as a slow WebSocket consumer would be).
 */
final class PollingChannel implements TextChannel {
    static final char SEPARATOR = '\u001e';
    private final LinkedBlockingQueue<String> packets = new LinkedBlockingQueue<>();
    private final int maxQueued;
    private final Runnable onClose;
    private volatile boolean open = true;

    /** {@code onClose} runs once, when the session ends on this transport (not when it moves to a WebSocket). */
    PollingChannel(int maxQueued, Runnable onClose) {
        this.maxQueued = maxQueued;
        this.onClose = onClose;
    }

    @Override
    public void sendText(String text) {
        if (!open) {
            return;
        }
        if (packets.size() >= maxQueued) {
            close(1013, "slow consumer: too many unsent packets");
            return;
        }
        packets.add(text);
    }

    /**
     * The packets waiting now, or the first to arrive within {@code wait}; null when none came. A closed channel
     * answers its close packet.
     */
    String take(Duration wait) throws InterruptedException {
        String first = packets.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            return open ? null : "1";
        }
        List<String> all = new ArrayList<>(List.of(first));
        packets.drainTo(all);
        return String.join(String.valueOf(SEPARATOR), all);
    }

    /** Every packet not taken yet, in order (they move to the WebSocket at the upgrade). */
    List<String> drain() {
        List<String> all = new ArrayList<>();
        packets.drainTo(all);
        return all;
    }

    /** The session moved to a WebSocket: this transport ends without ending the session; a waiting poll gets a noop. */
    void retire() {
        open = false;
        packets.add("6");
    }

    @Override
    public void close(int code, String reason) {
        if (open) {
            open = false;
            packets.add("1");
            onClose.run();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
