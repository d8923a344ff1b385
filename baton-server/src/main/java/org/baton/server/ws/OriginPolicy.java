package org.baton.server.ws;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a WebSocket upgrade's {@code Origin} may connect: only exact matches of the configured origins
 * (scheme, host and port), so look-alike hosts ({@code localhost.evil.example}), the opaque {@code null} origin
 * and a missing header are all refused. This closes cross-site WebSocket hijacking; non-browser clients send one
 * of the allowed origins explicitly.
 */
public class OriginPolicy {
    private volatile Set<String> allowed;

    public OriginPolicy(Set<String> allowedOrigins) {
        replace(allowedOrigins);
    }

    /**
     * A policy whose origins are known only once the server listens (port 0 in tests picks the port at start):
     * it refuses everything until {@link #resolve} is called.
     */
    public static final class Deferred extends OriginPolicy {
        public Deferred() {
            super(Set.of());
        }

        public void resolve(Set<String> origins) {
            replace(origins);
        }
    }

    protected final void replace(Set<String> origins) {
        this.allowed = origins.stream().map(OriginPolicy::canonical).filter(java.util.Objects::nonNull).collect(Collectors.toUnmodifiableSet());
    }

    public boolean allows(String origin) {
        if (origin == null || origin.isBlank() || origin.equalsIgnoreCase("null") || origin.length() > 255) {
            return false;
        }
        String canonical = canonical(origin);
        return canonical != null && allowed.contains(canonical);
    }

    public Set<String> allowed() {
        return allowed;
    }

    private static String canonical(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
