package org.baton.server.session;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.baton.server.auth.Identity;

/**
 * One browser tab (or API client) of one user: the unit that owns leases. It outlives its connection for the
 * disconnect grace, so a client that reconnects with the same session id resumes its leases and joined resources.
 */
public final class ClientSession {
    private final String id;
    private volatile Identity identity;
    private volatile Outlet outlet;
    private volatile Instant disconnectedAt;
    private volatile ClientOrigin origin = ClientOrigin.UNKNOWN;
    private final Set<String> joinedResources = ConcurrentHashMap.newKeySet();

    ClientSession(String id, Identity identity) {
        this.id = id;
        this.identity = identity;
    }

    public String id() {
        return id;
    }

    public Identity identity() {
        return identity;
    }

    public String userId() {
        return identity.userId();
    }

    /** Sends to the live connection, if any; a disconnected session's messages are dropped (the inbox keeps what matters). */
    public void deliver(Outbound message) {
        Outlet current = outlet;
        if (current != null && current.isOpen()) {
            current.send(message);
        }
    }

    /** Whether the live connection asked for {@code presence:delta} (false without one). */
    public boolean takesPresenceDeltas() {
        Outlet current = outlet;
        return current != null && current.takesPresenceDeltas();
    }

    public boolean isConnected() {
        Outlet current = outlet;
        return current != null && current.isOpen();
    }

    public Instant disconnectedAt() {
        return disconnectedAt;
    }

    /** Where this session's latest request or connection came from (for the audit trail of its lock events). */
    public ClientOrigin origin() {
        return origin;
    }

    public void seenFrom(ClientOrigin latest) {
        this.origin = latest;
    }

    /** Resource ids (canonical three-part form) this session has joined as viewer or editor. */
    public Set<String> joinedResources() {
        return joinedResources;
    }

    void attach(Outlet newOutlet, Identity freshIdentity) {
        Outlet previous = this.outlet;
        this.identity = freshIdentity;
        this.outlet = newOutlet;
        this.disconnectedAt = null;
        if (previous != null && previous != newOutlet && previous.isOpen()) {
            previous.close(4000, "session resumed on another connection");
        }
    }

    /** A request without a live connection (REST): the session was last seen now, and is forgotten after the grace like a closed one. */
    void seenWithoutConnection(Instant now) {
        if (outlet == null) {
            disconnectedAt = now;
        }
    }

    /** The client reconnected to another instance: close this connection without it counting as a disconnect. */
    void movedAway() {
        Outlet previous = this.outlet;
        this.outlet = null;
        this.disconnectedAt = null;
        if (previous != null && previous.isOpen()) {
            previous.close(4000, "session resumed on another connection");
        }
    }

    /** This instance stops serving the session (it was declared dead): close the connection so the client reconnects. */
    void dropConnection(int code, String reason) {
        Outlet previous = this.outlet;
        this.outlet = null;
        if (previous != null && previous.isOpen()) {
            previous.close(code, reason);
        }
    }

    boolean detach(Outlet closing, Instant now) {
        if (outlet != closing) {
            return false;
        }
        outlet = null;
        disconnectedAt = now;
        return true;
    }
}
