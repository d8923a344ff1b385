package org.baton.server.session;

/**
 * Where a session's messages go: one live connection, framed in its protocol (Baton's JSON envelopes, or
 * Socket.IO packets). Sending never blocks; an outlet that cannot keep up closes itself.
 */
public interface Outlet {
    void send(Outbound message);

    void close(int code, String reason);

    boolean isOpen();

    /** How many messages are queued here or being written, not yet handed to the kernel; 0 when unknown. */
    default int unsent() {
        return 0;
    }

    /**
     * Whether the client asked for presence as deltas ({@code presence:delta}) rather than the full list on every
     * change; one that did not still gets {@code presence:update} with every user.
     */
    default boolean takesPresenceDeltas() {
        return false;
    }
}
