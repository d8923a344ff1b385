package org.baton.server.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private Map<String, List<Outbound>> heldWhileJoining; // guarded by this; null unless a join is being decided

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

    /**
     * Delivers news about {@code resourceId}. While this session's join of it is being decided, the news waits for the
     * answer: a refused join must leave the session hearing nothing of the resource (it was indexed as joined so that
     * an accepted join misses nothing), an accepted one gets what waited right after its answer.
     */
    public void deliverAbout(String resourceId, Outbound message) {
        synchronized (this) {
            List<Outbound> held = heldWhileJoining == null ? null : heldWhileJoining.get(resourceId);
            if (held != null) {
                held.add(message);
                return;
            }
        }
        deliver(message);
    }

    /** This session's join of {@code resourceId} is about to be decided: its news waits ({@link #deliverAbout}). */
    public synchronized void holdWhileJoining(String resourceId) {
        if (heldWhileJoining == null) {
            heldWhileJoining = new HashMap<>();
        }
        heldWhileJoining.put(resourceId, new ArrayList<>());
    }

    /** The join of {@code resourceId} was decided: what waited is delivered if the session joined, dropped if not. */
    public synchronized void joinDecided(String resourceId, boolean joined) {
        List<Outbound> held = heldWhileJoining == null ? null : heldWhileJoining.remove(resourceId);
        if (heldWhileJoining != null && heldWhileJoining.isEmpty()) {
            heldWhileJoining = null;
        }
        if (joined && held != null) {
            held.forEach(this::deliver);
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
