package org.baton.core.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port to the durable record of WebSocket sessions: which user owns each session id, which instance holds its
 * connection, and which resources it joined. It is what lets a client resume its session, leases and joined
 * resources after a server restart or on another instance, and what lets a live instance put the sessions of a
 * dead one into their disconnect grace.
 */
public interface SessionStore {
    Optional<StoredSession> find(String sessionId);

    /**
     * Records that {@code sessionId} (of {@code userId}) is now connected to {@code instanceId} and announces it on the
     * bus ({@link org.baton.core.bus.BusMessage.SessionAttached}: an instance still holding an older connection of the
     * session closes it), in one write; a session of another user is left as it is and nothing is announced. Returns the
     * session as it was stored before (empty for a new one), so a resume learns its owner and joined resources in the
     * same round trip (issue 16: a storm of resumes starved the database pool).
     */
    Optional<StoredSession> attach(String sessionId, String userId, String instanceId, Instant now);

    /**
     * Records that the session lost its connection, only if it is still attached to {@code instanceId}; true when it
     * was (a session that moved to another instance in the meantime is left alone).
     */
    boolean detach(String sessionId, String instanceId, Instant now);

    void join(String sessionId, String resourceId);

    void leave(String sessionId, String resourceId);

    /** Sessions still marked connected to an instance that is dead (reaped or deregistered) or unknown. */
    List<StoredSession> orphaned();

    /** Housekeeping: forgets sessions disconnected before {@code cutoff}; returns how many. */
    int forgetDisconnectedBefore(Instant cutoff);
}
