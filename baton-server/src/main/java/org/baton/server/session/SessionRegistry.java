package org.baton.server.session;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.baton.core.session.SessionStore;
import org.baton.core.session.StoredSession;
import org.baton.server.auth.Identity;

/**
 * The client sessions connected to this instance, by id, by user, by role and by joined resource, backed by the
 * {@link SessionStore} so that a session outlives this instance: its owner, its instance and its joined resources
 * are durable, and a client that reconnects — after a restart, or to another instance behind the load balancer —
 * resumes the same session, with its leases and the resources it had joined.
 *
 * <p>Session ids are unguessable (128 random bits). A client resumes a session only by presenting its id while
 * authenticated as the same user; an id that belongs to another user is treated as unknown, so ids cannot be used
 * to hijack leases.
 */
public final class SessionRegistry {
    /** The session a connection was bound to, and whether it continued an existing one. */
    public record Binding(ClientSession session, boolean resumed) {
    }

    private static final java.util.regex.Pattern WELL_FORMED = java.util.regex.Pattern.compile("s_[A-Za-z0-9_-]{22}");
    private final SecureRandom random = new SecureRandom();
    private final InstantSource clock;
    private final SessionStore store;
    private final Supplier<String> instanceId;
    private final Map<String, ClientSession> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<ClientSession>> byResource = new ConcurrentHashMap<>();
    private final Map<String, Set<ClientSession>> byRole = new ConcurrentHashMap<>();
    private final Map<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();
    /** Per-session guards (striped): a resume's attach and an orphan's release of the same session never interleave. */
    private final Lock[] guards = java.util.stream.Stream.generate(ReentrantLock::new).limit(256).toArray(Lock[]::new);

    /**
     * @param instanceId this instance's current incarnation (it changes if the instance is declared dead and comes back)
     */
    public SessionRegistry(InstantSource clock, SessionStore store, Supplier<String> instanceId) {
        this.clock = clock;
        this.store = store;
        this.instanceId = instanceId;
    }

    /**
     * Binds a new connection: resumes {@code requestedId} when it is this user's (known here or in the store, with the
     * resources it had joined), else opens a new session. An unknown but well-formed id is adopted for this user, so
     * a client keeps the session its leases belong to even if its record was already forgotten; ids are unguessable
     * and a lease also needs the user's token, so adopting an id grants nothing a stranger could use. Every other
     * instance is told (by the store, in the attach's own write), so one still holding an old connection of the session
     * closes it. A resume costs one database round trip here.
     */
    public Binding connect(Identity identity, String requestedId, Outlet outlet) {
        if (requestedId == null) {
            return bind(identity, null, outlet);
        }
        Lock guard = guardOf(requestedId);
        guard.lock();
        try {
            return bind(identity, requestedId, outlet);
        } finally {
            guard.unlock();
        }
    }

    private Binding bind(Identity identity, String requestedId, Outlet outlet) {
        ClientSession resumed = requestedId != null && WELL_FORMED.matcher(requestedId).matches() ? resume(identity, requestedId) : null;
        ClientSession session = resumed != null ? resumed : opened(identity);
        session.attach(outlet, identity);
        byRole.values().forEach(set -> set.remove(session));
        for (String role : identity.roles()) {
            byRole.computeIfAbsent(role, r -> ConcurrentHashMap.newKeySet()).add(session);
        }
        return new Binding(session, session.id().equals(requestedId));
    }

    private ClientSession opened(Identity identity) {
        ClientSession fresh = indexed(new ClientSession(newId(), identity));
        byId.put(fresh.id(), fresh);
        store.attach(fresh.id(), identity.userId(), instanceId.get(), clock.instant());
        return fresh;
    }

    /**
     * Attaches {@code requestedId} here when it is this user's (or unknown), learning from the same write the resources
     * it had joined; null when it belongs to another user.
     */
    private ClientSession resume(Identity identity, String requestedId) {
        ClientSession known = byId.get(requestedId);
        if (known != null) {
            if (!known.userId().equals(identity.userId())) {
                return null;
            }
            store.attach(requestedId, identity.userId(), instanceId.get(), clock.instant());
            return known;
        }
        Optional<StoredSession> stored = store.attach(requestedId, identity.userId(), instanceId.get(), clock.instant());
        if (stored.isPresent() && !stored.get().userId().equals(identity.userId())) {
            return null;
        }
        ClientSession revived = byId.computeIfAbsent(requestedId, id -> indexed(new ClientSession(id, identity)));
        if (!revived.userId().equals(identity.userId())) {
            return null;
        }
        stored.ifPresent(s -> s.resources().forEach(resource -> index(revived, resource)));
        return revived;
    }

    /**
     * Puts a session that a dead instance left (an orphan) into its disconnect grace — {@code disconnect} runs for each
     * resource it had joined — and marks it disconnected, unless its client has come back since the orphan was listed.
     * The check, the disconnects and the mark run under the session's guard, which a resume here takes around its attach
     * ({@link #connect}): a client that resumed first keeps its lease connected and is never put into grace behind its
     * back. True when the session was released; false when it had resumed (or was already released).
     */
    public boolean releaseOrphan(StoredSession orphan, Consumer<String> disconnect) {
        Lock guard = guardOf(orphan.sessionId());
        guard.lock();
        try {
            Optional<StoredSession> current = store.find(orphan.sessionId());
            if (current.isEmpty() || !orphan.instanceId().equals(current.get().instanceId())) {
                return false;
            }
            current.get().resources().forEach(disconnect);
            return store.detach(orphan.sessionId(), orphan.instanceId(), clock.instant());
        } finally {
            guard.unlock();
        }
    }

