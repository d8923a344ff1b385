package org.baton.server.locks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code key} of one person on a resource in presence messages: stable while the same session is there, the same
 * on every instance, and distinct for two tabs of one user (presence lists sessions, not users), so a presence delta
 * can name whom it removes or changes. It is a digest of the session id, never the id itself, which would let another
 * user's page resume that session.
 */
final class PresenceKey {
    private static final int CACHE_LIMIT = 100_000;
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    });

    private PresenceKey() {
    }

    /** 16 URL-safe characters (96 bits) of the SHA-256 of {@code sessionId}. */
    static String of(String sessionId) {
        String key = KEYS.get(sessionId);
        if (key == null) {
            byte[] digest = SHA256.get().digest(sessionId.getBytes(StandardCharsets.UTF_8));
            key = Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
            if (KEYS.size() >= CACHE_LIMIT) {
                KEYS.clear(); // a bound, not an eviction policy: keys are cheap to compute again
            }
            KEYS.put(sessionId, key);
        }
        return key;
    }
}
