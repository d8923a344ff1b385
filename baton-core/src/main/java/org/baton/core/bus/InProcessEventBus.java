package org.baton.core.bus;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The event bus of a single instance: messages are handed to listeners on one dispatcher thread, in the order they
 * were published, so the deciding thread never waits for fan-out and a resource's events never overtake each other.
 * A store calls {@link #publish} from its commit step (after the write is durable, in commit order).
 */
public final class InProcessEventBus implements EventBus {
    private static final Logger LOG = Logger.getLogger(InProcessEventBus.class.getName());
    private final List<BusListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("baton-bus").daemon().factory());

    @Override
    public void subscribe(BusListener listener) {
        listeners.add(listener);
    }

    @Override
    public void publish(BusMessage message) {
        try {
            dispatcher.execute(() -> deliver(message));
        } catch (RejectedExecutionException e) {
            LOG.fine("bus closed; message dropped");
        }
    }

    private void deliver(BusMessage message) {
        for (BusListener listener : listeners) {
            try {
                listener.onMessage(message);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "a bus listener failed; the others go on", e);
            }
        }
    }

    @Override
    public boolean isConnected() {
        return !dispatcher.isShutdown();
    }

    @Override
    public void close() {
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