    private Lock guardOf(String sessionId) {
        return guards[Math.floorMod(sessionId.hashCode(), guards.length)];
    }

    /** The session a REST request acts as: the one named by {@code X-Session-Id} (see {@link #connect}), else a new one. */
    public ClientSession forRequest(Identity identity, String requestedId) {
        ClientSession session = resolve(identity, requestedId);
        session.seenWithoutConnection(clock.instant());
        return session;
    }

    private ClientSession resolve(Identity identity, String requestedId) {
        if (requestedId != null && WELL_FORMED.matcher(requestedId).matches()) {
            ClientSession known = byId.get(requestedId);
            if (known != null) {
                if (known.userId().equals(identity.userId())) {
                    return known;
                }
            } else {
                Optional<StoredSession> stored = store.find(requestedId);
                if (stored.isEmpty() || stored.get().userId().equals(identity.userId())) {
                    ClientSession revived = byId.computeIfAbsent(requestedId, id -> indexed(new ClientSession(id, identity)));
                    if (revived.userId().equals(identity.userId())) {
                        return revived;
                    }
                }
            }
        }
        ClientSession fresh = indexed(new ClientSession(newId(), identity));
        byId.put(fresh.id(), fresh);
        return fresh;
    }

    private ClientSession indexed(ClientSession session) {
        byUser.computeIfAbsent(session.userId(), u -> ConcurrentHashMap.newKeySet()).add(session);
        return session;
    }

    /**
     * The connection {@code outlet} of {@code session} closed. True when that was the session's connection and it was
     * still attached to this instance: its leases then enter their disconnect grace. False when the client had already
     * moved to another connection or instance.
     */
    public boolean disconnect(ClientSession session, Outlet outlet) {
        Instant now = clock.instant();
        return session.detach(outlet, now) && store.detach(session.id(), instanceId.get(), now);
    }

    /** Another instance now holds {@code sessionId}'s connection: close ours, forget it here, and do not disconnect it. */
    public void movedAway(String sessionId, String toInstance) {
        if (toInstance.equals(instanceId.get())) {
            return;
        }
        ClientSession session = byId.get(sessionId);
        if (session != null) {
            session.movedAway();
            forget(session);
        }
    }

    /** This instance was declared dead: drop every connection (clients reconnect and resume) and forget every session. */
    public void dropAll(int code, String reason) {
        for (ClientSession session : List.copyOf(byId.values())) {
            session.dropConnection(code, reason);
            forget(session);
        }
    }

    public Optional<ClientSession> find(String sessionId) {
        return Optional.ofNullable(sessionId == null ? null : byId.get(sessionId));
    }

    public void join(ClientSession session, String resourceId) {
        index(session, resourceId);
        store.join(session.id(), resourceId);
    }

    private void index(ClientSession session, String resourceId) {
        session.joinedResources().add(resourceId);
        byResource.computeIfAbsent(resourceId, k -> ConcurrentHashMap.newKeySet()).add(session);
    }

    public void leave(ClientSession session, String resourceId) {
        unindex(session, resourceId);
        store.leave(session.id(), resourceId);
    }

    private void unindex(ClientSession session, String resourceId) {
        session.joinedResources().remove(resourceId);
        byResource.computeIfPresent(resourceId, (k, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
    }

    /** Sessions joined to a resource, connected or within their grace. */
    public Set<ClientSession> joinedTo(String resourceId) {
        return byResource.getOrDefault(resourceId, Set.of());
    }

    /** Resources at least one session of this instance has joined. */
    public Set<String> joinedResources() {
        return Set.copyOf(byResource.keySet());
    }

    public List<ClientSession> ofUser(String userId) {
        return List.copyOf(byUser.getOrDefault(userId, Set.of()));
    }

    /**
     * Sessions that connected over a WebSocket with {@code role} (admins, for alerts and the dashboard feed): an index,
     * so pushing to admins costs the number of admins, not the number of sessions.
     */
    public Set<ClientSession> withRole(String role) {
        return byRole.getOrDefault(role, Set.of());
    }

    public List<ClientSession> all() {
        return List.copyOf(byId.values());
    }

    /** Forgets a session here (its durable record stays until housekeeping ends it, so it can still be resumed elsewhere). */
    public void forget(ClientSession session) {
        for (String resource : Set.copyOf(session.joinedResources())) {
            unindex(session, resource);
        }
        byRole.values().forEach(set -> set.remove(session));
        byUser.computeIfPresent(session.userId(), (u, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
        byId.remove(session.id(), session);
    }

    /** Sessions disconnected before {@code cutoff}: the housekeeper forgets them. */
    public List<ClientSession> disconnectedBefore(Instant cutoff) {
        return byId.values().stream()
                .filter(s -> s.disconnectedAt() != null && s.disconnectedAt().isBefore(cutoff))
                .toList();
    }

    /** The durable session records. */
    public SessionStore store() {
        return store;
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "s_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
