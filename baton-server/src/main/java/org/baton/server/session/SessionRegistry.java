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
import org.baton.server.auth.Identity;

/**
 * Every client session of this instance, by id, by user and by joined resource.
 *
 * <p>Session ids are unguessable (128 random bits). A client resumes a session only by presenting its id while
 * authenticated as the same user; a session id of another user is treated as unknown, so ids cannot be used to
 * hijack leases.
 */
public final class SessionRegistry {
    /** The session a connection was bound to, and whether it continued an existing one. */
    public record Binding(ClientSession session, boolean resumed) {
    }

    private static final java.util.regex.Pattern WELL_FORMED = java.util.regex.Pattern.compile("s_[A-Za-z0-9_-]{22}");
    private final SecureRandom random = new SecureRandom();
    private final InstantSource clock;
    private final Map<String, ClientSession> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<ClientSession>> byResource = new ConcurrentHashMap<>();
    private final Map<String, Set<ClientSession>> byRole = new ConcurrentHashMap<>();
    private final Map<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();

    public SessionRegistry(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * Binds a new connection: resumes {@code requestedId} when it is this user's, else opens a new session. An
     * unknown but well-formed id is adopted for this user: after a restart (or on another instance) a client keeps
     * the session its leases belong to. Ids are unguessable and a lease also needs the user's token, so adopting
     * an id grants nothing a stranger could use; an id known here for another user is never reused.
     */
    public Binding connect(Identity identity, String requestedId, Outlet outlet) {
        ClientSession session = resolve(identity, requestedId);
        boolean resumed = session.id().equals(requestedId);
        session.attach(outlet, identity);
        byRole.values().forEach(set -> set.remove(session));
        for (String role : identity.roles()) {
            byRole.computeIfAbsent(role, r -> ConcurrentHashMap.newKeySet()).add(session);
        }
        return new Binding(session, resumed);
    }

    /** The session a REST request acts as: the one named by {@code X-Session-Id} (see {@link #connect}), else a new one. */
    public ClientSession forRequest(Identity identity, String requestedId) {
        ClientSession session = resolve(identity, requestedId);
        session.seenWithoutConnection(clock.instant());
        return session;
    }

    private ClientSession resolve(Identity identity, String requestedId) {
        if (requestedId != null && WELL_FORMED.matcher(requestedId).matches()) {
            ClientSession session = byId.computeIfAbsent(requestedId, id -> indexed(new ClientSession(id, identity)));
            if (session.userId().equals(identity.userId())) {
                return session;
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

    /** Marks the session disconnected if {@code outlet} is still its connection; true when it was. */
    public boolean disconnect(ClientSession session, Outlet outlet) {
        return session.detach(outlet, clock.instant());
    }

    public Optional<ClientSession> find(String sessionId) {
        return Optional.ofNullable(sessionId == null ? null : byId.get(sessionId));
    }

    public void join(ClientSession session, String resourceId) {
        session.joinedResources().add(resourceId);
        byResource.computeIfAbsent(resourceId, k -> ConcurrentHashMap.newKeySet()).add(session);
    }

    public void leave(ClientSession session, String resourceId) {
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

    /** Forgets a session whose grace is over (its leases were already released by the core). */
    public void forget(ClientSession session) {
        for (String resource : Set.copyOf(session.joinedResources())) {
            leave(session, resource);
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

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "s_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
