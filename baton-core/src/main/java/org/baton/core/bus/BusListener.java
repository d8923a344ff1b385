package org.baton.core.bus;

/** Receives bus messages in the order they were committed. */
public interface BusListener {
    void onMessage(BusMessage message);

    /**
     * The bus may have lost messages (its connection dropped and came back): the listener re-reads what it shows
     * from the stores and pushes fresh snapshots.
     */
    default void onResync() {
    }
}
