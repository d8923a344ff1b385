package org.baton.core.bus;

/**
 * The port that carries live news between instances (and, on a single node, from the committing writer to the
 * fan-out). Lock decisions enter it through their store's transaction ({@link org.baton.core.store.LockStore}), so
 * they are delivered only once durable and in commit order; other messages ({@link BusMessage.Push},
 * {@link BusMessage.SessionAttached}) are published directly. Every instance receives every message, its own
 * included.
 */
public interface EventBus extends AutoCloseable {
    /** Adds a listener; messages reach listeners one at a time, in commit order. */
    void subscribe(BusListener listener);

    /** Publishes a message outside any store transaction. */
    void publish(BusMessage message);

    /** True while messages flow (for {@code /health/ready}). */
    boolean isConnected();

    @Override
    void close();
}
